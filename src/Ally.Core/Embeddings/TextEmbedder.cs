using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Embeddings
{
    /// <summary>What every provider's embedder shares: its name, model, task prefixes and the once-only check.</summary>
    public abstract class TextEmbedder : ITextEmbedder
    {
        private readonly object _gate = new object();
        private Task<int?>? _prepared;

        /// <summary>An embedder of <paramref name="provider"/> with <paramref name="options"/>.</summary>
        protected TextEmbedder(string provider, EmbedderOptions options, EmbeddingLimits limits)
        {
            Provider = provider;
            Model = options.Model;
            Dimensions = options.Dimensions;
            Limits = limits;
            if (options.UseTaskPrefixes)
            {
                (DocumentPrefix, QueryPrefix) = TaskPrefixes.For(options.Model);
                UsesTaskPrefix = DocumentPrefix != null || QueryPrefix != null;
            }
        }

        /// <inheritdoc />
        public string Provider { get; }
        /// <inheritdoc />
        public string Model { get; }
        /// <inheritdoc />
        public int? Dimensions { get; }
        /// <inheritdoc />
        public bool UsesTaskPrefix { get; }
        /// <inheritdoc />
        public string? DocumentPrefix { get; }
        /// <inheritdoc />
        public string? QueryPrefix { get; }
        /// <inheritdoc />
        public EmbeddingLimits Limits { get; }

        /// <inheritdoc />
        public Task<int?> PrepareAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_prepared is null || _prepared.IsFaulted || _prepared.IsCanceled) _prepared = PrepareCoreAsync(cancellationToken);
                return _prepared;
            }
        }

        /// <summary>The check behind <see cref="PrepareAsync"/>; by default none, and no limit per input.</summary>
        protected virtual Task<int?> PrepareCoreAsync(CancellationToken cancellationToken) => Task.FromResult<int?>(null);

        /// <inheritdoc />
        public abstract Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
    }
}
