using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Ally.Async;

namespace Ally.Embeddings
{
    /// <summary>
    /// Ranks a set of embeddings against a query by cosine similarity: one vectorised (SIMD) pass per
    /// item, the best <c>top</c> kept in a small heap, so a search reads each vector once and never
    /// sorts the whole set; large sets are scanned on every processor.
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
        /// <remarks>
        /// A large set is split across the processors, each part keeping its own best; a small one is
        /// scanned on the calling thread. Either way each vector is read once, in one fused pass that
        /// sums the dot product and the vector's squared length together.
        /// </remarks>
        public static List<(int Index, double Score)> Top(IReadOnlyList<Embedding> items, float[] query, int top)
        {
            if (top < 1) throw new ArgumentOutOfRangeException(nameof(top));
            foreach (Embedding item in items)
            {
                if (item.Vector.Length != query.Length) throw new AllyException(ErrorIds.IncompatibleEmbeddings, Messages.QueryVectorSize(query.Length, item.Vector.Length), Messages.QueryVectorRemedy);
            }
            float queryNorm = (float)Math.Sqrt(Dot(query, query, out _));
            int parts = (long)items.Count * query.Length >= ParallelFloats ? Math.Min(Environment.ProcessorCount, 8) : 1;
            if (parts <= 1) return Scan(items, query, queryNorm, 0, items.Count, top).Drain();

            var heaps = new MinHeap[parts];
            int size = (items.Count + parts - 1) / parts;
            Parallel.For(0, parts, part =>
                heaps[part] = Scan(items, query, queryNorm, part * size, Math.Min(items.Count, (part + 1) * size), top));
            var merged = new MinHeap(Math.Min(top, items.Count));
            foreach (MinHeap heap in heaps)
            {
                foreach ((int index, double score) in heap.Drain()) merged.Offer(index, score);
            }
            return merged.Drain();
        }

        /// <summary>Sets of at least this many numbers are scanned in parallel (below it, starting threads costs more than it saves).</summary>
        private const long ParallelFloats = 4_000_000;

        [MethodImpl(HotPath.Optimize)]
        private static MinHeap Scan(IReadOnlyList<Embedding> items, float[] query, float queryNorm, int start, int end, int top)
        {
            var heap = new MinHeap(Math.Min(top, Math.Max(end - start, 1)));
            for (int i = start; i < end; i++)
            {
                float dot = Dot(query, items[i].Vector, out float squares);
                // Cosine: the dot product over both lengths; a zero vector (an empty text) scores 0.
                float norm = (float)Math.Sqrt(squares) * queryNorm;
                heap.Offer(i, norm > 0 ? dot / norm : 0);
            }
            return heap;
        }

        /// <summary>The dot product of <paramref name="query"/> and <paramref name="vector"/>, and the vector's squared length, in one SIMD pass.</summary>
        [MethodImpl(HotPath.Optimize)]
        private static float Dot(float[] query, float[] vector, out float squares)
        {
            ReadOnlySpan<Vector<float>> q = MemoryMarshal.Cast<float, Vector<float>>(query);
            ReadOnlySpan<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(vector);
            Vector<float> dot0 = Vector<float>.Zero, dot1 = Vector<float>.Zero, sq0 = Vector<float>.Zero, sq1 = Vector<float>.Zero;
            int k = 0;
            for (; k + 1 < v.Length; k += 2)
            {
                Vector<float> a = v[k], b = v[k + 1];
                dot0 += a * q[k];
                dot1 += b * q[k + 1];
                sq0 += a * a;
                sq1 += b * b;
            }
            if (k < v.Length)
            {
                dot0 += v[k] * q[k];
                sq0 += v[k] * v[k];
            }
            float dot = Vector.Dot(dot0 + dot1, Vector<float>.One);
            float sq = Vector.Dot(sq0 + sq1, Vector<float>.One);
            for (int i = v.Length * Vector<float>.Count; i < vector.Length; i++)
            {
                dot += vector[i] * query[i];
                sq += vector[i] * vector[i];
            }
            squares = sq;
            return dot;
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
