using System;
using System.Linq;
using Ally.Embeddings;
using Xunit;

namespace Ally.Tests
{
    public class EmbeddingSearchTests
    {
        private static Embedding Item(string text, params float[] vector) => new Embedding(text, vector, "simple", "hash-v1");

        [Fact]
        public void RanksByCosineBestFirstAndKeepsOnlyTheTop()
        {
            var rng = new Random(7);
            var items = Enumerable.Range(0, 1000).Select(i => Item("t" + i, Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray())).ToList();
            float[] query = items[123].Vector.Select(v => v * 3).ToArray(); // same direction, other length
            var top = EmbeddingSearch.Top(items, query, 10);
            Assert.Equal(10, top.Count);
            Assert.Equal(123, top[0].Index);
            Assert.Equal(1.0, top[0].Score, 5);
            var expected = items.Select((e, i) => (i, Score: Cosine(e.Vector, query))).OrderByDescending(x => x.Score).Take(10).Select(x => x.i);
            Assert.Equal(expected, top.Select(t => t.Index));
            for (int i = 1; i < top.Count; i++) Assert.True(top[i - 1].Score >= top[i].Score);
        }

        private static double Cosine(float[] a, float[] b)
        {
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
            return dot / Math.Sqrt(na * nb);
        }

        [Theory]
        [InlineData(20000, 300, 7)]   // large enough to be split across processors
        [InlineData(50, 13, 50)]      // odd length (a SIMD remainder), every item returned
        public void LargeAndOddSizedSetsRankExactlyAsAPlainLoopDoes(int count, int dimensions, int wanted)
        {
            var rng = new Random(count);
            var items = Enumerable.Range(0, count).Select(i => Item("t" + i, Enumerable.Range(0, dimensions).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray())).ToList();
            float[] query = Enumerable.Range(0, dimensions).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var top = EmbeddingSearch.Top(items, query, wanted);
            var expected = items.Select((e, i) => (i, Score: Cosine(e.Vector, query))).OrderByDescending(x => x.Score).Take(wanted).ToList();
            Assert.Equal(expected.Select(x => x.i), top.Select(t => t.Index));
            for (int i = 0; i < top.Count; i++) Assert.Equal(expected[i].Score, top[i].Score, 4);
        }

        [Fact]
        public void TiesGoToTheEarlierItemAndAZeroVectorScoresZero()
        {
            var items = new[] { Item("a", 1, 0), Item("b", 1, 0), Item("zero", 0, 0), Item("c", 0, 1) };
            var top = EmbeddingSearch.Top(items, new float[] { 1, 0 }, 4);
            Assert.Equal(new[] { 0, 1, 2, 3 }, top.Select(t => t.Index));
            Assert.Equal(0, top[2].Score);
        }

        [Fact]
        public void AQueryOfAnotherLengthAndAMixedSetAreRefused()
        {
            var items = new[] { Item("a", 1, 0) };
            Assert.Equal(ErrorIds.IncompatibleEmbeddings, Assert.Throws<AllyException>(() => EmbeddingSearch.Top(items, new float[] { 1, 0, 0 }, 1)).Id);
            var mixed = new[] { Item("a", 1, 0), new Embedding("b", new float[] { 1, 0 }, "ollama", "nomic-embed-text") };
            Assert.Equal(ErrorIds.IncompatibleEmbeddings, Assert.Throws<AllyException>(() => EmbeddingSearch.CheckUniform(mixed, "a search")).Id);
            Assert.Null(EmbeddingSearch.CheckUniform(Array.Empty<Embedding>(), "a search"));
        }

        [Fact]
        public void DecodesBase64AsLittleEndianFloat32()
        {
            float[] values = { 1.5f, -0.25f, 3.4028235e38f, float.Epsilon };
            byte[] bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                byte[] b = BitConverter.GetBytes(values[i]);
                if (!BitConverter.IsLittleEndian) Array.Reverse(b);
                Buffer.BlockCopy(b, 0, bytes, i * 4, 4);
            }
            Assert.Equal(values, EmbeddingVectors.FromBase64(Convert.ToBase64String(bytes)));
            Assert.Throws<FormatException>(() => EmbeddingVectors.FromBase64(Convert.ToBase64String(new byte[] { 1, 2, 3 })));
        }

        [Fact]
        public void ReadsOllamaEmbeddingsInOnePass()
        {
            string body = "{\"model\":\"all-minilm\",\"embeddings\":[[0.5,-0.25,1e-3],[1,2,3]],\"total_duration\":14143917,\"prompt_eval_count\":8}";
            var vectors = Ally.Providers.Ollama.OllamaEmbedder.ReadEmbeddings(System.Text.Encoding.UTF8.GetBytes(body));
            Assert.Equal(2, vectors.Count);
            Assert.Equal(new[] { 0.5f, -0.25f, 1e-3f }, vectors[0]);
            Assert.Equal(new float[] { 1, 2, 3 }, vectors[1]);
            Assert.Empty(Ally.Providers.Ollama.OllamaEmbedder.ReadEmbeddings(System.Text.Encoding.UTF8.GetBytes("{\"model\":\"m\",\"embeddings\":[]}")));
            Assert.ThrowsAny<System.Text.Json.JsonException>(() => Ally.Providers.Ollama.OllamaEmbedder.ReadEmbeddings(System.Text.Encoding.UTF8.GetBytes("{\"model\":\"m\"}")));
            Assert.ThrowsAny<System.Text.Json.JsonException>(() => Ally.Providers.Ollama.OllamaEmbedder.ReadEmbeddings(System.Text.Encoding.UTF8.GetBytes("{\"embeddings\":[[1,\"x\"]]}")));
        }
    }
}
