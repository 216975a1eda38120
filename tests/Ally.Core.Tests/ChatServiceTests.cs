using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ally.Providers.Ollama;
using Xunit;

namespace Ally.Tests
{
    public class ChatServiceTests
    {
        /// <summary>A provider that sends two pieces, then waits or fails as told.</summary>
        private sealed class ScriptedProvider : IChatProvider
        {
            public Func<CancellationToken, Task>? AfterTwoPieces { get; set; }
            public string Name => "scripted";
            public void Validate(ChatRequest request) { }

            public async Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
            {
                answer.AppendThinking("hmm");
                answer.AppendContent("Hel");
                answer.AppendContent("lo");
                if (AfterTwoPieces != null) await AfterTwoPieces(cancellationToken);
                answer.IsDone = true;
                answer.FinishReason = "stop";
                answer.PromptTokens = 3;
                answer.CompletionTokens = 2;
                answer.CompletionDuration = TimeSpan.FromSeconds(0.5);
            }
        }

        private static ChatRequest Request(TimeSpan? timeout = null) =>
            new ChatRequest("m", new[] { new ChatMessage("user", "hi") }) { Timeout = timeout };

        [Fact]
        public async Task BuildsTheResponseAndTheConversation()
        {
            var updates = new List<ChatUpdate>();
            ChatResponse r = await ChatService.CompleteAsync(new ScriptedProvider(), Request(), updates.Add, CancellationToken.None);
            Assert.Equal("Hello", r.Content);
            Assert.Equal("Hello", r.ToString());
            Assert.Equal("hmm", r.Thinking);
            Assert.Equal("stop", r.FinishReason);
            Assert.Equal(5, r.TotalTokens);
            Assert.Equal(4.0, r.TokensPerSecond);
            Assert.True(r.Streamed);
            Assert.True(r.IsComplete);
            Assert.Equal(new[] { "user", "assistant" }, new[] { r.Messages[0].Role, r.Messages[1].Role });
            Assert.Equal("Hello", r.Messages[1].Content);
            Assert.Equal(new[] { ChatUpdateKind.Thinking, ChatUpdateKind.Content, ChatUpdateKind.Content }, updates.ConvertAll(u => u.Kind));
        }

        [Fact]
        public async Task ATimeoutKeepsWhatArrived()
        {
            var provider = new ScriptedProvider { AfterTwoPieces = ct => Task.Delay(Timeout.Infinite, ct) };
            var ex = await Assert.ThrowsAsync<AllyException>(() =>
                ChatService.CompleteAsync(provider, Request(TimeSpan.FromMilliseconds(50)), null, CancellationToken.None));
            Assert.Equal("RequestTimeout", ex.ErrorId);
            Assert.Equal(AllyErrorCategory.OperationTimeout, ex.Category);
            Assert.Equal("Hello", ex.PartialResponse?.Content);
            Assert.False(ex.PartialResponse?.IsComplete);
        }

        [Fact]
        public async Task UserCancellationIsNotATimeout()
        {
            using var cts = new CancellationTokenSource(50);
            var provider = new ScriptedProvider { AfterTwoPieces = ct => Task.Delay(Timeout.Infinite, ct) };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                ChatService.CompleteAsync(provider, Request(TimeSpan.FromMinutes(5)), null, cts.Token));
        }

        [Fact]
        public async Task AProviderFailureCarriesThePartialAnswer()
        {
            var provider = new ScriptedProvider
            {
                AfterTwoPieces = _ => throw OllamaConnection.Translate(new OllamaResponseException(null, "boom", midStream: true), "m"),
            };
            var ex = await Assert.ThrowsAsync<AllyException>(() => ChatService.CompleteAsync(provider, Request(), null, CancellationToken.None));
            Assert.Equal("StreamError", ex.ErrorId);
            Assert.Equal("boom", ex.ServerMessage);
            Assert.Contains("boom", ex.Message);
            Assert.Equal("Hello", ex.PartialResponse?.Content);
        }

        [Theory]
        [InlineData(404, "model 'x' not found", "ModelNotFound", AllyErrorCategory.ObjectNotFound, "Install-AllyModel x")]
        [InlineData(400, "x does not support tools", "InvalidRequest", AllyErrorCategory.InvalidArgument, "does not support tools")]
        [InlineData(503, "server busy, please try again.  maximum pending requests exceeded", "ServerBusy", AllyErrorCategory.ResourceBusy, "OLLAMA_MAX_QUEUE")]
        [InlineData(500, "llama runner process has terminated", "ProviderError", AllyErrorCategory.ProviderError, "llama runner")]
        public void OllamaStatusesMapToErrorsWithTheServerTextAndARemedy(int status, string text, string id, AllyErrorCategory category, string mentions)
        {
            AllyException ex = OllamaConnection.Translate(new OllamaResponseException(status, text, midStream: false), "x");
            Assert.Equal(id, ex.ErrorId);
            Assert.Equal(category, ex.Category);
            Assert.Contains(text, ex.Message);
            Assert.Contains(mentions, ex.Message);
            Assert.Equal(status, ex.StatusCode);
        }

        [Fact]
        public void OptionsAreCheckedBeforeSending()
        {
            var provider = new OllamaChatProvider(new Uri("http://127.0.0.1:9/"));
            ChatRequest Req(string key, object? value) => new ChatRequest("m", new[] { new ChatMessage("user", "hi") })
            {
                Options = new Dictionary<string, object?> { [key] = value },
            };

            provider.Validate(Req("num_ctx", 8192));
            provider.Validate(Req("NUM_THREAD", "8"));
            provider.Validate(Req("stop", new object[] { "###", "END" }));
            provider.Validate(Req("temperature", 0.2));

            var unknown = Assert.Throws<AllyException>(() => provider.Validate(Req("num_ctxx", 1)));
            Assert.Equal("UnknownOllamaOption", unknown.ErrorId);
            Assert.Contains("num_ctx", unknown.Message);

            var badValue = Assert.Throws<AllyException>(() => provider.Validate(Req("num_ctx", "lots")));
            Assert.Equal("InvalidOllamaOption", badValue.ErrorId);
            Assert.Throws<AllyException>(() => provider.Validate(Req("num_gpu", 1.5)));
        }
    }
}
