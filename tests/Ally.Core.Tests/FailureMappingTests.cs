using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using Ally.Configuration;
using Ally.Http;
using Ally.Providers;
using Ally.Providers.Ollama;
using Ally.Providers.OpenAI;
using Xunit;

namespace Ally.Tests
{
    /// <summary>
    /// The one table of failures: what a server answered (or how the connection failed) → the error id,
    /// its category, whether Ally retries it, and a word of what the message says. Both protocol families
    /// map through one status mapper and one connection-failure mapper each, so every cmdlet reports the
    /// same failure the same way.
    /// </summary>
    public class FailureMappingTests
    {
        private const string Html502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
            "<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n";
        private const string Html504 = "<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>";
        private static readonly Uri Host = new Uri("http://127.0.0.1:11434/");

        public static IEnumerable<object?[]> OllamaAnswers => new[]
        {
            Row(404, "{\"error\":\"model 'x' not found\"}", "ModelNotFound", AllyErrorCategory.ObjectNotFound, false, "Install-AllyModel x"),
            Row(404, "{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}", "NotOllama", AllyErrorCategory.ConnectionError, false, "ALLY_OPENAI_BASE_URL=http://127.0.0.1:11434/v1"),
            Row(404, "404 page not found", "NotOllama", AllyErrorCategory.ConnectionError, false, "-Provider openai"),
            Row(400, "{\"error\":\"x does not support tools\"}", "ToolsNotSupported", AllyErrorCategory.InvalidArgument, false, "does not support tools"),
            Row(401, "{\"error\":\"unauthorized\",\"signin_url\":\"https://ollama.com/connect\"}", "AccessDenied", AllyErrorCategory.PermissionDenied, false, "401 (Unauthorized)"),
            Row(408, "{\"error\":\"request timed out\"}", "ProviderTimeout", AllyErrorCategory.OperationTimeout, true, "timed out"),
            Row(429, "{\"error\":\"slow down\"}", "RateLimited", AllyErrorCategory.ResourceBusy, true, "429 (Too Many Requests): slow down"),
            Row(500, "{\"error\":\"llama runner process has terminated\"}", "ProviderError", AllyErrorCategory.ProviderError, false, "llama runner"),
            Row(500, "{\"error\":\"model requires more system memory (10.2 GiB) than is available (4.0 GiB)\"}", "InsufficientMemory", AllyErrorCategory.ResourceUnavailable, false, "llama3.2:1b"),
            Row(502, Html502, "UpstreamError", AllyErrorCategory.ProviderError, true, "502 Bad Gateway"),
            Row(503, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}", "ServerBusy", AllyErrorCategory.ResourceBusy, true, "OLLAMA_MAX_QUEUE"),
            Row(504, Html504, "ProviderTimeout", AllyErrorCategory.OperationTimeout, true, "504 Gateway Time-out"),
        };

        public static IEnumerable<object?[]> OpenAIFamilyAnswers => new[]
        {
            Row(400, "{\"error\":{\"code\":400,\"message\":\"Invalid request parameters\"}}", "InvalidRequest", AllyErrorCategory.InvalidArgument, false, "Invalid request parameters"),
            Row(400, "{\"error\":{\"message\":\"acme/fake-1.0 is not a valid model ID\",\"error_type\":\"invalid_request\",\"http_status\":400,\"availability\":{\"code\":\"model_not_found\",\"retryable\":false}}}",
                "InvalidModel", AllyErrorCategory.InvalidArgument, false, "vendor/model"),
            Row(400, "{\"error\":{\"code\":400,\"message\":\"This endpoint's maximum context length is 8192 tokens\",\"metadata\":{\"error_type\":\"context_length_exceeded\"}}}",
                "ContextLengthExceeded", AllyErrorCategory.InvalidArgument, false, "Shorten the input"),
            Row(400, "{\"error\":{\"code\":400,\"message\":\"request (913 tokens) exceeds the available context size (256 tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":913,\"n_ctx\":256}}",
                "ContextLengthExceeded", AllyErrorCategory.InvalidArgument, false, "913 tokens"),
            Row(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens, however you requested 8610 tokens.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}",
                "ContextLengthExceeded", AllyErrorCategory.InvalidArgument, false, "longer context"),
            Row(401, "{\"error\":{\"code\":401,\"message\":\"Missing Authentication header\"}}", "InvalidApiKey", AllyErrorCategory.AuthenticationError, false, "openrouter.ai/settings/keys"),
            Row(402, "{\"error\":{\"code\":402,\"message\":\"Insufficient credits.\"}}", "InsufficientCredits", AllyErrorCategory.QuotaExceeded, false, "openrouter.ai/credits"),
            Row(403, "{\"error\":{\"code\":403,\"message\":\"Request blocked\",\"metadata\":{\"reasons\":[\"hate\"]}}}", "RequestBlocked", AllyErrorCategory.PermissionDenied, false, "hate"),
            Row(404, "{\"error\":{\"code\":404,\"message\":\"No endpoints found\"}}", "ModelUnavailable", AllyErrorCategory.ObjectNotFound, false, "Get-AllyModel -Provider openrouter"),
            Row(408, "{\"error\":{\"code\":408,\"message\":\"Operation timed out.\"}}", "ProviderTimeout", AllyErrorCategory.OperationTimeout, true, "timed out"),
            Row(429, "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{\"error_type\":\"rate_limit_exceeded\"}}}", "RateLimited", AllyErrorCategory.ResourceBusy, true, "-MaxRetry"),
            Row(429, "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}",
                "InsufficientQuota", AllyErrorCategory.QuotaExceeded, false, "billing"),
            Row(502, "{\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}", "UpstreamError", AllyErrorCategory.ProviderError, true, "Provider returned error"),
            Row(502, Html502, "UpstreamError", AllyErrorCategory.ProviderError, true, "proxy or gateway"),
            Row(503, "{\"error\":{\"code\":503,\"message\":\"Service temporarily unavailable\"}}", "ServiceUnavailable", AllyErrorCategory.ResourceBusy, true, "later"),
            Row(504, Html504, "ProviderTimeout", AllyErrorCategory.OperationTimeout, true, "Gateway Time-out"),
            Row(500, "<html><body><h1>Internal Server Error</h1><p>" + new string('x', 5000) + "</p></body></html>", "ProviderError", AllyErrorCategory.ProviderError, false, "Internal Server Error"),
        };

