using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Embeddings;
using Ally.Http;
using Ally.Providers;
using Xunit;

namespace Ally.Tests
{
    /// <summary>Grouping inputs into requests, reusing earlier vectors, and what becomes of each input.</summary>
    public class EmbeddingPipelineTests
    {
        /// <summary>An embedder that records its requests and answers each text with its length.</summary>
        private sealed class RecordingEmbedder : TextEmbedder
        {
            private readonly int? _maxInputTokens;
            public readonly List<string[]> Requests = new List<string[]>();
            public Func<IReadOnlyList<string>, Exception?>? Fail;

            public RecordingEmbedder(int maxItems, int maxTokens, int? maxInputTokens = null, string model = "nomic-embed-text", bool prefixes = true)
                : base("ollama", new EmbedderOptions(model) { UseTaskPrefixes = prefixes }, new EmbeddingLimits(maxItems, maxTokens)) => _maxInputTokens = maxInputTokens;

            protected override Task<int?> PrepareCoreAsync(CancellationToken cancellationToken) => Task.FromResult(_maxInputTokens);

            public override Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
            {
                lock (Requests) Requests.Add(texts.ToArray());
                if (Fail?.Invoke(texts) is Exception failure) return Task.FromException<float[][]>(failure);
                return Task.FromResult(texts.Select(t => new float[] { t.Length, 1 }).ToArray());
            }
        }

        private static List<IReadOnlyList<EmbeddingInput>> Group(EmbeddingBatcher batcher, IEnumerable<EmbeddingInput> inputs)
        {
            var groups = new List<IReadOnlyList<EmbeddingInput>>();
            foreach (EmbeddingInput input in inputs)
            {
                if (batcher.Add(input) is IReadOnlyList<EmbeddingInput> full) groups.Add(full);
            }
            if (batcher.Flush() is IReadOnlyList<EmbeddingInput> last) groups.Add(last);
            return groups;
        }

        private static IEnumerable<EmbeddingInput> Texts(params string[] texts) => texts.Select(t => new EmbeddingInput(t, t));

        [Fact]
        public void GroupsEndAtTheInputLimitAndKeepTheOrder()
        {
            var embedder = new RecordingEmbedder(maxItems: 3, maxTokens: int.MaxValue);
            var groups = Group(new EmbeddingBatcher(embedder, null), Texts("a", "b", "c", "d", "e", "f", "g"));
            Assert.Equal(new[] { 3, 3, 1 }, groups.Select(g => g.Count));
            Assert.Equal("abcdefg", string.Concat(groups.SelectMany(g => g).Select(i => i.Text)));
        }

        [Fact]
        public void GroupsEndBeforeTheTokenLimitWouldBePassed()
        {
            var embedder = new RecordingEmbedder(maxItems: 100, maxTokens: 100, prefixes: false);
            string sixty = new string('x', 180); // 60 tokens by the estimate
            var groups = Group(new EmbeddingBatcher(embedder, null), Texts(sixty, sixty, "small", sixty));
            Assert.Equal(new[] { 1, 2, 1 }, groups.Select(g => g.Count));
            Assert.All(groups, g => Assert.True(g.Sum(i => TokenEstimate.Estimate(i.Text)) <= 100 || g.Count == 1));
        }

        [Fact]
        public void EmptyAndReusedInputsRideAlongWithoutCounting()
        {
            var earlier = new EmbeddingSetFixture().Embed("kept text");
            var embedder = new RecordingEmbedder(maxItems: 2, maxTokens: int.MaxValue);
            var batcher = new EmbeddingBatcher(embedder, new EmbeddingReuse(new[] { earlier }));
            var groups = Group(batcher, Texts("one", "kept text", "  ", "two"));
            Assert.Single(groups);
            Assert.Equal(1, batcher.Reused);
        }

