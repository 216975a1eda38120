using System;
using System.Collections.Generic;
using System.Linq;

namespace Ally
{
    /// <summary>A model in the OpenRouter catalog (<c>GET /api/v1/models</c>), prices per million tokens.</summary>
    public sealed class OpenRouterModelInfo
    {
        internal OpenRouterModelInfo(string name) => Name = name;

        /// <summary>The model id to pass as -Model, in vendor/model form, e.g. openai/gpt-4o.</summary>
        public string Name { get; }
        /// <summary>Where the model runs (openrouter).</summary>
        public string Provider => ModelProviders.OpenRouter;
        /// <summary>The model's display name, e.g. GPT-4o.</summary>
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
        /// <summary>When the model was added to OpenRouter.</summary>
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
