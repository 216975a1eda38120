using System;
using System.Collections.Generic;
using System.Security;
using Ally.Configuration;
using Ally.Providers;
using Ally.Providers.OpenRouter;
using Xunit;

namespace Ally.Tests
{
    public class OpenRouterTests
    {
        [Theory]
        [InlineData(400, "{\"error\":{\"code\":400,\"message\":\"Invalid request parameters\"}}", "InvalidRequest", AllyErrorCategory.InvalidArgument, false)]
        [InlineData(401, "{\"error\":{\"code\":401,\"message\":\"Missing Authentication header\"}}", "InvalidApiKey", AllyErrorCategory.AuthenticationError, false)]
        [InlineData(402, "{\"error\":{\"code\":402,\"message\":\"Insufficient credits.\"}}", "InsufficientCredits", AllyErrorCategory.QuotaExceeded, false)]
        [InlineData(403, "{\"error\":{\"code\":403,\"message\":\"Request blocked\",\"metadata\":{\"reasons\":[\"hate\"]}}}", "RequestBlocked", AllyErrorCategory.PermissionDenied, false)]
        [InlineData(404, "{\"error\":{\"code\":404,\"message\":\"No endpoints found\"}}", "ModelUnavailable", AllyErrorCategory.ObjectNotFound, false)]
        [InlineData(408, "{\"error\":{\"code\":408,\"message\":\"Operation timed out.\"}}", "ProviderTimeout", AllyErrorCategory.OperationTimeout, true)]
        [InlineData(429, "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{\"error_type\":\"rate_limit_exceeded\"}}}", "RateLimited", AllyErrorCategory.ResourceBusy, true)]
        [InlineData(502, "{\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}", "UpstreamError", AllyErrorCategory.ProviderError, true)]
        [InlineData(503, "{\"error\":{\"code\":503,\"message\":\"Service temporarily unavailable\"}}", "ServiceUnavailable", AllyErrorCategory.ResourceBusy, true)]
        [InlineData(500, "<html>oops</html>", "ProviderError", AllyErrorCategory.ProviderError, false)]
        public void MapsEveryStatusWithItsRemedy(int status, string body, string id, AllyErrorCategory category, bool transient)
        {
            AllyException ex = OpenRouterErrors.FromStatus(status, OpenRouterErrors.Parse(body, "reason"), null, "openai/gpt-4o", "OpenRouter");
            Assert.Equal(id, ex.ErrorId);
            Assert.Equal(category, ex.Category);
            Assert.Equal(transient, ex.IsTransient);
            Assert.Equal(status, ex.StatusCode);
            if (status != 500) Assert.False(string.IsNullOrEmpty(ex.ServerMessage) || ex.ServerMessage!.StartsWith("{"));
            if (status == 403) Assert.Contains("hate", ex.Message);
        }

        [Fact]
        public void ReadsTheAvailabilityVariant()
        {
            string body = "{\"error\":{\"message\":\"acme/fake-1.0 is not a valid model ID\",\"error_type\":\"invalid_request\",\"http_status\":400," +
                "\"availability\":{\"code\":\"model_not_found\",\"retryable\":false,\"requested_models\":[\"acme/fake-1.0\"]}}}";
            OpenRouterErrors.ErrorBody parsed = OpenRouterErrors.Parse(body, null);
            Assert.Equal(400, parsed.Code);
            Assert.Equal("model_not_found", parsed.AvailabilityCode);
            AllyException ex = OpenRouterErrors.FromStatus(400, parsed, null, "acme/fake-1.0", "OpenRouter");
            Assert.Equal("InvalidModel", ex.ErrorId);
            Assert.Contains("Get-AllyModel -Provider OpenRouter", ex.Message);
        }

        [Fact]
        public void RetryableAvailabilityAndItsRetryAfterAreHonoured()
        {
            string body = "{\"error\":{\"message\":\"capacity\",\"http_status\":429,\"availability\":{\"code\":\"capacity_exhausted\",\"retryable\":true,\"retry_after\":12}}}";
            AllyException ex = OpenRouterErrors.FromStatus(429, OpenRouterErrors.Parse(body, null), null, "m/x", "OpenRouter");
            Assert.True(ex.IsTransient);
            Assert.Equal(TimeSpan.FromSeconds(12), ex.RetryAfter);
            // The header wins over the body.
            AllyException withHeader = OpenRouterErrors.FromStatus(429, OpenRouterErrors.Parse(body, null), TimeSpan.FromSeconds(3), "m/x", "OpenRouter");
            Assert.Equal(TimeSpan.FromSeconds(3), withHeader.RetryAfter);
        }

        [Fact]
        public void ReadsOpenAiStyleErrorsFromCompatibleServers()
        {
            string body = "{\"error\":{\"message\":\"Invalid API Key\",\"type\":\"authentication_error\",\"code\":\"invalid_api_key\"}}";
            AllyException ex = OpenRouterErrors.FromStatus(401, OpenRouterErrors.Parse(body, null), null, "local", "the server");
            Assert.Equal("InvalidApiKey", ex.ErrorId);
            Assert.StartsWith("The server answered 401: Invalid API Key", ex.Message);
        }

