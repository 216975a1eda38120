using System;
using System.Collections.Generic;
using System.Linq;
using Ally.Providers;

namespace Ally
{
    /// <summary>
    /// The recommended models and the use-case guidance of the product documentation
    /// (providers-and-models.md: "Recommended Ollama Models", "Recommended OpenRouter Models",
    /// "Model Selection Guidelines", "Hardware Requirements"), as data.
    /// </summary>
    public static class RecommendedModels
    {
        private const long GB = 1_000_000_000;
        private const string GptCost = "Higher cost, best performance";
        private const string ClaudeCost = "Competitive pricing, excellent quality";

        private sealed class Facts
        {
            public Facts(string name, ProviderDescriptor provider, string? size, string[] variants, double? downloadGb, string? memory, string description, string? cost = null)
            {
                Name = name;
                Provider = provider;
                Size = size;
                Variants = variants;
                Download = downloadGb is double d ? (long)Math.Round(d * GB) : (long?)null;
                Memory = memory;
                Description = description;
                Cost = cost;
            }

            public string Name { get; }
            public ProviderDescriptor Provider { get; }
            public string? Size { get; }
            public string[] Variants { get; }
            public long? Download { get; }
            public string? Memory { get; }
            public string Description { get; }
            public string? Cost { get; }
        }

        private static readonly string[] Llama31 = { "8B", "70B", "405B" };
        private static readonly string[] None = Array.Empty<string>();

        // Downloads are the sizes of the default (or named) tags; memory follows the docs' hardware
        // guidance: 8B models 8 GB+ RAM, 70B models 64 GB+.
        private static readonly Dictionary<string, Facts> All = new Facts[]
        {
            Local("llama3.1", "8B", Llama31, 4.7, "8 GB+", "Excellent tool support and reasoning; a good balance of performance and resource usage; strong code understanding."),
            Local("llama3.1:70b", "70B", Llama31, 43, "64 GB+", "The 70B llama3.1: stronger reasoning and code understanding for machines with 64 GB or more."),
            Local("llama3.1:405b", "405B", Llama31, 243, "256 GB+", "The 405B llama3.1, the largest open model, for research-grade hardware."),
            Local("llama3.2", "3B", new[] { "1B", "3B" }, 2.0, "4 GB+", "Lighter weight for resource-constrained systems; good for basic tasks and quick responses."),
            Local("codellama", "7B", new[] { "7B", "13B", "34B", "70B" }, 3.8, "8 GB+", "Optimized for code generation and analysis."),
            Local("mistral", "7B", new[] { "7B" }, 4.1, "8 GB+", "A good general-purpose alternative to Llama."),
            Local("phi3", "3.8B", new[] { "3.8B", "14B" }, 2.2, "4 GB+", "Microsoft's efficient small model."),
            Local("qwen2.5", "7B", new[] { "0.5B", "1.5B", "3B", "7B", "14B", "32B", "72B" }, 4.7, "8 GB+", "Strong multilingual support."),
            Hosted("openai/gpt-4", "Excellent tool support, reasoning and reliability.", GptCost),
            Hosted("openai/gpt-4-turbo", "Faster and more cost-effective than GPT-4.", GptCost),
            Hosted("openai/gpt-4o", "The latest GPT-4 variant, with improved capabilities.", GptCost),
            Hosted("anthropic/claude-3-opus", "Exceptional reasoning and analysis.", ClaudeCost),
            Hosted("anthropic/claude-3-sonnet", "A good balance of performance and cost.", ClaudeCost),
            Hosted("anthropic/claude-3-haiku", "Fast and cost-effective for simpler tasks.", ClaudeCost),
            Hosted("openai/gpt-3.5-turbo", "Cost-effective for basic tasks.", "Most cost-effective for basic tasks"),
            Hosted("mistralai/mistral-large", "A strong European alternative.", null),
            Hosted("google/gemini-pro", "Google's flagship model.", null),
            Hosted("meta-llama/llama-3.1-405b", "The largest open-source model.", null),
        }.ToDictionary(f => f.Name, StringComparer.Ordinal);

        private static Facts Local(string name, string size, string[] variants, double downloadGb, string memory, string description) =>
            new Facts(name, ProviderRegistry.Ollama, size, variants, downloadGb, memory, description);

        private static Facts Hosted(string name, string description, string? cost) =>
            new Facts(name, ProviderRegistry.OpenRouter, null, None, null, null, description, cost);

        // (tier, model) in the order the docs list them.
        private static readonly (ModelTier Tier, string Name)[] General =
        {
            (ModelTier.Recommended, "llama3.1"), (ModelTier.Recommended, "llama3.2"),
            (ModelTier.Specialized, "codellama"), (ModelTier.Specialized, "mistral"), (ModelTier.Specialized, "phi3"), (ModelTier.Specialized, "qwen2.5"),
            (ModelTier.Top, "openai/gpt-4"), (ModelTier.Top, "openai/gpt-4-turbo"), (ModelTier.Top, "openai/gpt-4o"),
            (ModelTier.Top, "anthropic/claude-3-opus"), (ModelTier.Top, "anthropic/claude-3-sonnet"), (ModelTier.Top, "anthropic/claude-3-haiku"),
            (ModelTier.Alternative, "openai/gpt-3.5-turbo"), (ModelTier.Alternative, "mistralai/mistral-large"),
            (ModelTier.Alternative, "google/gemini-pro"), (ModelTier.Alternative, "meta-llama/llama-3.1-405b"),
        };

