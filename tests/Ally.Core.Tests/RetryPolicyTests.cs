using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
using Xunit;

namespace Ally.Tests
{
    public class RetryPolicyTests
    {
        private static AllyException Transient(TimeSpan? retryAfter = null) =>
            new AllyException(ErrorIds.RateLimited, "Rate limit exceeded") { RetryAfter = retryAfter };

        [Fact]
        public void BacksOffExponentiallyWithFullJitterUpToTheCap()
        {
            var policy = new RetryPolicy(maxRetries: 6, baseDelay: TimeSpan.FromSeconds(1), maxDelay: TimeSpan.FromSeconds(10), random: () => 0.5);
            var delays = new List<double>();
            for (int retry = 1; retry <= 6; retry++) delays.Add(policy.NextDelay(retry, Transient())!.Value.TotalSeconds);
            Assert.Equal(new[] { 0.5, 1.0, 2.0, 4.0, 5.0, 5.0 }, delays);
        }

        [Fact]
        public void JitterSpansZeroToTheCeiling()
        {
            var low = new RetryPolicy(random: () => 0.0);
            var high = new RetryPolicy(random: () => 0.999);
            Assert.Equal(TimeSpan.Zero, low.NextDelay(3, Transient()));
            Assert.InRange(high.NextDelay(3, Transient())!.Value.TotalSeconds, 3.99, 4.0);
        }

        [Fact]
        public void HonoursRetryAfterWithinTheCap()
        {
            var policy = new RetryPolicy(maxDelay: TimeSpan.FromSeconds(60), random: () => 0.5);
            Assert.Equal(TimeSpan.FromSeconds(7), policy.NextDelay(1, Transient(TimeSpan.FromSeconds(7))));
            Assert.Equal(TimeSpan.Zero, policy.NextDelay(1, Transient(TimeSpan.Zero)));
            // An hour's wait is not worth blocking a script on: fail instead.
            Assert.Null(policy.NextDelay(1, Transient(TimeSpan.FromHours(1))));
        }

        [Fact]
        public void NeverRetriesPermanentFailuresOrPastTheLimit()
        {
            var policy = new RetryPolicy(maxRetries: 2);
            var invalidKey = new AllyException(ErrorIds.InvalidApiKey, "401");
            Assert.Null(policy.NextDelay(1, invalidKey));
            Assert.NotNull(policy.NextDelay(2, Transient()));
            Assert.Null(policy.NextDelay(3, Transient()));
            Assert.Null(new RetryPolicy(maxRetries: 0).NextDelay(1, Transient()));
        }

        private sealed class FlakyProvider : IChatProvider
        {
            private readonly Queue<Func<ChatAccumulator, AllyException?>> _attempts;
            public FlakyProvider(params Func<ChatAccumulator, AllyException?>[] attempts) => _attempts = new Queue<Func<ChatAccumulator, AllyException?>>(attempts);
            public int Calls { get; private set; }
            public string Name => "flaky";
            public Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
            {
                Calls++;
                AllyException? failure = _attempts.Dequeue()(answer);
                if (failure != null) throw failure;
                answer.AppendContent("ok");
                answer.IsDone = true;
                return Task.CompletedTask;
            }
        }

        private static ChatRequest Request() => new ChatRequest("m", new[] { new ChatMessage("user", "hi") });

        [Fact]
        public async Task ChatServiceRetriesTransientFailuresOnTheScheduleWithoutSleeping()
        {
            var waited = new List<TimeSpan>();
            var policy = new RetryPolicy(maxRetries: 3, random: () => 1.0, delay: (d, _) => { waited.Add(d); return Task.CompletedTask; });
            var provider = new FlakyProvider(_ => Transient(), _ => Transient(TimeSpan.FromSeconds(9)), _ => null);
            var notices = new List<string>();
            ChatResponse response = await ChatService.CompleteAsync(provider, Request(), null, CancellationToken.None, policy, notices.Add);
            Assert.Equal("ok", response.Content);
            Assert.Equal(3, provider.Calls);
            Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9) }, waited);
            Assert.Equal(2, notices.Count);
            Assert.Contains("Retrying in 1.0 s (1 of 3)", notices[0]);
            Assert.Contains("Retrying in 9.0 s (2 of 3)", notices[1]);
        }

        [Fact]
        public async Task ChatServiceDoesNotRetryOnceAnswerTextArrived()
        {
            var policy = new RetryPolicy(maxRetries: 3, delay: (d, _) => Task.CompletedTask);
            var provider = new FlakyProvider(answer => { answer.AppendContent("partial"); return Transient(); }, _ => null);
            var ex = await Assert.ThrowsAsync<AllyException>(() => ChatService.CompleteAsync(provider, Request(), null, CancellationToken.None, policy));
            Assert.Equal(1, provider.Calls);
            Assert.Equal("partial", ex.PartialResponse?.Content);
        }

        [Fact]
        public async Task ChatServiceReportsTheAttemptsOfTheLastFailure()
        {
            var policy = new RetryPolicy(maxRetries: 2, delay: (d, _) => Task.CompletedTask);
            var provider = new FlakyProvider(_ => Transient(), _ => Transient(), _ => Transient());
            var ex = await Assert.ThrowsAsync<AllyException>(() => ChatService.CompleteAsync(provider, Request(), null, CancellationToken.None, policy));
            Assert.Equal(3, ex.Attempts);
            Assert.Equal(3, provider.Calls);
        }
    }
}
