using System;
using System.Collections.Generic;
using System.Linq;

namespace Ally
{
    /// <summary>
    /// A model installed on an Ollama server (<c>/api/tags</c>), with the <c>/api/show</c> details
    /// (capabilities, context length, parameters, licence) when they were asked for. Its
    /// <see cref="Name"/> binds to the -Name of Remove-AllyModel and Install-AllyModel.
    /// </summary>
    public sealed class ModelInfo
    {
        internal ModelInfo(string name, string provider)
        {
            Name = name;
            Provider = provider;
        }

        /// <summary>The model's name with its tag, e.g. llama3.1:latest.</summary>
        public string Name { get; }
        /// <summary>Where the model lives (ollama).</summary>
        public string Provider { get; }
        /// <summary>The model family, e.g. llama, qwen3.</summary>
        public string? Family { get; internal set; }
        /// <summary>Every family the model belongs to.</summary>
        public IReadOnlyList<string> Families { get; internal set; } = Array.Empty<string>();
        /// <summary>Number of parameters as Ollama shows it, e.g. 8.0B.</summary>
        public string? ParameterSize { get; internal set; }
        /// <summary>Quantisation, e.g. Q4_K_M.</summary>
        public string? QuantizationLevel { get; internal set; }
        /// <summary>File format, e.g. gguf.</summary>
        public string? Format { get; internal set; }
        /// <summary>Size on disk in bytes.</summary>
        public long Size { get; internal set; }
        /// <summary>The manifest digest.</summary>
        public string? Digest { get; internal set; }
        /// <summary>When the model was pulled or last changed.</summary>
        public DateTimeOffset? ModifiedAt { get; internal set; }
        /// <summary>What the model can do: completion, tools, vision, thinking, embedding, insert (empty until known).</summary>
        public IReadOnlyList<string> Capabilities { get; internal set; } = Array.Empty<string>();
        /// <summary>The model's maximum context length in tokens, when known.</summary>
        public int? ContextLength { get; internal set; }
        /// <summary>Length of the model's embedding vectors, when known.</summary>
        public int? EmbeddingLength { get; internal set; }
        /// <summary>Exact number of parameters, when known (-Detailed).</summary>
        public long? ParameterCount { get; internal set; }
        /// <summary>The model architecture (general.architecture), when known (-Detailed).</summary>
        public string? Architecture { get; internal set; }
        /// <summary>The model's default parameters, one "name value" per line (-Detailed).</summary>
        public string? Parameters { get; internal set; }
        /// <summary>The model's licence text (-Detailed).</summary>
        public string? License { get; internal set; }
        /// <summary>The prompt template (-Detailed).</summary>
        public string? Template { get; internal set; }
        /// <summary>The model's built-in system prompt (-Detailed).</summary>
        public string? System { get; internal set; }
        /// <summary>True when the /api/show details are filled in.</summary>
        public bool IsDetailed { get; internal set; }

        /// <summary>True when the model can call tools.</summary>
        public bool SupportsTools => Has("tools");
        /// <summary>True when the model accepts images.</summary>
        public bool SupportsVision => Has("vision");
        /// <summary>True when the model can think before answering.</summary>
        public bool SupportsThinking => Has("thinking");
        /// <summary>True for an embedding model.</summary>
        public bool IsEmbedding => Has("embedding");

        private bool Has(string capability) => Capabilities.Contains(capability, StringComparer.OrdinalIgnoreCase);

        /// <summary>The model's name.</summary>
        public override string ToString() => Name;
    }

    /// <summary>A model an Ollama server holds in memory (<c>/api/ps</c>).</summary>
    public sealed class RunningModelInfo
    {
        internal RunningModelInfo(string name, string provider)
        {
            Name = name;
            Provider = provider;
        }

        /// <summary>The model's name with its tag.</summary>
        public string Name { get; }
        /// <summary>Where the model runs (ollama).</summary>
        public string Provider { get; }
        /// <summary>Memory the loaded model takes, in bytes.</summary>
        public long Size { get; internal set; }
        /// <summary>The part of <see cref="Size"/> in GPU memory, in bytes.</summary>
        public long SizeVram { get; internal set; }
        /// <summary>Where the model runs, as <c>ollama ps</c> shows it: 100% GPU, 100% CPU or 25%/75% CPU/GPU.</summary>
        public string Processor => ModelFormat.Processor(Size, SizeVram);
        /// <summary>The context length the model was loaded with, in tokens.</summary>
        public int? ContextLength { get; internal set; }
        /// <summary>When the server unloads the model unless it is used again.</summary>
        public DateTimeOffset? ExpiresAt { get; internal set; }
        /// <summary>The model family.</summary>
        public string? Family { get; internal set; }
        /// <summary>Number of parameters as Ollama shows it.</summary>
        public string? ParameterSize { get; internal set; }
        /// <summary>Quantisation.</summary>
        public string? QuantizationLevel { get; internal set; }
        /// <summary>The manifest digest.</summary>
        public string? Digest { get; internal set; }

        /// <summary>The model's name.</summary>
        public override string ToString() => Name;
    }
}
