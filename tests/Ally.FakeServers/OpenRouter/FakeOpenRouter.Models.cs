using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers.OpenRouter;

/// <summary>
/// The model catalog: <c>GET /api/v1/models</c> (protocols §3.7; openapi.yaml <c>/models</c>). No key
/// is needed. Prices are strings in US dollars per token; <c>context_length</c> may be null; the
/// <c>supported_parameters</c> and <c>output_modalities</c> query filters and opt-in
/// <c>offset</c>/<c>limit</c> pagination work as documented. <c>failNext</c> entries with the path
/// <c>/api/v1/models</c> and <c>responseDelayMs</c> apply here too.
/// Control: <c>GET|PUT /_fake/openrouter/models</c> reads or replaces the catalog (an array of model
/// objects, served verbatim).
/// </summary>
internal sealed partial class FakeOpenRouter
{
    private const string ModelsPath = BasePath + "/models";
    private readonly object _catalogGate = new();
    private List<JsonElement> _catalog = DefaultModelCatalog();

    private void MapModelRoutes(IEndpointRouteBuilder routes) =>
        routes.MapGet(ModelsPath, ListModelsAsync);

    private void MapModelControl(IEndpointRouteBuilder control)
    {
        control.MapGet("/openrouter/models", context => WriteCatalogAsync(context, Catalog(), null));
        control.MapPut("/openrouter/models", async context =>
        {
            using var document = await Control.ReadJsonAsync(context).ConfigureAwait(false);
            if (document is null)
            {
                return;
            }

            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.Object ||
                    !m.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String))
            {
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                    "PUT /_fake/openrouter/models takes a JSON array of model objects, each with a string \"id\"").ConfigureAwait(false);
                return;
            }

            lock (_catalogGate)
            {
                _catalog = root.EnumerateArray().Select(m => m.Clone()).ToList();
            }

