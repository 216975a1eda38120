using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers.LlamaCpp;

/// <summary>
/// A fake llama.cpp server (<c>llama-server</c>, 2025/2026 versions) as reference/protocols.md §3.13
/// describes it: <c>/health</c>, <c>/v1/models</c> (OpenAI's <c>data</c> beside an Ollama-like
/// <c>models</c> array), OpenAI-compatible <c>/v1/chat/completions</c> that ignores the requested
/// model, <c>/v1/embeddings</c>, errors in OpenAI's shape with llama.cpp's <c>code</c>/<c>type</c>, an optional API key,
/// and a connection closed after every streamed answer. It runs alone in the <c>llamacpp</c>
/// flavor of the fake (<c>--flavor llamacpp</c>), where every other path, Ollama's included,
/// answers llama.cpp's JSON 404. Split over partial files: routes, config and errors here, chat
/// completions in <c>FakeLlamaCpp.Chat.cs</c>, embeddings in <c>FakeLlamaCpp.Embeddings.cs</c>.
/// </summary>
internal sealed partial class FakeLlamaCpp(BehaviorStore behavior, CancellationToken stopping) : IFakeProvider
{
    /// <summary>What the server calls its model when no alias is configured (the GGUF file name).</summary>
    public const string DefaultModelAlias = "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf";

    /// <summary>The chat path a <c>failNext</c> entry without <c>path</c> applies to in this flavor.</summary>
    public const string ChatPath = "/v1/chat/completions";

    /// <summary>llama-server's build tag, as it reports it in <c>system_fingerprint</c>.</summary>
    private const string SystemFingerprint = "b6000-abcdef0";

    /// <summary>nlohmann::json's text; llama-server sends every JSON answer with it.</summary>
    private const string JsonContentType = "application/json; charset=utf-8";

    private readonly object _gate = new();
    private LlamaCppConfig _config = LlamaCppConfig.Default;

    /// <summary>The llama.cpp flavor's behaviour defaults: the connection closes after each streamed answer.</summary>
    public static FakeBehavior DefaultBehavior { get; } = FakeBehavior.Default with { CloseAfterStream = true };

    /// <summary>How the fake server is set up (<c>/_fake/llamacpp/config</c>), like llama-server's command line.</summary>
    private sealed record LlamaCppConfig
    {
        public static readonly LlamaCppConfig Default = new();

        /// <summary><c>--api-key</c>: when set, every route but <c>/health</c> wants it.</summary>
        public string? ApiKey { get; init; }

        /// <summary><c>--ctx-size</c>: prompts of this many tokens or more are refused.</summary>
        public int ContextSize { get; init; } = 4096;

        /// <summary>Newer servers send usage in every stream, not only with <c>stream_options.include_usage</c>.</summary>
        public bool UsageAlways { get; init; }

        /// <summary><c>last</c>: usage rides on the chunk with <c>finish_reason</c>; <c>separate</c>: an extra chunk with <c>"choices":[]</c>.</summary>
        public string UsageChunk { get; init; } = "last";

        /// <summary>Stream first a chunk <c>{"role":"assistant","content":null}</c> (off: the first chunk has no role).</summary>
        public bool FirstChunkRole { get; init; }

        /// <summary><c>--alias</c>: the model name every answer and <c>/v1/models</c> report.</summary>
        public string ModelAlias { get; init; } = DefaultModelAlias;

        /// <summary><c>--embeddings</c>: <c>/v1/embeddings</c> is served (off: 501 <c>not_supported_error</c>).</summary>
        public bool Embeddings { get; init; } = true;

        /// <summary><c>--ubatch-size</c>: an embedding input of more tokens fails (500 "input (N tokens) is too large to process").</summary>
        public int BatchSize { get; init; } = 512;
    }

