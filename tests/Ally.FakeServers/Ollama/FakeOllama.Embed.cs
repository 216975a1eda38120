using System;
using System.Collections.Generic;
using System.Diagnostics;
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
        if (_catalog.TryLoad(model, keepAlive ?? KeepAlive.Default, AllocatedContext(model, numCtx)) is { } loadError)
        {
            // The scheduler's failure: 500 before a byte of answer (protocols §3.14).
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, loadError).ConfigureAwait(false);
            return;
        }

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
        // A token is a whitespace-separated word; the limit is the model's context, lowered by num_ctx.
        var limit = numCtx > 0 ? Math.Min(numCtx, model.ContextLength) : model.ContextLength;

        // Every input is tokenised and checked against the context before any is embedded.
        var tokenized = new string[inputs.Count][];
        var promptTokens = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var words = FakeEmbedding.Words(inputs[i]);
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
            tokenized[i] = words;
        }

        if (!model.Has("embedding"))
        {
            // The runner of a model without an embedding head refuses; EmbedHandler passes that on as a 500
            // (ollama/ollama#9739, Ollama 0.6 and later).
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "this model does not support embeddings")
                .ConfigureAwait(false);
            return;
        }

        var vectors = new float[inputs.Count][];
        for (var i = 0; i < inputs.Count; i++)
        {
            vectors[i] = FakeEmbedding.Vector(model.DisplayName, tokenized[i], inputs[i], model.EmbeddingLength, dimensions);
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
