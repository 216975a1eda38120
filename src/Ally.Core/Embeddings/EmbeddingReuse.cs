using System;
using System.Collections.Generic;

namespace Ally.Embeddings
{
    /// <summary>
    /// The vectors of an earlier set (New-AllyEmbedding -Reuse), found again by their text: an input
    /// whose text, provider, model, task-prefix use and size match an earlier item takes its vector and
    /// is not sent. That is how a saved set is refreshed: only what changed is embedded again.
    /// </summary>
    public sealed class EmbeddingReuse
    {
        private readonly Dictionary<string, float[]> _vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);

        /// <summary>A lookup over <paramref name="earlier"/>.</summary>
        public EmbeddingReuse(IEnumerable<Embedding> earlier)
        {
            foreach (Embedding item in earlier)
            {
                if (item?.ContentHash is { Length: > 0 } hash) _vectors[Key(item.Provider, item.Model, item.UsesTaskPrefix, hash)] = item.Vector;
            }
        }

        /// <summary>How many earlier vectors there are.</summary>
        public int Count => _vectors.Count;

        /// <summary>The earlier vector for <paramref name="input"/> as <paramref name="embedder"/> would make it, if there is one.</summary>
        public bool TryGet(ITextEmbedder embedder, EmbeddingInput input, out float[] vector)
        {
            if (_vectors.TryGetValue(Key(embedder.Provider, embedder.Model, embedder.UsesTaskPrefix, input.ContentHash), out float[]? found)
                && (embedder.Dimensions is null || embedder.Dimensions == found.Length))
            {
                vector = found;
                return true;
            }
            vector = Array.Empty<float>();
            return false;
        }

        private static string Key(string provider, string model, bool prefixed, string hash) =>
            provider.ToLowerInvariant() + "\n" + model.ToLowerInvariant() + "\n" + (prefixed ? "p" : "-") + "\n" + hash;
    }
}
