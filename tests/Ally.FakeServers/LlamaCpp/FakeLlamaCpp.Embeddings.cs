using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.LlamaCpp;

// POST /v1/embeddings (protocols §3.13; llama-server's handle_embeddings_impl and
// format_embeddings_response_oaicompat): batch input, float or base64, unit-length vectors of the
// loaded model, the input tokenised with a BOS token, and llama-server's refusals.
internal sealed partial class FakeLlamaCpp
{
    /// <summary>The embedding path (llama-server's OpenAI-compatible one).</summary>
    public const string EmbeddingsPath = "/v1/embeddings";

    /// <summary><c>n_embd</c> of the loaded model (Llama 3.1 8B), as <c>/v1/models</c> reports it: the size of every vector.</summary>
    private const int EmbeddingLength = 4096;

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var config = Config;
        if (!config.Embeddings)
        {
            await WriteErrorAsync(context, StatusCodes.Status501NotImplemented,
                "This server does not support embeddings. Start it with `--embeddings`").ConfigureAwait(false);
            return;
        }

        using var document = await ReadRequestAsync(context).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("input", out var input))
            {
                // A "content" body gets llama-server's own (non-OpenAI) answer there; the fake does not serve it.
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "\"input\" or \"content\" must be provided").ConfigureAwait(false);
                return;
            }

            var base64 = false;
            if (root.TryGetProperty("encoding_format", out var format))
            {
                if (format.ValueKind != JsonValueKind.String)
                {
                    await WriteErrorAsync(context, StatusCodes.Status500InternalServerError,
                        $"[json.exception.type_error.302] type must be string, but is {NlohmannTypeName(format.ValueKind)}").ConfigureAwait(false);
                    return;
                }

                base64 = format.GetString() == "base64";
                if (!base64 && format.GetString() != "float")
                {
                    await WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                        "The format to return the embeddings in. Can be either float or base64").ConfigureAwait(false);
                    return;
                }
            }

            var (prompts, shapeError) = TokenizePrompts(input);
            if (shapeError is not null)
            {
                // tokenize_input_prompts throws; the server's exception handler answers 500.
                await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, shapeError).ConfigureAwait(false);
                return;
            }

            if (prompts.Count == 0 || prompts.Exists(p => p.Tokens == 0))
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Input content cannot be empty").ConfigureAwait(false);
                return;
            }

            var promptTokens = 0;
            foreach (var prompt in prompts)
            {
                if (prompt.Tokens > config.BatchSize)
                {
                    // An embedding is computed in one physical batch (--ubatch-size): a longer input fails as a whole.
                    await WriteErrorAsync(context, StatusCodes.Status500InternalServerError,
                        $"input ({prompt.Tokens.ToString(CultureInfo.InvariantCulture)} tokens) is too large to process. increase the physical batch size " +
                        $"(current batch size: {config.BatchSize.ToString(CultureInfo.InvariantCulture)})").ConfigureAwait(false);
                    return;
                }

                promptTokens += prompt.Tokens;
            }

            var vectors = new float[prompts.Count][];
            for (var i = 0; i < prompts.Count; i++)
            {
                // The server ignores the requested model: every vector is the loaded model's.
                vectors[i] = FakeEmbedding.Vector(config.ModelAlias, prompts[i].Words, prompts[i].Text, EmbeddingLength);
            }

            var model = root.TryGetProperty("model", out var requested) && requested.ValueKind == JsonValueKind.String
                ? requested.GetString()!
                : config.ModelAlias;
            var order = behavior.Current.ShuffleEmbeddings ? FakeEmbedding.ShuffledOrder(vectors.Length) : null;
            await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
            {
                // format_embeddings_response_oaicompat's order: model, object, usage, data[{embedding, index, object}].
                w.WriteStartObject();
                w.WriteString("model", model);
                w.WriteString("object", "list");
                w.WriteStartObject("usage");
                w.WriteNumber("prompt_tokens", promptTokens);
                w.WriteNumber("total_tokens", promptTokens);
                w.WriteEndObject();
                w.WriteStartArray("data");
                for (var position = 0; position < vectors.Length; position++)
                {
                    var index = order?[position] ?? position;
                    w.WriteStartObject();
                    FakeEmbedding.Write(w, "embedding", vectors[index], base64);
                    w.WriteNumber("index", index);
                    w.WriteString("object", "embedding");
                    if (base64)
                    {
                        w.WriteString("encoding_format", "base64");
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }
    }

    /// <summary>One prompt as the fake tokenises it: its words plus a BOS token; a token array as it is.</summary>
    private sealed record EmbeddingPrompt(string Text, string[] Words, int Tokens);

    /// <summary>
    /// tokenize_input_prompts: a string, a list of tokens (one prompt), or a list whose elements are
    /// strings or lists of tokens (one prompt each). An empty string counts 0 tokens (refused by the
    /// caller as llama-server does for a model without BOS, protocols §3.13).
    /// </summary>
    /// <returns>The prompts, or llama-server's message for a shape it rejects.</returns>
    private static (List<EmbeddingPrompt> Prompts, string? Error) TokenizePrompts(JsonElement input)
    {
        var prompts = new List<EmbeddingPrompt>();
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                prompts.Add(Text(input.GetString()!));
                return (prompts, null);
            case JsonValueKind.Array when IsTokenList(input):
                prompts.Add(Tokens(input));
                return (prompts, null);
            case JsonValueKind.Array:
                foreach (var element in input.EnumerateArray())
                {
                    if (element.ValueKind == JsonValueKind.String)
                    {
                        prompts.Add(Text(element.GetString()!));
                    }
                    else if (element.ValueKind == JsonValueKind.Array && IsTokenList(element))
                    {
                        prompts.Add(Tokens(element));
                    }
                    else
                    {
                        return (prompts, "element of \"prompt\" must be a string, a list of tokens, or a list of mixed strings & tokens");
                    }
                }

                return (prompts, null);
            default:
                return (prompts, "\"prompt\" must be a string, a list of tokens, a list of mixed strings & tokens, or a list of prompts");
        }

        static EmbeddingPrompt Text(string text)
        {
            var words = FakeEmbedding.Words(text);
            return new EmbeddingPrompt(text, words, text.Length == 0 ? 0 : words.Length + 1);
        }

        static EmbeddingPrompt Tokens(JsonElement array)
        {
            var words = new string[array.GetArrayLength()];
            var i = 0;
            foreach (var token in array.EnumerateArray())
            {
                words[i++] = "t" + token.GetRawText();
            }

            return new EmbeddingPrompt(string.Join(' ', words), words, words.Length);
        }

        static bool IsTokenList(JsonElement array)
        {
            if (array.GetArrayLength() == 0)
            {
                return false;
            }

            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out _))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