    private LlamaCppConfig Config
    {
        get
        {
            lock (_gate)
            {
                return _config;
            }
        }
    }

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        // cpp-httplib answers HEAD for every GET route.
        routes.MapMethods("/health", [HttpMethods.Get, HttpMethods.Head], context =>
            GuardAsync(context, requireKey: false, () => WriteJsonAsync(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("status", "ok");
                w.WriteEndObject();
            })));
        routes.MapMethods("/v1/models", [HttpMethods.Get, HttpMethods.Head], context => GuardAsync(context, requireKey: true, () => ModelsAsync(context)));
        routes.MapMethods("/models", [HttpMethods.Get, HttpMethods.Head], context => GuardAsync(context, requireKey: true, () => ModelsAsync(context)));
        routes.MapPost(ChatPath, context => GuardAsync(context, requireKey: true, () => ChatCompletionsAsync(context)));
        routes.MapPost("/chat/completions", context => GuardAsync(context, requireKey: true, () => ChatCompletionsAsync(context)));
        routes.MapPost(EmbeddingsPath, context => GuardAsync(context, requireKey: true, () => EmbeddingsAsync(context)));
    }

    public void MapControl(IEndpointRouteBuilder control)
    {
        Control.MapConfig(control, "/llamacpp/config", WriteConfigAsync, ApplyConfig);
    }

    public void Reset()
    {
        lock (_gate)
        {
            _config = LlamaCppConfig.Default;
        }
    }

    /// <summary>
    /// Every path without a route (Ollama's <c>/api/*</c> included, and known paths with another
    /// method): llama-server's 404. A queued <c>failNext</c> for the path still applies first, as a
    /// proxy or a dropped connection does not care whether the server knows the path.
    /// </summary>
    public async Task NotFoundAsync(HttpContext context)
    {
        try
        {
            if (await ConnectionFaults.TryFailAsync(context, behavior, context.Request.Path.Value ?? "/",
                    failure => WriteErrorAsync(context, failure.Status, failure.Error, retryAfter: failure.RetryAfter)).ConfigureAwait(false))
            {
                return;
            }

            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "File Not Found").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException && IsGone(context))
        {
            // The client went away.
        }
    }

    /// <summary>
    /// What every route honours before its own work: the response delay, a queued <c>failNext</c>
    /// entry for the path (a proxy's page or a dropped connection comes before any key check), then
    /// the API key. A client that leaves mid-request ends it quietly.
    /// </summary>
    private async Task GuardAsync(HttpContext context, bool requireKey, Func<Task> endpoint)
    {
        try
        {
            var delay = behavior.Current.ResponseDelayMs;
            if (delay > 0)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
                await FakeDelay.AtLeastAsync(delay, linked.Token).ConfigureAwait(false);
            }

            if (await ConnectionFaults.TryFailAsync(context, behavior, context.Request.Path.Value ?? "/",
                    failure => WriteErrorAsync(context, failure.Status, failure.Error, retryAfter: failure.RetryAfter)).ConfigureAwait(false))
            {
                return;
            }

            if (requireKey && !IsAuthorized(context.Request, Config.ApiKey))
            {
                await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Invalid API Key").ConfigureAwait(false);
                return;
            }

            await endpoint().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException && IsGone(context))
        {
            // The client disconnected or the fake is stopping.
        }
    }

    private bool IsGone(HttpContext context) => context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested;

    /// <summary>llama-server's key check: <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>.</summary>
    private static bool IsAuthorized(HttpRequest request, string? apiKey)
    {
        if (apiKey is null)
        {
            return true;
        }

        string? authorization = request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) &&
            string.Equals(authorization["Bearer ".Length..], apiKey, StringComparison.Ordinal))
        {
            return true;
        }

        return string.Equals(request.Headers["X-Api-Key"].ToString(), apiKey, StringComparison.Ordinal);
    }

    /// <summary>The <c>type</c> llama-server gives an error of this status (its <c>error_type</c> enum).</summary>
    private static string ErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        501 => "not_supported_error",
        503 => "unavailable_error",
        _ => "server_error",
    };

    /// <summary>
    /// llama-server's error: OpenAI's <c>{"error":{…}}</c> with a numeric <c>code</c> (= the status),
    /// <c>message</c> and <c>type</c>, plus any extra fields (<c>n_prompt_tokens</c>, <c>n_ctx</c>).
    /// </summary>
    private static Task WriteErrorAsync(HttpContext context, int status, string message, string? type = null,
        Action<Utf8JsonWriter>? extra = null, int? retryAfter = null)
    {
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteJsonAsync(context, status, w =>
        {
            w.WriteStartObject();
            WriteErrorObject(w, status, message, type ?? ErrorType(status), extra);
            w.WriteEndObject();
        });
    }

    private static void WriteErrorObject(Utf8JsonWriter w, int status, string message, string type, Action<Utf8JsonWriter>? extra = null)
    {
        w.WriteStartObject("error");
        w.WriteNumber("code", status);
        w.WriteString("message", message);
        w.WriteString("type", type);
        extra?.Invoke(w);
        w.WriteEndObject();
    }

    private static Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write) =>
        FakeJson.WriteAsync(context, status, write, JsonContentType);

    /// <summary>
    /// <c>GET /v1/models</c>: an Ollama-like <c>models</c> array (mostly empty strings, as the server
    /// fills it) beside OpenAI's <c>data</c> list with llama.cpp's <c>meta</c> of the loaded GGUF.
    /// </summary>
    private Task ModelsAsync(HttpContext context)
    {
        var alias = Config.ModelAlias;
        return WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("models");
            w.WriteStartObject();
            w.WriteString("name", alias);
            w.WriteString("model", alias);
            w.WriteString("modified_at", string.Empty);
            w.WriteString("size", string.Empty);
            w.WriteString("digest", string.Empty);
            w.WriteString("type", "model");
            w.WriteString("description", string.Empty);
            w.WriteStartArray("tags");
            w.WriteStringValue(string.Empty);
            w.WriteEndArray();
            w.WriteStartArray("capabilities");
            w.WriteStringValue("completion");
            w.WriteEndArray();
            w.WriteString("parameters", string.Empty);
            w.WriteStartObject("details");
            w.WriteString("parent_model", string.Empty);
            w.WriteString("format", "gguf");
            w.WriteString("family", string.Empty);
            w.WriteStartArray("families");
            w.WriteStringValue(string.Empty);
            w.WriteEndArray();
            w.WriteString("parameter_size", string.Empty);
            w.WriteString("quantization_level", string.Empty);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            w.WriteStartObject();
            w.WriteString("id", alias);
            w.WriteString("object", "model");
            w.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            w.WriteString("owned_by", "llamacpp");
            w.WriteStartObject("meta");
            w.WriteNumber("vocab_type", 2);
            w.WriteNumber("n_vocab", 128256);
            w.WriteNumber("n_ctx_train", 131072);
            w.WriteNumber("n_embd", EmbeddingLength);
            w.WriteNumber("n_params", 8030261248);
            w.WriteNumber("size", 4920733696);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Merges a <c>POST /_fake/llamacpp/config</c> body: absent fields keep their value, <c>null</c> resets one.</summary>
    /// <returns><c>null</c> on success, else the message for the 400 (nothing is changed then).</returns>
    private string? ApplyConfig(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return "the llama.cpp config must be a JSON object";
        }

        lock (_gate)
        {
            var next = _config;
            var defaults = LlamaCppConfig.Default;
            foreach (var property in body.EnumerateObject())
            {
                var value = property.Value;
                var isNull = value.ValueKind == JsonValueKind.Null;
                switch (property.Name)
                {
                    case "apiKey":
                        if (isNull) next = next with { ApiKey = null };
                        else if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0) next = next with { ApiKey = value.GetString() };
                        else return "apiKey must be a non-empty string or null";
                        break;
                    case "contextSize":
                        if (isNull) next = next with { ContextSize = defaults.ContextSize };
                        else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var size) && size > 0) next = next with { ContextSize = size };
                        else return "contextSize must be a positive integer or null";
                        break;
                    case "usageAlways":
                        if (isNull) next = next with { UsageAlways = defaults.UsageAlways };
                        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) next = next with { UsageAlways = value.GetBoolean() };
                        else return "usageAlways must be true, false or null";
                        break;
                    case "usageChunk":
                        if (isNull) next = next with { UsageChunk = defaults.UsageChunk };
                        else if (value.ValueKind == JsonValueKind.String && value.GetString() is "last" or "separate") next = next with { UsageChunk = value.GetString()! };
                        else return "usageChunk must be \"last\", \"separate\" or null";
                        break;
                    case "firstChunkRole":
                        if (isNull) next = next with { FirstChunkRole = defaults.FirstChunkRole };
                        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) next = next with { FirstChunkRole = value.GetBoolean() };
                        else return "firstChunkRole must be true, false or null";
                        break;
                    case "modelAlias":
                        if (isNull) next = next with { ModelAlias = defaults.ModelAlias };
                        else if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0) next = next with { ModelAlias = value.GetString()! };
                        else return "modelAlias must be a non-empty string or null";
                        break;
                    case "embeddings":
                        if (isNull) next = next with { Embeddings = defaults.Embeddings };
                        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) next = next with { Embeddings = value.GetBoolean() };
                        else return "embeddings must be true, false or null";
                        break;
                    case "batchSize":
                        if (isNull) next = next with { BatchSize = defaults.BatchSize };
                        else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var batch) && batch > 0) next = next with { BatchSize = batch };
                        else return "batchSize must be a positive integer or null";
                        break;
                    default:
                        return $"unknown llama.cpp config field '{property.Name}' (known: apiKey, contextSize, usageAlways, usageChunk, firstChunkRole, modelAlias, embeddings, batchSize)";
                }
            }

            _config = next;
            return null;
        }
    }

    /// <summary>The config in the shape <c>POST /_fake/llamacpp/config</c> accepts.</summary>
    private Task WriteConfigAsync(HttpContext context)
    {
        var config = Config;
        return FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            if (config.ApiKey is null) w.WriteNull("apiKey"); else w.WriteString("apiKey", config.ApiKey);
            w.WriteNumber("contextSize", config.ContextSize);
            w.WriteBoolean("usageAlways", config.UsageAlways);
            w.WriteString("usageChunk", config.UsageChunk);
            w.WriteBoolean("firstChunkRole", config.FirstChunkRole);
            w.WriteString("modelAlias", config.ModelAlias);
            w.WriteBoolean("embeddings", config.Embeddings);
            w.WriteNumber("batchSize", config.BatchSize);
            w.WriteEndObject();
        });
    }
}
