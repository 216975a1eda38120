using System;
using System.Collections.Generic;

namespace Ally
{
    /// <summary>What a model is for, in the product documentation's model selection guidelines.</summary>
    public enum ModelUseCase
    {
        /// <summary>Code development.</summary>
        Code,
        /// <summary>General chat.</summary>
        Chat,
        /// <summary>Analysis and research.</summary>
        Analysis,
        /// <summary>Privacy-sensitive work: local (Ollama) models only.</summary>
        Privacy,
    }

    /// <summary>How strongly a model is recommended.</summary>
    public enum ModelTier
    {
        /// <summary>Best for the use case.</summary>
        Best,
        /// <summary>Good for the use case.</summary>
        Good,
        /// <summary>The budget choice for the use case.</summary>
        Budget,
        /// <summary>Highly recommended (Ollama), or recommended for privacy-sensitive work.</summary>
        Recommended,
        /// <summary>Lightweight choice for privacy-sensitive work on small machines.</summary>
        Lightweight,
        /// <summary>Specialised Ollama model.</summary>
        Specialized,
        /// <summary>Top tier hosted model (best performance).</summary>
        Top,
        /// <summary>Good hosted alternative.</summary>
        Alternative,
    }

    /// <summary>
    /// One recommendation from the product documentation (what the original tool printed with
    /// --help-models). <see cref="Name"/> is the name to install or pass as -Model, so
    /// <c>Get-AllyModel -Recommended | Install-AllyModel</c> installs the local ones.
    /// </summary>
    public sealed class RecommendedModel
    {
        internal RecommendedModel(string name, string provider, ModelTier tier, ModelUseCase? useCase, string? parameterSize,
            IReadOnlyList<string> variants, long? downloadSize, string? memoryRequired, string description, string? cost, bool isLocal)
        {
            IsLocal = isLocal;
            Name = name;
            Provider = provider;
            Tier = tier;
            UseCase = useCase;
            ParameterSize = parameterSize;
            Variants = variants;
            DownloadSize = downloadSize;
            MemoryRequired = memoryRequired;
            Description = description;
            Cost = cost;
        }

        /// <summary>The model to install or pass as -Model, e.g. llama3.1, llama3.1:70b, openai/gpt-4.</summary>
        public string Name { get; }
        /// <summary>ollama (runs locally) or openrouter (hosted).</summary>
        public string Provider { get; }
        /// <summary>How strongly it is recommended.</summary>
        public ModelTier Tier { get; }
        /// <summary>The use case the recommendation is for, or null for the general list.</summary>
        public ModelUseCase? UseCase { get; }
        /// <summary>Parameters of this pick (e.g. 8B, 70B); null for hosted models.</summary>
        public string? ParameterSize { get; }
        /// <summary>The sizes the model comes in (e.g. 8B, 70B, 405B).</summary>
        public IReadOnlyList<string> Variants { get; }
        /// <summary>Approximate download in bytes (local models).</summary>
        public long? DownloadSize { get; }
        /// <summary>Memory (RAM, or RAM plus VRAM) the model needs, e.g. "8 GB+"; null for hosted models.</summary>
        public string? MemoryRequired { get; }
        /// <summary>Why it is recommended.</summary>
        public string Description { get; }
        /// <summary>Cost guidance for hosted models; local models are free after download.</summary>
        public string? Cost { get; }
        /// <summary>Whether the local Ollama server has it; null for hosted models or when Ollama could not be asked.</summary>
        public bool? IsInstalled { get; internal set; }

        /// <summary>True for a model that runs locally (and can be installed).</summary>
        public bool IsLocal { get; }

        /// <summary>
        /// For a hosted model, whether the provider's catalog still lists it (models are retired over
        /// time); null for local models, or when the catalog could not be read.
        /// </summary>
        public bool? IsAvailable { get; internal set; }

        /// <summary>The model's name.</summary>
        public override string ToString() => Name;
    }
}
