using System.Linq;
using Ally.Providers;
using Xunit;

namespace Ally.Tests
{
    public class RecommendedModelsTests
    {
        private static string Pick(ModelUseCase useCase, ModelTier tier) =>
            string.Join(",", RecommendedModels.Get(useCase).Where(r => r.Tier == tier).Select(r => r.Name));

        [Fact]
        public void FollowsTheModelSelectionGuidelines()
        {
            Assert.Equal("openai/gpt-4,anthropic/claude-3-opus", Pick(ModelUseCase.Code, ModelTier.Best));
            Assert.Equal("llama3.1:70b,codellama", Pick(ModelUseCase.Code, ModelTier.Good));
            Assert.Equal("openai/gpt-3.5-turbo,llama3.2", Pick(ModelUseCase.Code, ModelTier.Budget));
            Assert.Equal("anthropic/claude-3-sonnet,openai/gpt-4-turbo", Pick(ModelUseCase.Chat, ModelTier.Best));
            Assert.Equal("llama3.1,mistral", Pick(ModelUseCase.Chat, ModelTier.Good));
            Assert.Equal("anthropic/claude-3-haiku,llama3.2", Pick(ModelUseCase.Chat, ModelTier.Budget));
            Assert.Equal("anthropic/claude-3-opus,openai/gpt-4", Pick(ModelUseCase.Analysis, ModelTier.Best));
            Assert.Equal("llama3.1:405b,mistralai/mistral-large", Pick(ModelUseCase.Analysis, ModelTier.Good));
            Assert.Equal("openai/gpt-4-turbo,llama3.1", Pick(ModelUseCase.Analysis, ModelTier.Budget));
            Assert.Equal("llama3.1,codellama,mistral", Pick(ModelUseCase.Privacy, ModelTier.Recommended));
            Assert.Equal("llama3.2,phi3", Pick(ModelUseCase.Privacy, ModelTier.Lightweight));
        }

        [Fact]
        public void PrivacyIsLocalOnly() => Assert.All(RecommendedModels.Get(ModelUseCase.Privacy), r => Assert.True(r.IsLocal));

        [Fact]
        public void TheGeneralListHasBothProvidersInTheDocsTiers()
        {
            var all = RecommendedModels.Get();
            Assert.Equal(new[] { "llama3.1", "llama3.2" }, all.Where(r => r.Tier == ModelTier.Recommended).Select(r => r.Name));
            Assert.Equal(new[] { "codellama", "mistral", "phi3", "qwen2.5" }, all.Where(r => r.Tier == ModelTier.Specialized).Select(r => r.Name));
            Assert.Equal(6, all.Count(r => r.Tier == ModelTier.Top));
            Assert.Equal(4, all.Count(r => r.Tier == ModelTier.Alternative));
            Assert.All(all, r => Assert.Null(r.UseCase));
        }

        [Fact]
        public void CarriesSizesDownloadsAndMemoryFromTheDocs()
        {
            RecommendedModel llama = RecommendedModels.Get().Single(r => r.Name == "llama3.1");
            Assert.Equal(new[] { "8B", "70B", "405B" }, llama.Variants);
            Assert.Equal(4_700_000_000, llama.DownloadSize);
            Assert.Equal("8 GB+", llama.MemoryRequired);
            Assert.Equal("64 GB+", RecommendedModels.Get(ModelUseCase.Code).Single(r => r.Name == "llama3.1:70b").MemoryRequired);
            Assert.Equal(4_100_000_000, RecommendedModels.Get().Single(r => r.Name == "mistral").DownloadSize);
            RecommendedModel gpt4 = RecommendedModels.Get().Single(r => r.Name == "openai/gpt-4");
            Assert.Null(gpt4.DownloadSize);
            Assert.Null(gpt4.MemoryRequired);
            Assert.Equal("Higher cost, best performance", gpt4.Cost);
        }

        [Fact]
        public void FiltersByProvider()
        {
            Assert.All(RecommendedModels.Get(ModelUseCase.Code, ProviderRegistry.OpenRouter), r => Assert.Equal("openrouter", r.Provider));
            Assert.Equal(new[] { "llama3.1:70b", "codellama", "llama3.2" }, RecommendedModels.Get(ModelUseCase.Code, ProviderRegistry.Ollama).Select(r => r.Name));
        }

        [Fact]
        public void MarksLocalModelsInstalledAndLeavesHostedOnesUnknown()
        {
            var picks = RecommendedModels.Get(ModelUseCase.Code);
            RecommendedModels.MarkInstalled(picks, new[] { "llama3.2:latest", "codellama:13b" });
            Assert.True(picks.Single(r => r.Name == "llama3.2").IsInstalled);
            Assert.False(picks.Single(r => r.Name == "codellama").IsInstalled);
            Assert.False(picks.Single(r => r.Name == "llama3.1:70b").IsInstalled);
            Assert.Null(picks.Single(r => r.Name == "openai/gpt-4").IsInstalled);
        }

        [Fact]
        public void InstallableNamesIncludeEverySize()
        {
            var names = RecommendedModels.InstallableNames();
            Assert.Contains("llama3.1", names);
            Assert.Contains("llama3.1:70b", names);
            Assert.Contains("llama3.2:1b", names);
            Assert.Contains("phi3:14b", names);
            Assert.DoesNotContain(names, n => n.Contains("/"));
            Assert.Equal(names.Count, names.Distinct().Count());
        }
    }
}