            await WriteCatalogAsync(context, Catalog(), null).ConfigureAwait(false);
        });
    }

    private void ResetModels()
    {
        lock (_catalogGate)
        {
            _catalog = DefaultModelCatalog();
        }
    }

    private List<JsonElement> Catalog()
    {
        lock (_catalogGate)
        {
            return _catalog;
        }
    }

    private async Task ListModelsAsync(HttpContext context)
    {
        try
        {
            var delay = Behavior.Current.ResponseDelayMs;
            if (delay > 0)
            {
                await FakeDelay.AtLeastAsync(delay, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (await ConnectionFaults.TryFailAsync(context, Behavior, ModelsPath,
                failure => WriteOpenRouterErrorAsync(context, failure.Status, failure.Error, failure.RetryAfter)).ConfigureAwait(false))
        {
            return;
        }

        var query = context.Request.Query;
        IEnumerable<JsonElement> models = Catalog();

        // output_modalities: text (default), image, audio, embeddings, a comma list, or all.
        var modalities = query["output_modalities"].ToString();
        var wanted = modalities.Length == 0 ? ["text"] : modalities.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!wanted.Contains("all", StringComparer.OrdinalIgnoreCase))
        {
            models = models.Where(m => Strings(m, "architecture", "output_modalities").Intersect(wanted, StringComparer.OrdinalIgnoreCase).Any());
        }

        // supported_parameters=tools,response_format: models supporting every one of them.
        var parameters = query["supported_parameters"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parameters.Length > 0)
        {
            models = models.Where(m => parameters.All(p => Strings(m, null, "supported_parameters").Contains(p, StringComparer.OrdinalIgnoreCase)));
        }

        var all = models.ToList();
        string? next = null;
        if (query.ContainsKey("offset") || query.ContainsKey("limit"))
        {
            if (!TryGetCount(query["offset"].ToString(), 0, 0, int.MaxValue, out var offset) ||
                !TryGetCount(query["limit"].ToString(), 1000, 1, 1000, out var limit))
            {
                await WriteOpenRouterErrorAsync(context, StatusCodes.Status400BadRequest, "offset must be >= 0 and limit between 1 and 1000")
                    .ConfigureAwait(false);
                return;
            }

            var total = all.Count;
            all = all.Skip(offset).Take(limit).ToList();
            if (offset + limit < total)
            {
                next = $"{ModelsPath}?offset={(offset + limit).ToString(CultureInfo.InvariantCulture)}&limit={limit.ToString(CultureInfo.InvariantCulture)}";
            }

            await WriteCatalogAsync(context, all, total, next).ConfigureAwait(false);
            return;
        }

        await WriteCatalogAsync(context, all, all.Count, next).ConfigureAwait(false);

        static bool TryGetCount(string text, int absent, int min, int max, out int value)
        {
            value = absent;
            return text.Length == 0 ||
                   int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
        }
    }

    private static Task WriteCatalogAsync(HttpContext context, IReadOnlyList<JsonElement> models, int? total, string? next = null) =>
        FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            if (total is null)
            {
                // Control answer: the bare array, as PUT takes it.
                w.WriteStartArray();
                foreach (var model in models)
                {
                    model.WriteTo(w);
                }

                w.WriteEndArray();
                return;
            }

            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var model in models)
            {
                model.WriteTo(w);
            }

            w.WriteEndArray();
            w.WriteNumber("total_count", total.Value);
            w.WriteStartObject("links");
            if (next is null)
            {
                w.WriteNull("next");
            }
            else
            {
                w.WriteString("next", next);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }, "application/json");

    /// <summary>OpenRouter's error shape: <c>{"error":{"code":N,"message":"…"}}</c>.</summary>
    private static Task WriteOpenRouterErrorAsync(HttpContext context, int status, string message) =>
        FakeJson.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", status);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndObject();
        }, "application/json");

    private static IEnumerable<string> Strings(JsonElement model, string? parent, string name)
    {
        var holder = model;
        if (parent is not null && !(model.TryGetProperty(parent, out holder) && holder.ValueKind == JsonValueKind.Object))
        {
            return [];
        }

        return holder.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
            : [];
    }

    /// <summary>One catalog entry; prices are US dollars per token, as strings, as the API sends them.</summary>
    private sealed record CatalogModel(
        string Id,
        string Name,
        long Created,
        string Description,
        int? ContextLength,
        string[] Inputs,
        string[] Outputs,
        string Tokenizer,
        string Prompt,
        string Completion,
        int? MaxCompletionTokens,
        bool Moderated,
        string[] Parameters);

    private static readonly string[] OpenAiParameters =
        ["tools", "tool_choice", "max_tokens", "temperature", "top_p", "stop", "frequency_penalty", "presence_penalty", "seed", "response_format", "structured_outputs"];

    private static readonly string[] AnthropicParameters = ["tools", "tool_choice", "max_tokens", "temperature", "top_p", "stop"];

    private static readonly string[] BasicParameters = ["max_tokens", "temperature", "top_p", "stop", "frequency_penalty", "presence_penalty", "seed"];

    /// <summary>
    /// The docs' recommended OpenRouter models plus a few that exercise the odd corners: a model
    /// whose context length is unknown (null), a free one (prices "0"), the auto router (prices
    /// "-1": decided per request) and an embeddings model the default text filter leaves out.
    /// </summary>
    private static List<JsonElement> DefaultModelCatalog() => new CatalogModel[]
    {
        new("openai/gpt-4", "OpenAI: GPT-4", 1685232000, "OpenAI's flagship model, GPT-4 is a large-scale multimodal language model capable of solving difficult problems with greater accuracy than previous models.",
            8191, ["text"], ["text"], "GPT", "0.00003", "0.00006", 4096, true, OpenAiParameters),
        new("openai/gpt-4-turbo", "OpenAI: GPT-4 Turbo", 1712620800, "The latest GPT-4 Turbo model with vision capabilities.",
            128000, ["text", "image"], ["text"], "GPT", "0.00001", "0.00003", 4096, true, OpenAiParameters),
        new("openai/gpt-4o", "OpenAI: GPT-4o", 1715558400, "GPT-4o (\"o\" for \"omni\") is OpenAI's latest AI model, supporting both text and image inputs with text outputs.",
            128000, ["text", "image", "file"], ["text"], "GPT", "0.0000025", "0.00001", 16384, true, OpenAiParameters),
        new("anthropic/claude-3-opus", "Anthropic: Claude 3 Opus", 1709596800, "Claude 3 Opus is Anthropic's most powerful model for highly complex tasks.",
            200000, ["text", "image"], ["text"], "Claude", "0.000015", "0.000075", 4096, true, AnthropicParameters),
        new("anthropic/claude-3-sonnet", "Anthropic: Claude 3 Sonnet", 1709596800, "Claude 3 Sonnet is an ideal balance of intelligence and speed for enterprise workloads.",
            200000, ["text", "image"], ["text"], "Claude", "0.000003", "0.000015", 4096, true, AnthropicParameters),
        new("anthropic/claude-3-haiku", "Anthropic: Claude 3 Haiku", 1710288000, "Claude 3 Haiku is Anthropic's fastest and most compact model for near-instant responsiveness.",
            200000, ["text", "image"], ["text"], "Claude", "0.00000025", "0.00000125", 4096, true, AnthropicParameters),
        new("openai/gpt-3.5-turbo", "OpenAI: GPT-3.5 Turbo", 1685232000, "GPT-3.5 Turbo is OpenAI's fastest model.",
            16385, ["text"], ["text"], "GPT", "0.0000005", "0.0000015", 4096, true, OpenAiParameters),
        new("mistralai/mistral-large", "Mistral Large", 1708905600, "Mistral's flagship model, with strong multilingual reasoning.",
            128000, ["text"], ["text"], "Mistral", "0.000002", "0.000006", null, false, ["tools", "tool_choice", "max_tokens", "temperature", "top_p", "stop", "seed", "response_format"]),
        new("google/gemini-pro", "Google: Gemini Pro 1.0", 1702425600, "Google's flagship text generation model.",
            32760, ["text"], ["text"], "Gemini", "0.0000005", "0.0000015", 8192, false, ["tools", "tool_choice", "max_tokens", "temperature", "top_p", "stop"]),
        new("meta-llama/llama-3.1-405b", "Meta: Llama 3.1 405B (base)", 1722556800, "Meta's largest open model, the pre-trained base version.",
            32768, ["text"], ["text"], "Llama3", "0.000002", "0.000002", null, false, BasicParameters),
        new("meta-llama/llama-3.2-3b-instruct:free", "Meta: Llama 3.2 3B Instruct (free)", 1727222400, "A free, rate-limited variant of Llama 3.2 3B Instruct.",
            131072, ["text"], ["text"], "Llama3", "0", "0", null, false, BasicParameters),
        new("nousresearch/hermes-3-llama-3.1-405b", "Nous: Hermes 3 405B Instruct", 1723766400, "Hermes 3 is a generalist language model; its context length is not published.",
            null, ["text"], ["text"], "Llama3", "0.0000008", "0.0000008", null, false, BasicParameters),
        new("openrouter/auto", "Auto Router", 1699401600, "Your prompt will be processed by a meta-model and routed to one of dozens of models.",
            2000000, ["text", "image"], ["text"], "Router", "-1", "-1", null, false, ["tools", "tool_choice", "max_tokens", "temperature", "response_format"]),
        new("openai/text-embedding-3-small", "OpenAI: Text Embedding 3 Small", 1705968000, "An embeddings model.",
            8192, ["text"], ["embeddings"], "GPT", "0.00000002", "0", null, false, []),
    }.Select(ToJson).ToList();

    /// <summary>The model object in the field order of the openapi.yaml <c>Model</c> example.</summary>
    private static JsonElement ToJson(CatalogModel m)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, FakeJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("id", m.Id);
            w.WriteString("canonical_slug", m.Id);
            w.WriteString("name", m.Name);
            w.WriteNumber("created", m.Created);
            w.WriteString("description", m.Description);
            WriteNullableInt(w, "context_length", m.ContextLength);
            w.WriteStartObject("architecture");
            WriteArray(w, "input_modalities", m.Inputs);
            WriteArray(w, "output_modalities", m.Outputs);
            w.WriteString("modality", string.Join('+', m.Inputs) + "->" + string.Join('+', m.Outputs));
            w.WriteString("tokenizer", m.Tokenizer);
            w.WriteNull("instruct_type");
            w.WriteEndObject();
            w.WriteStartObject("pricing");
            w.WriteString("prompt", m.Prompt);
            w.WriteString("completion", m.Completion);
            w.WriteString("image", "0");
            w.WriteString("request", "0");
            w.WriteEndObject();
            w.WriteStartObject("top_provider");
            WriteNullableInt(w, "context_length", m.ContextLength);
            WriteNullableInt(w, "max_completion_tokens", m.MaxCompletionTokens);
            w.WriteBoolean("is_moderated", m.Moderated);
            w.WriteEndObject();
            w.WriteNull("per_request_limits");
            WriteArray(w, "supported_parameters", m.Parameters);
            w.WriteNull("default_parameters");
            w.WriteNull("expiration_date");
            w.WriteNull("knowledge_cutoff");
            w.WriteStartObject("links");
            w.WriteString("details", $"{BasePath}/models/{m.Id}/endpoints");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();

        static void WriteNullableInt(Utf8JsonWriter w, string name, int? value)
        {
            if (value is int v)
            {
                w.WriteNumber(name, v);
            }
            else
            {
                w.WriteNull(name);
            }
        }

        static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
        {
            w.WriteStartArray(name);
            foreach (var value in values)
            {
                w.WriteStringValue(value);
            }

            w.WriteEndArray();
        }
    }
}
