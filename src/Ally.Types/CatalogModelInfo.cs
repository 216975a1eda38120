using System;
using System.Collections.Generic;
using System.Linq;

namespace Ally
{
    /// <summary>
    /// A model a hosted provider lists (<c>GET {base}/models</c>): the OpenRouter catalog, with prices
    /// per million tokens, or the models an OpenAI-compatible server serves.
    /// </summary>
    public sealed class CatalogModelInfo
    {
        internal CatalogModelInfo(string name, string provider)
        {
            Name = name;
            Provider = provider;
        }

        /// <summary>The model id to pass as -Model: vendor/model on OpenRouter (openai/gpt-4o), the server's own id elsewhere.</summary>
        public string Name { get; }
        /// <summary>The provider that lists it: openrouter or openai.</summary>
        public string Provider { get; }
        /// <summary>Who owns the model, as an OpenAI-compatible server reports it (owned_by).</summary>
        public string? OwnedBy { get; internal set; }
        /// <summary>The model's display name, e.g. GPT-4o (OpenRouter).</summary>
        public string? DisplayName { get; internal set; }
        /// <summary>OpenRouter's description of the model.</summary>
        public string? Description { get; internal set; }
        /// <summary>The context length in tokens (unknown for some models).</summary>
        public int? ContextLength { get; internal set; }
        /// <summary>US dollars per million prompt (input) tokens; null when the price varies (e.g. a router).</summary>
        public decimal? PromptPrice { get; internal set; }
        /// <summary>US dollars per million completion (output) tokens; null when the price varies.</summary>
        public decimal? CompletionPrice { get; internal set; }
        /// <summary>The most tokens one answer may have, when the top provider limits it.</summary>
        public int? MaxCompletionTokens { get; internal set; }
        /// <summary>Request parameters the model supports: tools, tool_choice, reasoning, response_format, …</summary>
        public IReadOnlyList<string> SupportedParameters { get; internal set; } = Array.Empty<string>();
        /// <summary>What the model accepts: text, image, file, audio.</summary>
        public IReadOnlyList<string> InputModalities { get; internal set; } = Array.Empty<string>();
        /// <summary>What the model produces: text, image, embeddings.</summary>
        public IReadOnlyList<string> OutputModalities { get; internal set; } = Array.Empty<string>();
        /// <summary>When the model was added to the catalog.</summary>
        public DateTimeOffset? Created { get; internal set; }

        /// <summary>True when prompt and completion tokens cost nothing.</summary>
        public bool IsFree => PromptPrice == 0m && CompletionPrice == 0m;

        /// <summary>True when the model can call tools.</summary>
        public bool SupportsTools => Supports("tools");

        /// <summary>True when the model supports <paramref name="parameter"/> (e.g. tools, reasoning).</summary>
        public bool Supports(string parameter) => SupportedParameters.Contains(parameter, StringComparer.OrdinalIgnoreCase);

        /// <summary>The model id.</summary>
        public override string ToString() => Name;
    }
}
