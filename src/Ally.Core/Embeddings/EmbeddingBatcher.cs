using System.Collections.Generic;

namespace Ally.Embeddings
{
    /// <summary>
    /// Groups inputs, in order, into the requests of one embedder: a group ends when one more input to
    /// send would pass the embedder's limits (inputs, or estimated tokens, per request). Inputs that
    /// are not sent — reused vectors, empty texts — ride along in order without counting, up to
    /// <see cref="MaxGroupSize"/> (or the request's input limit, if larger) per group.
    /// </summary>
    public sealed class EmbeddingBatcher
    {
        /// <summary>Most inputs of any kind in one group.</summary>
        public const int MaxGroupSize = 1024;

        private readonly ITextEmbedder _embedder;
        private readonly EmbeddingReuse? _reuse;
        private List<EmbeddingInput> _group = new List<EmbeddingInput>();
        private int _items;
        private long _tokens;

        /// <summary>A batcher for <paramref name="embedder"/>, reusing vectors from <paramref name="reuse"/>.</summary>
        public EmbeddingBatcher(ITextEmbedder embedder, EmbeddingReuse? reuse)
        {
            _embedder = embedder;
            _reuse = reuse;
        }

        /// <summary>Inputs reused so far.</summary>
        public long Reused { get; private set; }

        /// <summary>Adds an input; returns the group it completed (to start now), or null.</summary>
        public IReadOnlyList<EmbeddingInput>? Add(EmbeddingInput input)
        {
            IReadOnlyList<EmbeddingInput>? full = null;
            if (_reuse != null && _reuse.TryGet(_embedder, input, out float[] vector))
            {
                input.Reused = vector;
                Reused++;
            }
            else if (input.Text.Trim().Length > 0)
            {
                input.Prepare(_embedder.DocumentPrefix);
                EmbeddingLimits limits = _embedder.Limits;
                if (_items > 0 && (_items + 1 > limits.MaxBatchItems || _tokens + input.Tokens > limits.MaxBatchTokens)) full = Flush();
                _items++;
                _tokens += input.Tokens;
            }
            _group.Add(input);
            if (full is null && _group.Count >= System.Math.Max(MaxGroupSize, _embedder.Limits.MaxBatchItems)) full = Flush();
            return full;
        }

        /// <summary>The group so far (to start it), or null when there is none.</summary>
        public IReadOnlyList<EmbeddingInput>? Flush()
        {
            if (_group.Count == 0) return null;
            List<EmbeddingInput> group = _group;
            _group = new List<EmbeddingInput>();
            _items = 0;
            _tokens = 0;
            return group;
        }
    }
}