        [Theory]
        [InlineData("openai/gpt-4o", true)]
        [InlineData("anthropic/claude-3-sonnet", true)]
        [InlineData("meta-llama/llama-3.1-405b:free", true)]
        [InlineData("gpt-4", false)]
        [InlineData("openai/", false)]
        [InlineData("a b/c", false)]
        public void ValidatesVendorModelIds(string id, bool valid) => Assert.Equal(valid, OpenRouterChatProvider.IsValidModelId(id));

        [Fact]
        public void ApiKeysNeverShowTheirValue()
        {
            ApiKey key = ApiKey.FromPlainText(" sk-or-v1-secret ", "OPENROUTER_API_KEY");
            Assert.Equal("sk-or-v1-secret", key.Reveal());
            Assert.DoesNotContain("secret", key.ToString());
            Assert.DoesNotContain("secret", $"{key}");
        }

        [Fact]
        public void KeysComeFromTheParameterThenTheEnvironmentThenTheVault()
        {
            var env = new Dictionary<string, string?>();
            var calls = new List<(string, string)>();
            SecureString? Vault(string vault, string name) { calls.Add((vault, name)); return ApiKey.Protect("from-vault"); }
            SettingsResolver Resolver() => new SettingsResolver(null, n => env.TryGetValue(n, out string? v) ? v : null);

            Assert.Null(ApiKeys.Resolve(null, ApiKeys.OpenRouterVariable, Resolver(), Vault));
            Assert.Empty(calls); // no vault configured: never consulted

            env["ALLY_SECRET_VAULT"] = "MyVault";
            Assert.Equal("vault 'MyVault'", ApiKeys.Resolve(null, ApiKeys.OpenRouterVariable, Resolver(), Vault)!.Source);
            Assert.Equal(("MyVault", "OPENROUTER_API_KEY"), calls[0]);

            env["OPENROUTER_API_KEY"] = "from-env";
            Assert.Equal("from-env", ApiKeys.Resolve(null, ApiKeys.OpenRouterVariable, Resolver(), Vault)!.Reveal());
            Assert.Equal("-ApiKey", ApiKeys.Resolve(ApiKey.Protect("p"), ApiKeys.OpenRouterVariable, Resolver(), Vault)!.Source);
            Assert.Single(calls);
        }

        [Fact]
        public void TheMissingKeyErrorNamesAllThreeWays()
        {
            AllyException ex = ApiKeys.Missing();
            Assert.Equal("ApiKeyRequired", ex.ErrorId);
            Assert.Contains("OPENROUTER_API_KEY", ex.Message);
            Assert.Contains("-ApiKey", ex.Message);
            Assert.Contains("ALLY_SECRET_VAULT", ex.Message);
        }

        [Fact]
        public void SettingsChooseOpenRouterDefaultsAndRequireKeysOnlyForOpenRouterItself()
        {
            var env = new Dictionary<string, string?> { ["ALLY_PROVIDER"] = "openrouter" };
            SettingsResolver Resolver() => new SettingsResolver(null, n => env.TryGetValue(n, out string? v) ? v : null);
            ChatSettings official = ChatSettings.Resolve(Resolver());
            Assert.Equal(ChatProviders.DefaultOpenRouterModel, official.Model.Value);
            Assert.True(official.RequiresApiKey);

            env["ALLY_OPENROUTER_BASE_URL"] = "http://localhost:8080/v1";
            env["ALLY_MODEL"] = "any-local-name";
            ChatSettings local = ChatSettings.Resolve(Resolver());
            Assert.False(local.RequiresApiKey);
            Assert.Equal("http://localhost:8080/v1/", local.OpenRouterBaseUrl.AbsoluteUri);
            Assert.Equal("any-local-name", local.Model.Value);

            env["ALLY_OPENROUTER_BASE_URL"] = "not a url";
            Assert.Equal("InvalidOpenRouterBaseUrl", Assert.Throws<AllyException>(() => ChatSettings.Resolve(Resolver())).ErrorId);

            // OpenRouter's settings do not concern an Ollama chat.
            env["ALLY_PROVIDER"] = "ollama";
            env["ALLY_MODEL"] = "llama3.1";
            Assert.Equal("ollama", ChatSettings.Resolve(Resolver()).Provider.Value);
        }

        [Fact]
        public void CostBudgetStopsNewRequestsOnceSpent()
        {
            var budget = new CostBudget(0.01m);
            budget.EnsureAvailable();
            budget.Add(0.004m);
            budget.Add(null);
            budget.EnsureAvailable();
            budget.Add(0.006m);
            AllyException ex = Assert.Throws<AllyException>(() => budget.EnsureAvailable());
            Assert.Equal("CostLimitReached", ex.ErrorId);
            Assert.Equal(AllyErrorCategory.QuotaExceeded, ex.Category);
        }
    }
}
