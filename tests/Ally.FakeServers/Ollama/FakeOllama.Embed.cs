using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.Ollama;

/// <summary><c>POST /api/embed</c> (protocols.md §1.10; server/routes.go <c>EmbedHandler</c>).</summary>
internal sealed partial class FakeOllama
{
    private static readonly Dictionary<string, string> EmbedFieldTypes = new(StringComparer.Ordinal)
    {
        ["model"] = "string",
        ["truncate"] = "bool",
        ["dimensions"] = "int",
        ["options"] = "map[string]interface {}",
    };

    private async Task EmbedAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        using var document = await DecodeBodyAsync(context, "api.EmbedRequest", EmbedFieldTypes).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;

        var (ok, keepAlive) = await ReadKeepAliveAsync(context, root).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        var requested = GetString(root, "model");
        var name = ModelName.Parse(requested);
        if (!name.IsValid)
        {
            // EmbedHandler answers an unusable name with the not-found text, not "model is required".
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"model '{requested}' not found").ConfigureAwait(false);
            return;
        }

        // input: a string (empty = nothing to embed) or an array of strings; anything else is rejected.
        var inputs = new List<string>();
        if (FakeJson.TryGetProperty(root, "input", out var input))
        {
            switch (input.ValueKind)
            {
                case JsonValueKind.String:
                    if (input.GetString() is { Length: > 0 } single)
                    {
                        inputs.Add(single);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in input.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid input type").ConfigureAwait(false);
                            return;
                        }

                        inputs.Add(item.GetString()!);
                    }

                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid input type").ConfigureAwait(false);
                    return;
            }
        }

        if (!_catalog.TryGetInstalled(name, out var model))
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"model '{requested}' not found").ConfigureAwait(false);
            return;
        }

        var numCtx = GetIntOption(root, "num_ctx");
        _catalog.MarkLoaded(model, keepAlive ?? KeepAlive.Default, AllocatedContext(model, numCtx));

        if (inputs.Count == 0)
        {
            // Nothing to embed still loads the model, and answers an empty list without metrics.
            await FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("model", requested);
                w.WriteStartArray("embeddings");
                w.WriteEndArray();
                w.WriteEndObject();
            }).ConfigureAwait(false);
            return;
        }

        var truncate = GetBool(root, "truncate") ?? true;
        var dimensions = FakeJson.TryGetProperty(root, "dimensions", out var dims) && dims.ValueKind == JsonValueKind.Number
            ? dims.GetInt32()
            : 0;
        // Tokens are approximated by words; the limit is the model's context, lowered by num_ctx.
        var limit = numCtx > 0 ? Math.Min(numCtx, model.ContextLength) : model.ContextLength;

        var vectors = new float[inputs.Count][];
        var promptTokens = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var words = inputs[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > limit)
            {
                if (!truncate)
                {
                    await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "the input length exceeds the context length")
                        .ConfigureAwait(false);
                    return;
                }

                words = words[..limit];
            }

            promptTokens += Math.Max(words.Length, 1);
            var vector = FakeEmbedding.Embed(model.DisplayName, words, inputs[i], model.EmbeddingLength);
            FakeEmbedding.Normalize(vector);
            if (dimensions > 0 && dimensions < vector.Length)
            {
                vector = vector[..dimensions];
                FakeEmbedding.Normalize(vector);
            }

            vectors[i] = vector;
        }

        var elapsed = (long)(Stopwatch.GetElapsedTime(started).Ticks * 100);
        await FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("model", requested);
            w.WriteStartArray("embeddings");
            foreach (var vector in vectors)
            {
                w.WriteStartArray();
                foreach (var value in vector)
                {
                    w.WriteNumberValue(value);
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteNumber("total_duration", Math.Max(elapsed, 14_143_917 + promptTokens * 250_000L));
            w.WriteNumber("load_duration", 1_019_500);
            w.WriteNumber("prompt_eval_count", promptTokens);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }
}

/// <summary>
/// Deterministic stand-in embeddings: a sum of per-word pseudo-random vectors, so the same text
/// always gets the same vector and texts sharing words point in similar directions (semantic
/// search tests get a meaningful ranking). Seeded per model, like real models disagreeing.
/// </summary>
internal static class FakeEmbedding
{
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
