using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Ally.Tests
{
    public sealed class CompletionCacheTests : IDisposable
    {
        private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "ally-cache-tests-" + Guid.NewGuid().ToString("N"));
        private DateTimeOffset _now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private int _fetches;

        public void Dispose()
        {
            if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
        }

        private CompletionCache NewCache() => new CompletionCache(_dir, () => _now);

        private Func<CancellationToken, Task<IReadOnlyList<CompletionItem>>> Fetch(params string[] names) => _ =>
        {
            Interlocked.Increment(ref _fetches);
            return Task.FromResult<IReadOnlyList<CompletionItem>>(names.Select(n => new CompletionItem(n, n + " tip")).ToList());
        };

        private static readonly Func<CancellationToken, Task<IReadOnlyList<CompletionItem>>> Failing =
            _ => Task.FromException<IReadOnlyList<CompletionItem>>(new AllyException(ErrorIds.OllamaUnreachable, "down"));

        private static string[] Names(IEnumerable<CompletionItem> items) => items.Select(i => i.Name).ToArray();

        [Fact]
        public void AMissFetchesOnceAndLaterCallsAreServedFromMemory()
        {
            var cache = NewCache();
            Assert.Equal(new[] { "a", "b" }, Names(cache.Get("k", Ttl, Fetch("a", "b"), TimeSpan.FromSeconds(5))));
            for (int i = 0; i < 20; i++) cache.Get("k", Ttl, Fetch("x"), TimeSpan.FromSeconds(5));
            Assert.Equal(1, _fetches);
        }

        [Fact]
        public void AFreshFileServesANewSessionWithoutFetching()
        {
            NewCache().Get("k", Ttl, Fetch("a"), TimeSpan.FromSeconds(5));
            _now += TimeSpan.FromMinutes(5);
            var items = NewCache().Get("k", Ttl, Fetch("x"), TimeSpan.FromSeconds(5));
            Assert.Equal(new[] { "a" }, Names(items));
            Assert.Equal("a tip", items[0].Description);
            Assert.Equal(1, _fetches);
        }

        [Fact]
        public async Task AStaleEntryIsServedAtOnceWhileOneRefreshRunsInTheBackground()
        {
            var cache = NewCache();
            cache.Get("k", Ttl, Fetch("old"), TimeSpan.FromSeconds(5));
            _now += Ttl + TimeSpan.FromSeconds(1);

            var release = new TaskCompletionSource<bool>();
            int slowFetches = 0;
            Func<CancellationToken, Task<IReadOnlyList<CompletionItem>>> slow = async _ =>
            {
                Interlocked.Increment(ref slowFetches);
                await release.Task;
                return new[] { new CompletionItem("new") };
            };
            Assert.Equal(new[] { "old" }, Names(cache.Get("k", Ttl, slow, TimeSpan.FromSeconds(5))));
            Assert.Equal(new[] { "old" }, Names(cache.Get("k", Ttl, slow, TimeSpan.FromSeconds(5))));
            release.SetResult(true);
            await cache.PendingRefresh("k")!;
            Assert.Equal(1, slowFetches);
            Assert.Equal(new[] { "new" }, Names(cache.Get("k", Ttl, slow, TimeSpan.FromSeconds(5))));
            Assert.Equal(new[] { "new" }, Names(NewCache().Get("k", Ttl, Fetch("x"), TimeSpan.Zero)));
        }

        [Fact]
        public void AFailedFetchGivesNothingAndBacksOff()
        {
            var cache = NewCache();
            int calls = 0;
            Func<CancellationToken, Task<IReadOnlyList<CompletionItem>>> failing = ct => { Interlocked.Increment(ref calls); return Failing(ct); };
            Assert.Empty(cache.Get("k", Ttl, failing, TimeSpan.FromSeconds(5)));
            for (int i = 0; i < 10; i++) Assert.Empty(cache.Get("k", Ttl, failing, TimeSpan.FromSeconds(5)));
            Assert.Equal(1, calls);
            _now += cache.FailureBackoff + TimeSpan.FromSeconds(1);
            Assert.Equal(new[] { "back" }, Names(cache.Get("k", Ttl, Fetch("back"), TimeSpan.FromSeconds(5))));
        }

        [Fact]
        public void AFetchThatDoesNotAnswerInTimeIsNotWaitedForAgain()
        {
            var cache = NewCache();
            var never = new TaskCompletionSource<IReadOnlyList<CompletionItem>>();
            int calls = 0;
            Func<CancellationToken, Task<IReadOnlyList<CompletionItem>>> hanging = _ => { Interlocked.Increment(ref calls); return never.Task; };
            Assert.Empty(cache.Get("k", Ttl, hanging, TimeSpan.FromMilliseconds(50)));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Assert.Empty(cache.Get("k", Ttl, hanging, TimeSpan.FromSeconds(30)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Equal(1, calls);
            never.SetResult(Array.Empty<CompletionItem>());
        }

        [Fact]
        public void PutAndInvalidate()
        {
            var cache = NewCache();
            cache.Put("k", new[] { new CompletionItem("put") });
            Assert.Equal(new[] { "put" }, Names(cache.Get("k", Ttl, Fetch("x"), TimeSpan.FromSeconds(5))));
            Assert.Equal(0, _fetches);
            cache.Invalidate("k");
            Assert.False(File.Exists(Path.Combine(_dir, "k.json")));
            Assert.Equal(new[] { "x" }, Names(cache.Get("k", Ttl, Fetch("x"), TimeSpan.FromSeconds(5))));
        }

        [Fact]
        public void ACorruptFileIsAMiss()
        {
            Directory.CreateDirectory(_dir);
            File.WriteAllText(Path.Combine(_dir, "k.json"), "{not json");
            Assert.Equal(new[] { "a" }, Names(NewCache().Get("k", Ttl, Fetch("a"), TimeSpan.FromSeconds(5))));
        }

        [Fact]
        public void KeysBecomeSafeFileNames()
        {
            var cache = NewCache();
            cache.Put("ollama-installed-127.0.0.1:11434/", new[] { new CompletionItem("a") });
            Assert.True(File.Exists(Path.Combine(_dir, "ollama-installed-127.0.0.1_11434_.json")));
        }

        [Fact]
        public void MatchFindsPrefixesAndVendorlessNames()
        {
            var items = new[] { new CompletionItem("openai/gpt-4o"), new CompletionItem("llama3.1"), new CompletionItem("llama3.2") };
            Assert.Equal(new[] { "openai/gpt-4o" }, Names(ModelCompletions.Match(items, "gpt")));
            Assert.Equal(new[] { "openai/gpt-4o" }, Names(ModelCompletions.Match(items, "'open")));
            Assert.Equal(new[] { "llama3.1", "llama3.2" }, Names(ModelCompletions.Match(items, "LL")));
            Assert.Equal(3, ModelCompletions.Match(items, "").Count());
        }
    }
}
