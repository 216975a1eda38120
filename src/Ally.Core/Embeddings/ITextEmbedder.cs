using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Embeddings
{
    /// <summary>What New-AllyEmbedding asks of a provider's embedder.</summary>
    public sealed class EmbedderOptions
    {
        /// <summary>Options for <paramref name="model"/>.</summary>
        public EmbedderOptions(string model) => Model = model;

        /// <summary>The embedding model.</summary>
        public string Model { get; }
        /// <summary>Shortened vectors of this length, or null for the model's own.</summary>
        public int? Dimensions { get; set; }
        /// <summary>Most inputs per request, or null for the provider's default.</summary>
        public int? BatchSize { get; set; }
        /// <summary>Send the model's task prefixes (nomic-embed-text's <c>search_document: </c>/<c>search_query: </c>) where it has them.</summary>
        public bool UseTaskPrefixes { get; set; } = true;
        /// <summary>The provider's request defaults (Ollama: num_thread, num_gpu, other [ollama.options], keep_alive).</summary>
        public Providers.RequestDefaults Defaults { get; set; } = Providers.RequestDefaults.None;
    }

    /// <summary>How much one request may carry, in inputs and estimated tokens (see <see cref="TokenEstimate"/>).</summary>
    public sealed class EmbeddingLimits
    {
        /// <summary>Limits of one request.</summary>
        public EmbeddingLimits(int maxBatchItems, int maxBatchTokens)
        {
            if (maxBatchItems < 1) throw new ArgumentOutOfRangeException(nameof(maxBatchItems));
            if (maxBatchTokens < 1) throw new ArgumentOutOfRangeException(nameof(maxBatchTokens));
            MaxBatchItems = maxBatchItems;
            MaxBatchTokens = maxBatchTokens;
        }

        /// <summary>Most inputs in one request.</summary>
        public int MaxBatchItems { get; }
        /// <summary>Most estimated tokens in one request, all inputs together.</summary>
        public int MaxBatchTokens { get; }
    }

    /// <summary>
    /// One provider's embedding model, ready to use: its limits, its task prefixes, and the call that
    /// turns texts into vectors. Made by <see cref="Providers.ProviderDescriptor.CreateEmbedder"/>;
    /// safe to call from several workers at once.
    /// </summary>
    public interface ITextEmbedder
    {
        /// <summary>The provider's name (simple, ollama, openai).</summary>
        string Provider { get; }
        /// <summary>The model.</summary>
        string Model { get; }
        /// <summary>The requested vector length, or null for the model's own.</summary>
        int? Dimensions { get; }
        /// <summary>Whether the model's task prefixes are used (the model has them and they were not turned off).</summary>
        bool UsesTaskPrefix { get; }
        /// <summary>What goes before a document's text, or null.</summary>
        string? DocumentPrefix { get; }
        /// <summary>What goes before a query's text, or null.</summary>
        string? QueryPrefix { get; }

        /// <summary>How much one request may carry.</summary>
        EmbeddingLimits Limits { get; }

        /// <summary>
        /// Checks the model before the first request (Ollama: installed, able to embed, its context
        /// length) and returns the most estimated tokens one input may have, or null for no limit.
        /// Later calls return the same answer; a failed check is tried again by the next call.
        /// </summary>
        Task<int?> PrepareAsync(CancellationToken cancellationToken);

        /// <summary>Embeds <paramref name="texts"/> (already prefixed, within the limits) in one request; one vector per text, in order.</summary>
        Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
    }
}