        private static object?[] Row(int status, string body, string id, AllyErrorCategory category, bool transient, string mentions) =>
            new object?[] { status, body, id, category, transient, mentions };

        [Theory]
        [MemberData(nameof(OllamaAnswers))]
        public void OllamaStatusesMap(int status, string body, string id, AllyErrorCategory category, bool transient, string mentions)
        {
            var response = new OllamaResponseException(status, ReasonPhrase(status), ErrorBody.Parse(body, ReasonPhrase(status)), midStream: false);
            AllyException ex = OllamaErrors.FromResponse(response, Host, "api/chat", "x");
            AssertMapped(ex, status, id, category, transient, mentions);
        }

        [Theory]
        [MemberData(nameof(OpenAIFamilyAnswers))]
        public void OpenAIFamilyStatusesMap(int status, string body, string id, AllyErrorCategory category, bool transient, string mentions)
        {
            ProviderContext openRouter = Context(ProviderRegistry.OpenRouter, new Dictionary<string, string?> { ["OPENROUTER_API_KEY"] = "sk-or-v1-test" });
            AllyException ex = OpenAIErrors.FromStatus(status, ReasonPhrase(status), ErrorBody.Parse(body, ReasonPhrase(status)), null, "acme/fake-1.0", openRouter);
            AssertMapped(ex, status, id, category, transient, mentions);
        }