        [Fact]
        public async Task EachInputGetsItsOutcomeInOrderAndOnlyNewTextIsSent()
        {
            var embedder = new RecordingEmbedder(maxItems: 10, maxTokens: int.MaxValue, maxInputTokens: 50);
            Embedding earlier = new EmbeddingSetFixture().Embed("already embedded");
            var batcher = new EmbeddingBatcher(embedder, new EmbeddingReuse(new[] { earlier }));
            string tooLong = new string('y', 300); // 100 tokens > 50
            var group = Group(batcher, Texts("fresh", "already embedded", "", tooLong)).Single();

            EmbeddingOutcome[] outcomes = await EmbeddingService.EmbedAsync(embedder, group, null, null, null, CancellationToken.None);

            Assert.Equal(new[] { "search_document: fresh" }, embedder.Requests.Single());
            Assert.Equal("fresh", outcomes[0].Embedding!.Text);
            Assert.Equal(new float[] { "search_document: fresh".Length, 1 }, outcomes[0].Embedding!.Vector);
            Assert.Same(earlier.Vector, outcomes[1].Embedding!.Vector);
            Assert.Equal(ErrorIds.EmptyInput, outcomes[2].Failure!.Id);
            Assert.Equal(ErrorIds.InputTooLong, outcomes[3].Failure!.Id);
            Assert.Contains("50", outcomes[3].Failure!.Message);
        }

        [Fact]
        public async Task AFailedRequestFailsTheInputsItCarried()
        {
            var embedder = new RecordingEmbedder(10, int.MaxValue) { Fail = _ => new AllyException(ErrorIds.ProviderError, "runner crashed") };
            var group = Group(new EmbeddingBatcher(embedder, null), Texts("a", "b")).Single();
            EmbeddingOutcome[] outcomes = await EmbeddingService.EmbedAsync(embedder, group, null, null, null, CancellationToken.None);
            Assert.All(outcomes, o => Assert.Equal(ErrorIds.ProviderError, o.Failure!.Id));
        }

        [Fact]
        public async Task AnInputTheServerFindsTooLongIsIsolatedByResendingOneByOne()
        {
            var embedder = new RecordingEmbedder(10, int.MaxValue, prefixes: false)
            {
                Fail = texts => texts.Any(t => t == "bad") ? new AllyException(ErrorIds.InputTooLong, "too long") : null,
            };
            var group = Group(new EmbeddingBatcher(embedder, null), Texts("a", "bad", "c")).Single();
            EmbeddingOutcome[] outcomes = await EmbeddingService.EmbedAsync(embedder, group, null, null, null, CancellationToken.None);
            Assert.NotNull(outcomes[0].Embedding);
            Assert.Equal(ErrorIds.InputTooLong, outcomes[1].Failure!.Id);
            Assert.NotNull(outcomes[2].Embedding);
        }

        [Fact]
        public async Task FailuresNoRequestCanEscapeStopTheWholeGroup()
        {
            var embedder = new RecordingEmbedder(10, int.MaxValue) { Fail = _ => new AllyException(ErrorIds.InvalidApiKey, "refused") };
            var group = Group(new EmbeddingBatcher(embedder, null), Texts("a", "b")).Single();
            var ex = await Assert.ThrowsAsync<AllyException>(() => EmbeddingService.EmbedAsync(embedder, group, null, null, null, CancellationToken.None));
            Assert.Equal(ErrorIds.InvalidApiKey, ex.Id);
        }

        [Fact]
        public async Task ATransientFailureIsRetried()
        {
            int calls = 0;
            var embedder = new RecordingEmbedder(10, int.MaxValue)
            {
                Fail = _ => Interlocked.Increment(ref calls) == 1 ? new AllyException(ErrorIds.RateLimited, "slow down") { IsTransient = true } : null,
            };
            var group = Group(new EmbeddingBatcher(embedder, null), Texts("a")).Single();
            var policy = new RetryPolicy(2, random: () => 0, delay: (_, _) => Task.CompletedTask);
            var warnings = new List<string>();
            EmbeddingOutcome[] outcomes = await EmbeddingService.EmbedAsync(embedder, group, policy, null, warnings.Add, CancellationToken.None);
            Assert.NotNull(outcomes[0].Embedding);
            Assert.Single(warnings);
        }

