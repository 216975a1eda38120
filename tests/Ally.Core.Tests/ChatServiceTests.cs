using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
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
                AfterTwoPieces = _ => throw OllamaErrors.FromResponse(
                    new OllamaResponseException(null, null, new ErrorBody { Message = "boom" }, midStream: true), new Uri("http://h:1/"), "api/chat", "m"),
            };
            var ex = await Assert.ThrowsAsync<AllyException>(() => ChatService.CompleteAsync(provider, Request(), null, CancellationToken.None));
            Assert.Equal("StreamError", ex.ErrorId);
            Assert.Equal("boom", ex.ServerMessage);
            Assert.Contains("boom", ex.Message);
            Assert.Equal("Hello", ex.PartialResponse?.Content);
        }

        [Fact]
        public async Task AnAnswerThatRanOutOfTokensWhileThinkingComesWithAWarning()
        {
            var provider = new ThinkingOnlyProvider();
            var warnings = new List<string>();
            ChatResponse r = await ChatService.CompleteAsync(provider, Request(), null, CancellationToken.None, null, warnings.Add);
            Assert.Equal(string.Empty, r.Content);
            Assert.Equal("length", r.FinishReason);
            string warning = Assert.Single(warnings);
            Assert.Contains("token limit", warning);
            Assert.Contains("-MaxTokens", warning);
        }

        private sealed class ThinkingOnlyProvider : IChatProvider
        {
            public string Name => "thinking";

            public Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
            {
                answer.AppendThinking("Let me think about this very carefully");
                answer.IsDone = true;
                answer.FinishReason = "length";
                answer.CompletionTokens = 8;
                return Task.CompletedTask;
            }
        }
    }
}
