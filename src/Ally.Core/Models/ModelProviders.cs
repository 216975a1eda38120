using System.Collections.Generic;

namespace Ally
{
    /// <summary>The providers whose models Ally can list, as users type them.</summary>
    public static class ModelProviders
    {
        /// <summary>Local models on an Ollama server.</summary>
        public const string Ollama = Providers.Ollama.OllamaChatProvider.ProviderName;

        /// <summary>Hosted models through OpenRouter.</summary>
        public const string OpenRouter = "openrouter";

        /// <summary>Every provider with a model list.</summary>
        public static IReadOnlyList<string> Known { get; } = new[] { Ollama, OpenRouter };
    }
}