        [Fact]
        public void ReuseNeedsTheSameProviderModelPrefixAndSize()
        {
            Embedding earlier = new EmbeddingSetFixture().Embed("text");
            var reuse = new EmbeddingReuse(new[] { earlier });
            var input = new EmbeddingInput("text", null);
            Assert.True(reuse.TryGet(new RecordingEmbedder(1, 1), input, out _));
            Assert.False(reuse.TryGet(new RecordingEmbedder(1, 1, model: "mxbai-embed-large"), input, out _));
            Assert.False(reuse.TryGet(new RecordingEmbedder(1, 1, prefixes: false), input, out _));
            Assert.False(reuse.TryGet(new RecordingEmbedder(1, 1), new EmbeddingInput("changed text", null), out _));
        }

        [Theory]
        [InlineData("nomic-embed-text", "search_document: ", "search_query: ")]
        [InlineData("nomic-embed-text:latest", "search_document: ", "search_query: ")]
        [InlineData("registry.example.com/library/nomic-embed-text:v1.5", "search_document: ", "search_query: ")]
        [InlineData("mxbai-embed-large", null, "Represent this sentence for searching relevant passages: ")]
        [InlineData("all-minilm", null, null)]
        [InlineData("text-embedding-3-small", null, null)]
        public void KnowsTheTaskPrefixesOfModelsTrainedWithThem(string model, string? document, string? query)
        {
            Assert.Equal((document, query), TaskPrefixes.For(model));
        }

        [Fact]
        public void TheOfficialOpenAIApiShortensOnlyTextEmbedding3Vectors()
        {
            var settings = SettingsResolver.Create(environment: name => name == "OPENAI_API_KEY" ? "sk-test-key-0000000000" : null);
            ProviderContext context = ProviderContext.Resolve(ProviderRegistry.OpenAI, settings, null, requireKey: true);
            var ex = Assert.Throws<AllyException>(() => ProviderRegistry.OpenAI.CreateEmbedder(context, new EmbedderOptions("text-embedding-ada-002") { Dimensions = 256 }));
            Assert.Equal(ErrorIds.DimensionsNotSupported, ex.Id);
            Assert.Equal(256, ProviderRegistry.OpenAI.CreateEmbedder(context, new EmbedderOptions("text-embedding-3-large") { Dimensions = 256 }).Dimensions);

            // A compatible server decides for itself.
            var local = SettingsResolver.Create(environment: name => name == "ALLY_OPENAI_BASE_URL" ? "http://127.0.0.1:8080/v1" : null);
            ProviderContext compatible = ProviderContext.Resolve(ProviderRegistry.OpenAI, local, null, requireKey: true);
            Assert.Equal(256, ProviderRegistry.OpenAI.CreateEmbedder(compatible, new EmbedderOptions("bge-m3") { Dimensions = 256 }).Dimensions);
        }

        [Fact]
        public void OpenAIRequestsStayWithinItsLimits()
        {
            var settings = SettingsResolver.Create(environment: name => name == "OPENAI_API_KEY" ? "sk-test-key-0000000000" : null);
            ProviderContext context = ProviderContext.Resolve(ProviderRegistry.OpenAI, settings, null, requireKey: true);
            ITextEmbedder embedder = ProviderRegistry.OpenAI.CreateEmbedder(context, new EmbedderOptions("text-embedding-3-small") { BatchSize = 5000 });
            Assert.Equal(2048, embedder.Limits.MaxBatchItems);
            Assert.Equal(300_000, embedder.Limits.MaxBatchTokens);
            Assert.Equal(8192, embedder.PrepareAsync(CancellationToken.None).Result);
        }

        /// <summary>Embeddings as an earlier run made them, for reuse.</summary>
        private sealed class EmbeddingSetFixture
        {
            public Embedding Embed(string text) =>
                new Embedding(text, new float[] { 9, 9 }, "ollama", "nomic-embed-text", null, null, null, null, null, true, EmbeddingInput.Hash(text));
        }
    }
}
