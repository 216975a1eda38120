using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Ally.Async;

namespace Ally.Embeddings
{
    /// <summary>
    /// Ranks a set of embeddings against a query by cosine similarity: one vectorised pass per item
    /// (<see cref="TensorPrimitives"/>, SIMD), the best <c>top</c> kept in a small heap, so a search
    /// reads each vector once and never sorts the whole set.
    /// </summary>
    public static class EmbeddingSearch
    {
        /// <summary>
        /// Checks that <paramref name="items"/> are of one provider, model and size (a search or a saved
        /// set needs that), and returns the first item; throws IncompatibleEmbeddings otherwise.
        /// </summary>
        public static Embedding? CheckUniform(IReadOnlyList<Embedding> items, string task)
        {
            if (items.Count == 0) return null;
            Embedding first = items[0];
            foreach (Embedding item in items)
            {
                if (item.Dimensions != first.Dimensions || item.UsesTaskPrefix != first.UsesTaskPrefix
                    || !string.Equals(item.Provider, first.Provider, StringComparison.OrdinalIgnoreCase)
                    || !string.Equals(item.Model, first.Model, StringComparison.OrdinalIgnoreCase))
                {
                    throw new AllyException(ErrorIds.IncompatibleEmbeddings, Messages.MixedEmbeddings(task, Describe(first), Describe(item)), Messages.MixedEmbeddingsRemedy);
                }
            }
            return first;
        }

        private static string Describe(Embedding item) => item.Provider + " " + item.Model + " (" + item.Dimensions + " dimensions" + (item.UsesTaskPrefix ? ", task prefixes" : string.Empty) + ")";

        /// <summary>The <paramref name="top"/> items closest to <paramref name="query"/>, best first, with their scores.</summary>
        [MethodImpl(HotPath.Optimize)]
        public static List<(int Index, double Score)> Top(IReadOnlyList<Embedding> items, float[] query, int top)
        {
            if (top < 1) throw new ArgumentOutOfRangeException(nameof(top));
            var heap = new MinHeap(Math.Min(top, items.Count));
            ReadOnlySpan<float> q = query;
            float queryNorm = TensorPrimitives.Norm(q);
            for (int i = 0; i < items.Count; i++)
            {
                float[] vector = items[i].Vector;
                if (vector.Length != q.Length) throw new AllyException(ErrorIds.IncompatibleEmbeddings, Messages.QueryVectorSize(q.Length, vector.Length), Messages.QueryVectorRemedy);
                // Cosine: the dot product over both norms; a zero vector (an empty text) scores 0.
                float dot = TensorPrimitives.Dot(q, vector);
                float norm = TensorPrimitives.Norm(vector) * queryNorm;
                double score = norm > 0 ? dot / norm : 0;
                heap.Offer(i, score);
            }
            return heap.Drain();
        }

        /// <summary>The best scores seen so far: the worst of them at the root, replaced by anything better.</summary>
        private sealed class MinHeap
        {
            private readonly (int Index, double Score)[] _items;
            private int _count;

            public MinHeap(int capacity) => _items = new (int, double)[Math.Max(capacity, 1)];

            public void Offer(int index, double score)
            {
                if (_count < _items.Length)
                {
                    _items[_count] = (index, score);
                    Up(_count++);
                }
                else if (Better(score, index, _items[0]))
                {
                    _items[0] = (index, score);
                    Down(0);
                }
            }

            // Ties go to the earlier item, so results are stable.
            private static bool Better(double score, int index, (int Index, double Score) than) => score > than.Score || score == than.Score && index < than.Index;

            private void Up(int i)
            {
                while (i > 0)
                {
                    int parent = (i - 1) / 2;
                    if (!Better(_items[parent].Score, _items[parent].Index, _items[i])) break;
                    (_items[parent], _items[i]) = (_items[i], _items[parent]);
                    i = parent;
                }
            }

            private void Down(int i)
            {
                while (true)
                {
                    int left = 2 * i + 1, right = left + 1, worst = i;
                    if (left < _count && Better(_items[worst].Score, _items[worst].Index, _items[left])) worst = left;
                    if (right < _count && Better(_items[worst].Score, _items[worst].Index, _items[right])) worst = right;
                    if (worst == i) return;
                    (_items[worst], _items[i]) = (_items[i], _items[worst]);
                    i = worst;
                }
            }

            public List<(int Index, double Score)> Drain()
            {
                var result = new List<(int Index, double Score)>(_count);
                for (int i = 0; i < _count; i++) result.Add(_items[i]);
                result.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
                return result;
            }
        }
    }
}