        private static void AssertMapped(AllyException ex, int status, string id, AllyErrorCategory category, bool transient, string mentions)
        {
            Assert.Equal(id, ex.ErrorId);
            Assert.Equal(category, ex.Category);
            Assert.Equal(transient, ex.IsTransient);
            Assert.Equal(status, ex.StatusCode);
            Assert.Contains(mentions, ex.Message);
            // Every error says what to do, except a 400 whose server text is the whole story.
            if (id != "InvalidRequest") Assert.False(string.IsNullOrEmpty(ex.Remedy), id + " has no remedy");
            // Never a raw body, never JSON internals, never more than a short line of the server's text.
            Assert.DoesNotContain("<html", ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("{\"error\"", ex.Message);
            Assert.True(ex.Problem.Length <= 400, ex.Problem);
        }

        [Fact]
        public void A401FromAnotherServerSaysItWantsAKeyAndHowToGiveOne()
        {
            ProviderContext llama = Context(ProviderRegistry.OpenAI, new Dictionary<string, string?> { ["ALLY_OPENAI_BASE_URL"] = "http://127.0.0.1:8080/v1" });
            string body = "{\"error\":{\"code\":401,\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}";
            AllyException ex = OpenAIErrors.FromStatus(401, "Unauthorized", ErrorBody.Parse(body, null), null, "m", llama);
            Assert.Equal("InvalidApiKey", ex.ErrorId);
            Assert.StartsWith("The server at http://127.0.0.1:8080/v1/ wants an API key", ex.Problem);
            Assert.Contains("OPENAI_API_KEY", ex.Remedy);
            Assert.Contains("-ApiKey", ex.Remedy);
            Assert.DoesNotContain("OpenRouter", ex.Message);

            ProviderContext withKey = Context(ProviderRegistry.OpenAI, new Dictionary<string, string?>
            {
                ["ALLY_OPENAI_BASE_URL"] = "http://127.0.0.1:8080/v1", ["OPENAI_API_KEY"] = "wrong",
            });
            AllyException refused = OpenAIErrors.FromStatus(401, "Unauthorized", ErrorBody.Parse(body, null), null, "m", withKey);
            Assert.Contains("refused the API key from OPENAI_API_KEY", refused.Problem);
            Assert.DoesNotContain("wrong", refused.Message);
        }

        [Fact]
        public void RetryableAvailabilityAndItsRetryAfterAreHonoured()
        {
            ProviderContext openRouter = Context(ProviderRegistry.OpenRouter, new Dictionary<string, string?>());
            string body = "{\"error\":{\"message\":\"capacity\",\"http_status\":429,\"availability\":{\"code\":\"capacity_exhausted\",\"retryable\":true,\"retry_after\":12}}}";
            AllyException ex = OpenAIErrors.FromStatus(429, null, ErrorBody.Parse(body, null), null, "m/x", openRouter);
            Assert.True(ex.IsTransient);
            Assert.Equal(TimeSpan.FromSeconds(12), ex.RetryAfter);
            // The header wins over the body.
            Assert.Equal(TimeSpan.FromSeconds(3), OpenAIErrors.FromStatus(429, null, ErrorBody.Parse(body, null), TimeSpan.FromSeconds(3), "m/x", openRouter).RetryAfter);
        }

        public static IEnumerable<object[]> ConnectionFailures => new[]
        {
            new object[] { new HttpRequestException("Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused)), false },
            new object[] { new HttpRequestException("Name or service not known", new SocketException((int)SocketError.HostNotFound)), false },
            new object[] { new HttpRequestException("The SSL connection could not be established", new AuthenticationException("bad certificate")), false },
            // A pooled connection the server closed, or a reset after the request went out: lost, not unreachable.
            new object[] { new HttpRequestException("An error occurred while sending the request.", new IOException("The response ended prematurely. (ResponseEnded)")), true },
            new object[] { new IOException("Unable to read data from the transport connection: Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset)), true },
            new object[] { new HttpRequestException("Error while copying content to a stream.", new IOException("Broken pipe", new SocketException((int)SocketError.Shutdown))), true },
        };

        [Theory]
        [MemberData(nameof(ConnectionFailures))]
        public void OnlyServersThatCannotBeReachedAreUnreachable(Exception failure, bool lost)
        {
            AllyException ollama = OllamaConnection.For(Host, Ally.Http.NetworkSettings.Default).Failure(failure, "api/chat", "m", CancellationToken.None)!;
            Assert.Equal(lost ? "ConnectionLost" : "OllamaUnreachable", ollama.ErrorId);
            Assert.Equal(AllyErrorCategory.ConnectionError, ollama.Category);
            Assert.Equal(lost, ollama.IsTransient);
            if (lost) Assert.DoesNotContain("ollama serve", ollama.Message);
            else Assert.Contains("ollama serve", ollama.Message);

            var openai = new OpenAIConnection(Context(ProviderRegistry.OpenAI, new Dictionary<string, string?> { ["ALLY_OPENAI_BASE_URL"] = "http://127.0.0.1:8080/v1" }));
            AllyException server = openai.ConnectionFailure(failure);
            Assert.Equal(lost ? "ConnectionLost" : "ProviderUnreachable", server.ErrorId);
            Assert.Equal(lost, server.IsTransient);
            Assert.Contains("the server at http://127.0.0.1:8080/v1/", server.Message);
            Assert.Contains(lost ? "run" : "ALLY_OPENAI_BASE_URL", server.Remedy);
        }

        [Fact]
        public void ACancellationIsNotTranslated()
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.Null(OllamaConnection.For(Host, Ally.Http.NetworkSettings.Default).Failure(new OperationCanceledException(), "api/chat", "m", cts.Token));
            Assert.Null(OllamaConnection.For(Host, Ally.Http.NetworkSettings.Default).Failure(new HttpRequestException("aborted"), "api/chat", "m", cts.Token));
        }

        [Fact]
        public void AMidStreamErrorKeepsTheServersTextShort()
        {
            string longText = "an error was encountered while running the model " + new string('z', 3000);
            AllyException ex = OpenAIErrors.MidStream(ErrorBody.FromElement(System.Text.Json.JsonDocument.Parse("{\"message\":\"" + longText + "\",\"code\":502}").RootElement), "OpenRouter");
            Assert.Equal("StreamError", ex.ErrorId);
            Assert.True(ex.IsTransient);
            Assert.True(ex.Message.Length < 600, ex.Message);
            Assert.Contains("Run the command again", ex.Remedy);
        }

        [Theory]
        [InlineData("short", "short")]
        [InlineData("two\r\nlines\tand  tabs", "two lines and tabs")]
        public void ExcerptsAreOneShortLine(string text, string expected)
        {
            Assert.Equal(expected, Messages.Excerpt(text));
            string excerpt = Messages.Excerpt(new string('a', 5000));
            Assert.Equal(Messages.ExcerptLength, excerpt.Length);
            Assert.EndsWith("…", excerpt);
        }

        private static ProviderContext Context(ProviderDescriptor provider, Dictionary<string, string?> env) =>
            ProviderContext.Resolve(provider, SettingsResolver.Create(null, n => env.TryGetValue(n, out string? v) ? v : null), null, requireKey: false);

        private static string ReasonPhrase(int status) => new HttpResponseMessage((System.Net.HttpStatusCode)status).ReasonPhrase ?? string.Empty;
    }
}
