using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.OpenAI;

// POST /embeddings (protocols §4): the request schema with additionalProperties:false, OpenAI's limits
// per input, per request and per array, dimensions for the text-embedding-3 models, float or base64 vectors.
internal sealed partial class FakeOpenAI
{
    /// <summary>At most this many inputs in one request (§4.1: arrays of 1–2048 items).</summary>
    public const int MaxInputs = 2048;

    /// <summary>At most this many tokens in one input (§4.1: "8192 tokens for all embedding models").</summary>
    public const int MaxInputTokens = 8192;

    /// <summary>At most this many tokens summed over the inputs of one request (§4.1).</summary>
    public const int MaxRequestTokens = 300_000;

    /// <summary>One input as the fake tokenises it.</summary>
    private sealed record EmbeddingInput(string Text, string[] Words, int Tokens);

    /// <summary>
    /// The fake's token count of a text: its UTF-8 bytes divided by 4, rounded up (at least 1). A
    /// client that estimates bytes/3 therefore never counts fewer tokens than the fake.
    /// </summary>
    public static int CountTokens(string text) => Math.Max(1, (Encoding.UTF8.GetByteCount(text) + 3) / 4);

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var body = await RequestRecorder.ReadBodyAsync(context).ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, FakeJson.DocumentOptions);
        }
        catch (JsonException)
        {
            await WriteUnparsableBodyAsync(context).ConfigureAwait(false);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await WriteUnparsableBodyAsync(context).ConfigureAwait(false);
                return;
            }

            // The schema first, field by field in the order sent: additionalProperties:false, then the types.
            string? modelId = null;
            JsonElement? input = null;
            var base64 = false;
            var dimensions = 0;
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                var isNull = value.ValueKind == JsonValueKind.Null;
                var valid = true;
                switch (property.Name)
                {
                    case "model":
                        if (value.ValueKind == JsonValueKind.String) modelId = value.GetString();
                        else valid = isNull;
                        break;
                    case "input":
                        if (!isNull) input = value;
                        break;
                    case "encoding_format":
                        if (value.ValueKind == JsonValueKind.String && value.GetString() is "float" or "base64") base64 = value.GetString() == "base64";
                        else valid = isNull;
                        break;
                    case "dimensions":
                        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var requested) && requested >= 1) dimensions = requested;
                        else valid = isNull;
                        break;
                    case "user":
                        valid = isNull || value.ValueKind == JsonValueKind.String;
                        break;
                    default:
                        await WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                            $"Unrecognized request argument supplied: {property.Name}", "invalid_request_error").ConfigureAwait(false);
                        return;
                }

                if (!valid)
                {
                    await WriteInvalidFieldAsync(context, property.Name).ConfigureAwait(false);
                    return;
                }
            }

            if (string.IsNullOrEmpty(modelId))
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "you must provide a model parameter", "invalid_request_error")
                    .ConfigureAwait(false);
                return;
            }

            if (input is not { } inputValue)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "'input' is a required property", "invalid_request_error")
                    .ConfigureAwait(false);
                return;
            }

            var inputs = ParseInputs(inputValue);
            if (inputs is null)
            {
                await WriteInvalidFieldAsync(context, "input").ConfigureAwait(false);
                return;
            }

            var model = Array.Find(Models, m => string.Equals(m.Id, modelId, StringComparison.Ordinal));
            if (model is null)
            {
                await WriteErrorAsync(context, StatusCodes.Status404NotFound,
                    $"The model `{modelId}` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
                    .ConfigureAwait(false);
                return;
            }

            if (dimensions > 0 && (!model.Shortens || dimensions > model.Dimensions))
            {
                // ada-002 refuses any dimensions, even its own size; text-embedding-3 can only shorten.
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "This model does not support specifying dimensions.",
                    "invalid_request_error").ConfigureAwait(false);
                return;
            }

            var totalTokens = 0L;
            foreach (var item in inputs)
            {
                if (item.Tokens > MaxInputTokens)
                {
                    var requested = item.Tokens.ToString(CultureInfo.InvariantCulture);
                    await WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                        $"This model's maximum context length is {MaxInputTokens.ToString(CultureInfo.InvariantCulture)} tokens, however you requested " +
                        $"{requested} tokens ({requested} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
                        "invalid_request_error").ConfigureAwait(false);
                    return;
                }

                totalTokens += item.Tokens;
            }

            if (totalTokens > MaxRequestTokens)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                    $"Requested {totalTokens.ToString(CultureInfo.InvariantCulture)} tokens, max {MaxRequestTokens.ToString(CultureInfo.InvariantCulture)} tokens per request",
                    "max_tokens_per_request", "max_tokens_per_request").ConfigureAwait(false);
                return;
            }

            var vectors = new float[inputs.Count][];
            for (var i = 0; i < inputs.Count; i++)
            {
                vectors[i] = FakeEmbedding.Vector(model.Id, inputs[i].Words, inputs[i].Text, model.Dimensions, dimensions);
            }

            var order = behavior.Current.ShuffleEmbeddings ? FakeEmbedding.ShuffledOrder(vectors.Length) : null;
            await FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
            {
                // protocols §4.2: object, data[{object, embedding, index}], model, usage.
                w.WriteStartObject();
                w.WriteString("object", "list");
                w.WriteStartArray("data");
                for (var position = 0; position < vectors.Length; position++)
                {
                    var index = order?[position] ?? position;
                    w.WriteStartObject();
                    w.WriteString("object", "embedding");
                    FakeEmbedding.Write(w, "embedding", vectors[index], base64);
                    w.WriteNumber("index", index);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteString("model", modelId);
                w.WriteStartObject("usage");
                w.WriteNumber("prompt_tokens", totalTokens);
                w.WriteNumber("total_tokens", totalTokens);
                w.WriteEndObject();
                w.WriteEndObject();
            }, JsonContentType).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>input</c> per the schema: a non-empty string, an array of 1–2048 non-empty strings, an array
    /// of tokens (non-negative integers: one input), or an array of 1–2048 non-empty token arrays.
    /// </summary>
    /// <returns>The inputs, or <c>null</c> when the value breaks the schema (<c>'$.input' is invalid</c>).</returns>
    private static List<EmbeddingInput>? ParseInputs(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            var text = input.GetString()!;
            return text.Length == 0 ? null : [Text(text)];
        }

        var count = input.ValueKind == JsonValueKind.Array ? input.GetArrayLength() : 0;
        if (count is 0 or > MaxInputs)
        {
            return null;
        }

        var first = input[0].ValueKind;
        if (first == JsonValueKind.Number)
        {
            // One input given as tokens.
            return TryTokens(input, out var single) ? [single!] : null;
        }

        var inputs = new List<EmbeddingInput>(count);
        foreach (var item in input.EnumerateArray())
        {
            switch (first)
            {
                case JsonValueKind.String when item.ValueKind == JsonValueKind.String && item.GetString()!.Length > 0:
                    inputs.Add(Text(item.GetString()!));
                    break;
                case JsonValueKind.Array when item.ValueKind == JsonValueKind.Array && TryTokens(item, out var tokens):
                    inputs.Add(tokens!);
                    break;
                default:
                    return null;
            }
        }

        return inputs;

        static EmbeddingInput Text(string text) => new(text, FakeEmbedding.Words(text), CountTokens(text));

        static bool TryTokens(JsonElement array, out EmbeddingInput? tokens)
        {
            tokens = null;
            var words = new string[array.GetArrayLength()];
            if (words.Length == 0)
            {
                return false;
            }

            var i = 0;
            foreach (var token in array.EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.Number || !token.TryGetInt32(out var id) || id < 0)
                {
                    return false;
                }

                // A token id stands for a word of its own.
                words[i++] = "t" + id.ToString(CultureInfo.InvariantCulture);
            }

            tokens = new EmbeddingInput(string.Join(' ', words), words, words.Length);
            return true;
        }
    }

    /// <summary>OpenAI's answer to a body that is not a JSON object.</summary>
    private static Task WriteUnparsableBodyAsync(HttpContext context) =>
        WriteErrorAsync(context, StatusCodes.Status400BadRequest,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
            "The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, " +
            "please contact us through our help center at help.openai.com.)",
            "invalid_request_error");
}