        private static readonly Dictionary<ModelUseCase, (ModelTier Tier, string Name)[]> ByUseCase = new Dictionary<ModelUseCase, (ModelTier, string)[]>
        {
            [ModelUseCase.Code] = new[]
            {
                (ModelTier.Best, "openai/gpt-4"), (ModelTier.Best, "anthropic/claude-3-opus"),
                (ModelTier.Good, "llama3.1:70b"), (ModelTier.Good, "codellama"),
                (ModelTier.Budget, "openai/gpt-3.5-turbo"), (ModelTier.Budget, "llama3.2"),
            },
            [ModelUseCase.Chat] = new[]
            {
                (ModelTier.Best, "anthropic/claude-3-sonnet"), (ModelTier.Best, "openai/gpt-4-turbo"),
                (ModelTier.Good, "llama3.1"), (ModelTier.Good, "mistral"),
                (ModelTier.Budget, "anthropic/claude-3-haiku"), (ModelTier.Budget, "llama3.2"),
            },
            [ModelUseCase.Analysis] = new[]
            {
                (ModelTier.Best, "anthropic/claude-3-opus"), (ModelTier.Best, "openai/gpt-4"),
                (ModelTier.Good, "llama3.1:405b"), (ModelTier.Good, "mistralai/mistral-large"),
                (ModelTier.Budget, "openai/gpt-4-turbo"), (ModelTier.Budget, "llama3.1"),
            },
            // "Required: Ollama models only".
            [ModelUseCase.Privacy] = new[]
            {
                (ModelTier.Recommended, "llama3.1"), (ModelTier.Recommended, "codellama"), (ModelTier.Recommended, "mistral"),
                (ModelTier.Lightweight, "llama3.2"), (ModelTier.Lightweight, "phi3"),
            },
        };

        /// <summary>
        /// The recommendations for <paramref name="useCase"/> (or the general list when null), for
        /// <paramref name="provider"/> only when given. <see cref="RecommendedModel.IsInstalled"/> is
        /// left unset.
        /// </summary>
        public static IReadOnlyList<RecommendedModel> Get(ModelUseCase? useCase = null, ProviderDescriptor? provider = null)
        {
            IEnumerable<(ModelTier Tier, string Name)> picks = useCase is ModelUseCase u ? ByUseCase[u] : General;
            return picks
                .Select(p => (p.Tier, Facts: All[p.Name]))
                .Where(p => provider is null || p.Facts.Provider == provider)
                .Select(p => new RecommendedModel(p.Facts.Name, p.Facts.Provider.Name, p.Tier, useCase, p.Facts.Size, p.Facts.Variants,
                    p.Facts.Download, p.Facts.Memory, p.Facts.Description, p.Facts.Cost, isLocal: p.Facts.Provider.Can(ProviderCapabilities.Pull)))
                .ToList();
        }

        /// <summary>The provider whose catalog serves the hosted recommendations (OpenRouter).</summary>
        public static ProviderDescriptor HostedProvider => ProviderRegistry.OpenRouter;

        /// <summary>
        /// Every local model the docs recommend, as names to pull: each model, and each of its sizes
        /// as a tag (llama3.1, llama3.1:8b, llama3.1:70b, …). Offered when completing Install-AllyModel.
        /// </summary>
        public static IReadOnlyList<string> InstallableNames() =>
            All.Values.Where(f => f.Provider.Can(ProviderCapabilities.Pull))
                .SelectMany(f => new[] { f.Name }.Concat(f.Variants.Select(v => BaseName(f.Name) + ":" + v.ToLowerInvariant())))
                .Distinct(StringComparer.Ordinal)
                .ToList();

        private static string BaseName(string name)
        {
            int colon = name.IndexOf(':');
            return colon < 0 ? name : name.Substring(0, colon);
        }

        /// <summary>
        /// Marks each hosted recommendation as available or not, from the names in the provider's catalog;
        /// an empty catalog (not known) leaves them unset.
        /// </summary>
        public static void MarkAvailable(IEnumerable<RecommendedModel> recommendations, IReadOnlyCollection<string> catalogNames)
        {
            if (catalogNames.Count == 0) return;
            var names = new HashSet<string>(catalogNames, StringComparer.OrdinalIgnoreCase);
            foreach (RecommendedModel r in recommendations)
            {
                if (!r.IsLocal) r.IsAvailable = names.Contains(r.Name);
            }
        }

        /// <summary>Marks each local recommendation as installed or not, from the server's model names.</summary>
        public static void MarkInstalled(IEnumerable<RecommendedModel> recommendations, IReadOnlyCollection<string> installedNames)
        {
            foreach (RecommendedModel r in recommendations)
            {
                if (r.IsLocal) r.IsInstalled = installedNames.Any(n => ModelNames.SameModel(n, r.Name));
            }
        }
    }
}
