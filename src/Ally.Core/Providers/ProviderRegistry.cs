using System;
using System.Collections.Generic;
using System.Linq;
using Ally.Providers.Ollama;
using Ally.Providers.OpenAI;
using Ally.Providers.OpenRouter;
using Ally.Providers.Simple;

namespace Ally.Providers
{
    /// <summary>
    /// The providers Ally knows, one descriptor each. -Provider validation and completion, the
    /// provider setting and every provider-specific decision come from here.
    /// </summary>
    public static class ProviderRegistry
    {
        /// <summary>Local models on an Ollama server (the default).</summary>
        public static ProviderDescriptor Ollama { get; } = new OllamaProvider();
        /// <summary>Hosted models through OpenRouter.</summary>
        public static ProviderDescriptor OpenRouter { get; } = new OpenRouterProvider();
        /// <summary>OpenAI, or any OpenAI-compatible server (llama.cpp, vLLM, LM Studio).</summary>
        public static ProviderDescriptor OpenAI { get; } = new OpenAIProvider();

        /// <summary>The offline hashing embedder (embeddings only; the default embedding provider).</summary>
        public static ProviderDescriptor Simple { get; } = new SimpleProvider();

        /// <summary>The provider used when none is configured.</summary>
        public static ProviderDescriptor Default => Ollama;

        /// <summary>Every provider, in display order.</summary>
        public static IReadOnlyList<ProviderDescriptor> All { get; } = new[] { Ollama, OpenRouter, OpenAI, Simple };

        /// <summary>Every provider's name.</summary>
        public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToList();

        /// <summary>The provider named <paramref name="name"/> (any case, surrounding blanks ignored), or null.</summary>
        public static ProviderDescriptor? Find(string? name)
        {
            string wanted = (name ?? string.Empty).Trim();
            foreach (ProviderDescriptor provider in All)
            {
                if (string.Equals(provider.Name, wanted, StringComparison.OrdinalIgnoreCase)) return provider;
            }
            return null;
        }

        /// <summary>The providers that can do all of <paramref name="capabilities"/>.</summary>
        public static IReadOnlyList<ProviderDescriptor> With(ProviderCapabilities capabilities) => All.Where(p => p.Can(capabilities)).ToList();
    }
}
