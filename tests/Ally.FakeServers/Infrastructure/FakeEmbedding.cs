using System;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Ally.FakeServers.Infrastructure;

/// <summary>
/// Deterministic stand-in embeddings shared by every face that embeds (Ollama's <c>/api/embed</c>,
/// OpenAI's and llama.cpp's <c>/v1/embeddings</c>): a sum of per-word pseudo-random vectors, so
/// the same text always gets the same vector and texts sharing words point in similar directions
/// (semantic search tests get a meaningful ranking). Seeded per model, like real models disagreeing.
/// </summary>
internal static class FakeEmbedding
{
    /// <summary>
    /// The words a text is made of: its runs of non-white-space characters (<see cref="char.IsWhiteSpace(char)"/>),
    /// the same rule as <see cref="ReplyScript.CountWords"/>. The Ollama face counts tokens this way.
    /// </summary>
    public static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The unit-length vector of <paramref name="words"/> (or of <paramref name="text"/> as a whole
    /// when it has no words) at the model's native size; with 0 &lt; <paramref name="dimensions"/>
    /// &lt; <paramref name="nativeDimensions"/>, cut to that length and normalised again, as Ollama
    /// and OpenAI shorten vectors.
    /// </summary>
    public static float[] Vector(string model, string[] words, string text, int nativeDimensions, int dimensions = 0)
    {
        var vector = Embed(model, words, text, nativeDimensions);
        Normalize(vector);
        if (dimensions > 0 && dimensions < vector.Length)
        {
            vector = vector[..dimensions];
            Normalize(vector);
        }

        return vector;
    }

    /// <summary>The raw (not normalised) sum of the words' vectors.</summary>
    public static float[] Embed(string model, string[] words, string text, int dimensions)
    {
        var vector = new float[dimensions];
        var modelSeed = Fnv1a(model);
        if (words.Length == 0)
        {
            words = [text];
        }

        foreach (var raw in words)
        {
            var word = NormalizeWord(raw);
            var state = modelSeed ^ Fnv1a(word.Length > 0 ? word : raw);
            for (var d = 0; d < vector.Length; d++)
            {
                // SplitMix64: cheap, well-mixed, and identical on every platform.
                state += 0x9E3779B97F4A7C15UL;
                var z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                vector[d] += (float)((z >> 11) * (1.0 / (1UL << 53)) * 2.0 - 1.0);
            }
        }

        return vector;
    }

    /// <summary>L2-normalises in place, with Ollama's guard against a zero norm.</summary>
    public static void Normalize(float[] vector)
    {
        double sum = 0;
        foreach (var v in vector)
        {
            sum += (double)v * v;
        }

        var scale = (float)(1.0 / Math.Max(Math.Sqrt(sum), 1e-12));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
    }

    /// <summary>
    /// Writes a vector as OpenAI-compatible servers do: a JSON array of numbers (each float written
    /// in its shortest round-trip form, so it parses back to the same float32), or with
    /// <paramref name="base64"/> the base64 text of its little-endian float32 bytes (protocols §4.2).
    /// Both decode to the same floats.
    /// </summary>
    public static void Write(Utf8JsonWriter w, string propertyName, float[] vector, bool base64)
    {
        if (base64)
        {
            w.WriteBase64String(propertyName, LittleEndianBytes(vector));
            return;
        }

        w.WriteStartArray(propertyName);
        foreach (var value in vector)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }

    /// <summary>The vector's float32 values as little-endian bytes, whatever the host's byte order.</summary>
    public static byte[] LittleEndianBytes(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return bytes;
    }

    /// <summary>
    /// The order in which to list <paramref name="count"/> results when a test asks for them out of
    /// order (<c>shuffleEmbeddings</c>): a Fisher–Yates shuffle seeded by the count, so the same
    /// batch size always gives the same order, and never the input order itself (two or more results).
    /// </summary>
    public static int[] ShuffledOrder(int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        if (count < 2)
        {
            return order;
        }

        var random = new Random(count);
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        for (var i = 0; i < count; i++)
        {
            if (order[i] != i)
            {
                return order;
            }
        }

        // The shuffle happened to keep every place: reverse instead, so a client that ignores index fails.
        Array.Reverse(order);
        return order;
    }

    private static string NormalizeWord(string word)
    {
        var builder = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return hash;
    }
}
