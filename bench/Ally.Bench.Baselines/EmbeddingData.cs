using System;
using System.Diagnostics;

namespace Ally.Bench
{
    /// <summary>Data and yardsticks for the embedding benchmark.</summary>
    public static class EmbeddingData
    {
        /// <summary><paramref name="count"/> random unit vectors of <paramref name="dimensions"/>, the same for the same seed.</summary>
        public static float[][] RandomUnitVectors(int count, int dimensions, int seed)
        {
            var random = new Random(seed);
            var vectors = new float[count][];
            for (int i = 0; i < count; i++)
            {
                var v = new float[dimensions];
                double sum = 0;
                for (int d = 0; d < dimensions; d++)
                {
                    v[d] = (float)(random.NextDouble() * 2 - 1);
                    sum += v[d] * v[d];
                }
                float scale = (float)(1 / Math.Sqrt(sum));
                for (int d = 0; d < dimensions; d++) v[d] *= scale;
                vectors[i] = v;
            }
            return vectors;
        }

        /// <summary>
        /// This machine's memory bandwidth as a large array copy sees it: bytes copied per second (each
        /// byte read once and written once), the best of <paramref name="repeats"/> copies of
        /// <paramref name="megabytes"/> MB — far larger than any cache.
        /// </summary>
        public static double CopyBytesPerSecond(int megabytes, int repeats)
        {
            var source = new byte[megabytes << 20];
            var target = new byte[source.Length];
            new Random(1).NextBytes(source);
            Buffer.BlockCopy(source, 0, target, 0, source.Length); // fault the pages in
            double best = 0;
            for (int i = 0; i < repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                Buffer.BlockCopy(source, 0, target, 0, source.Length);
                best = Math.Max(best, source.Length / watch.Elapsed.TotalSeconds);
            }
            return best;
        }

        /// <summary>Text for the simple embedder: prose and code, deterministic, about <paramref name="bytes"/> long.</summary>
        public static string Corpus(int bytes, int seed)
        {
            string[] words =
            {
                "the", "request", "token", "server", "retry", "pipeline", "embedding", "vector", "search", "model", "answer", "file",
                "parse", "stream", "cache", "error", "result", "config", "session", "user", "password", "backup", "schedule", "log",
                "GetUserName", "ParseHttpResponse", "retry_count", "max-tokens", "HttpClient", "async", "await", "public", "return",
            };
            var random = new Random(seed);
            var text = new System.Text.StringBuilder(bytes + 100);
            while (text.Length < bytes)
            {
                int sentence = random.Next(6, 18);
                for (int i = 0; i < sentence; i++) text.Append(words[random.Next(words.Length)]).Append(i + 1 < sentence ? ' ' : '.');
                text.Append(random.Next(5) == 0 ? "\n\n" : "\n");
            }
            return text.ToString();
        }
    }
}
