using System;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers.OpenAI;

/// <summary>
/// A fake OpenAI API for embeddings (reference/protocols.md §4) under <c>/openai/v1/</c>, beside the
/// Ollama and OpenRouter routes on the same port: point <c>ALLY_OPENAI_BASE_URL</c> at
/// <c>http://127.0.0.1:PORT/openai/v1</c>. Bearer keys, OpenAI's error shape
/// <c>{"error":{"message","type","param","code"}}</c>, the embedding models and their limits.
/// Split over partial files: routes, key check, config and errors here, <c>POST /embeddings</c> in
/// <c>FakeOpenAI.Embeddings.cs</c>.
/// </summary>
internal sealed partial class FakeOpenAI(BehaviorStore behavior, CancellationToken stopping) : IFakeProvider
{
    /// <summary>Where the API lives, standing in for https://api.openai.com/v1.</summary>
    public const string BasePath = "/openai/v1";

    private const string EmbeddingsPath = BasePath + "/embeddings";
    private const string ModelsPath = BasePath + "/models";

    /// <summary>OpenAI answers every JSON body with this content type.</summary>
    private const string JsonContentType = "application/json";

    private const string ApiReference = "https://platform.openai.com/docs/api-reference";

    private readonly object _gate = new();
    private OpenAIConfig _config = OpenAIConfig.Default;

    /// <summary>The account the fake pretends to serve (<c>/_fake/openai/config</c>).</summary>
    private sealed record OpenAIConfig
    {
        public static readonly OpenAIConfig Default = new();

        /// <summary>The one key accepted; <c>null</c>: any key that starts with <c>sk-</c>.</summary>
        public string? ApiKey { get; init; }
    }

    /// <summary>An embedding model the fake serves: its native vector size and whether it can shorten it (<c>dimensions</c>).</summary>
    private sealed record EmbeddingModel(string Id, int Dimensions, long Created, bool Shortens);

    /// <summary>protocols §4.1: the models' native sizes; only the <c>text-embedding-3</c> models take <c>dimensions</c>.</summary>
    private static readonly EmbeddingModel[] Models =
    [
        new("text-embedding-3-small", 1536, 1705948997, Shortens: true),
        new("text-embedding-3-large", 3072, 1705953180, Shortens: true),
        new("text-embedding-ada-002", 1536, 1671217299, Shortens: false),
    ];

    private OpenAIConfig Config
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
        routes.MapPost(EmbeddingsPath, context => GuardAsync(context, requireKey: true, () => EmbeddingsAsync(context)));
        routes.MapGet(ModelsPath, context => GuardAsync(context, requireKey: true, () => ListModelsAsync(context)));
        // Any other path under the prefix, or a known path with another method: OpenAI's 404 for a URL it does not serve.
        routes.Map(BasePath + "/{**rest}", context => GuardAsync(context, requireKey: false, () => WriteErrorAsync(context,
            StatusCodes.Status404NotFound,
            $"Invalid URL ({context.Request.Method} {context.Request.Path.Value?[(BasePath.Length - "/v1".Length)..]})",
            "invalid_request_error")));
    }

    public void MapControl(IEndpointRouteBuilder control)
    {
        Control.MapConfig(control, "/openai/config", WriteConfigAsync, ApplyConfig);
    }

    public void Reset()
    {
        lock (_gate)
        {
            _config = OpenAIConfig.Default;
        }
    }

    /// <summary>
    /// What every route honours before its own work: the response delay, the API key (OpenAI checks
    /// it before anything else), then a queued <c>failNext</c> entry for the path — a 429 is a
    /// limit of the key's organisation. A client that leaves mid-request ends it quietly.
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

            if (requireKey && !await AuthorizeAsync(context).ConfigureAwait(false))
            {
                return;
            }

            if (await ConnectionFaults.TryFailAsync(context, behavior, context.Request.Path.Value ?? "/",
                    failure => WriteFailureAsync(context, failure)).ConfigureAwait(false))
            {
                return;
            }

            await endpoint().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException &&
                                   (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested))
        {
            // The client disconnected or the fake is stopping.
        }
    }

    /// <summary>
    /// <c>Authorization: Bearer KEY</c> (protocols §4.1). Without one, OpenAI's "You didn't provide an
    /// API key" (<c>code: null</c>); with a key that is not accepted, "Incorrect API key provided"
    /// (<c>code: "invalid_api_key"</c>, §4.3) naming the key masked as OpenAI masks it. Writes the 401 itself.
    /// </summary>
    private async Task<bool> AuthorizeAsync(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        var key = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : string.Empty;
        if (key.Length == 0)
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
                "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
                "from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
                "invalid_request_error").ConfigureAwait(false);
            return false;
        }

        var accepted = Config.ApiKey is { } only
            ? string.Equals(key, only, StringComparison.Ordinal)
            : key.StartsWith("sk-", StringComparison.Ordinal);
        if (accepted)
        {
            return true;
        }

        await WriteErrorAsync(context, StatusCodes.Status401Unauthorized,
            $"Incorrect API key provided: {MaskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error", "invalid_api_key").ConfigureAwait(false);
        return false;
    }

    /// <summary>How OpenAI shows a rejected key: its first 8 and last 4 characters, the rest as asterisks (short keys whole).</summary>
    private static string MaskKey(string key) =>
        key.Length <= 12 ? key : key[..8] + new string('*', key.Length - 12) + key[^4..];

    /// <summary>
    /// A queued <c>failNext</c> status entry in OpenAI's words: a 429 is a rate limit
    /// (<c>type: "requests"</c>, <c>code: "rate_limit_exceeded"</c>) or, with <c>code:"insufficient_quota"</c>,
    /// the spent quota (§4.3); other statuses get OpenAI's text and type for them. The entry's
    /// <c>error</c> replaces the message, its <c>code</c> the code.
    /// </summary>
    private async Task WriteFailureAsync(HttpContext context, FailNextEntry failure)
    {
        var status = failure.Status;
        string message;
        string type;
        var code = failure.Code;
        if (status == StatusCodes.Status429TooManyRequests && code == "insufficient_quota")
        {
            message = "You exceeded your current quota, please check your plan and billing details. For more information on this error, " +
                      "read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.";
            type = "insufficient_quota";
        }
        else if (status == StatusCodes.Status429TooManyRequests)
        {
            var model = await RequestedModelAsync(context).ConfigureAwait(false) ?? Models[0].Id;
            var wait = failure.RetryAfter is { } seconds ? seconds.ToString(CultureInfo.InvariantCulture) + "s" : "20ms";
            message = $"Rate limit reached for {model} in organization org-allyfake000000000000000000 on requests per min (RPM): " +
                      $"Limit 3000, Used 3000, Requested 1. Please try again in {wait}. Visit https://platform.openai.com/account/rate-limits to learn more.";
            type = "requests";
            code ??= "rate_limit_exceeded";
        }
        else
        {
            (message, type) = status switch
            {
                400 => ("Bad request.", "invalid_request_error"),
                401 => ("Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error"),
                403 => ("Country, region, or territory not supported", "request_forbidden"),
                404 => ("Not found.", "invalid_request_error"),
                503 => ("The engine is currently overloaded, please try again later.", "server_error"),
                >= 500 => ("The server had an error while processing your request. Sorry about that!", "server_error"),
                _ => ("The request failed.", "invalid_request_error"),
            };
            code ??= status switch
            {
                401 => "invalid_api_key",
                403 => "unsupported_country_region_territory",
                _ => null,
            };
        }

        await WriteErrorAsync(context, status, failure.Message ?? message, type, code, retryAfter: failure.RetryAfter).ConfigureAwait(false);
    }

    /// <summary>The <c>model</c> a request body names, if it is JSON with a string <c>model</c> (for a rate-limit message).</summary>
    private static async Task<string?> RequestedModelAsync(HttpContext context)
    {
        var body = await RequestRecorder.ReadBodyAsync(context).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
                ? model.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// OpenAI's error (protocols §4.3): <c>{"error":{"message","type","param","code"}}</c>, all four
    /// keys present, <c>param</c> and <c>code</c> <c>null</c> unless given.
    /// </summary>
    private static Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? code = null,
        string? param = null, int? retryAfter = null)
    {
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return FakeJson.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            if (param is null) w.WriteNull("param"); else w.WriteString("param", param);
            if (code is null) w.WriteNull("code"); else w.WriteString("code", code);
            w.WriteEndObject();
            w.WriteEndObject();
        }, JsonContentType);
    }

    /// <summary>The answer OpenAI's schema validator gives for a field it rejects: <c>'$.input' is invalid. …</c></summary>
    private static Task WriteInvalidFieldAsync(HttpContext context, string field) =>
        WriteErrorAsync(context, StatusCodes.Status400BadRequest,
            $"'$.{field}' is invalid. Please check the API reference: {ApiReference}.", "invalid_request_error");

    /// <summary><c>GET /models</c>: OpenAI's list shape, the embedding models this fake serves.</summary>
    private static Task ListModelsAsync(HttpContext context) =>
        FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var model in Models)
            {
                w.WriteStartObject();
                w.WriteString("id", model.Id);
                w.WriteString("object", "model");
                w.WriteNumber("created", model.Created);
                w.WriteString("owned_by", "system");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, JsonContentType);

    /// <summary>Merges a <c>POST /_fake/openai/config</c> body: absent fields keep their value, <c>null</c> resets one.</summary>
    /// <returns><c>null</c> on success, else the message for the 400 (nothing is changed then).</returns>
    private string? ApplyConfig(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return "the OpenAI config must be a JSON object";
        }

        lock (_gate)
        {
            var next = _config;
            foreach (var property in body.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "apiKey":
                        if (value.ValueKind == JsonValueKind.Null) next = next with { ApiKey = null };
                        else if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0) next = next with { ApiKey = value.GetString() };
                        else return "apiKey must be a non-empty string or null";
                        break;
                    default:
                        return $"unknown OpenAI config field '{property.Name}' (known: apiKey)";
                }
            }

            _config = next;
            return null;
        }
    }

    /// <summary>The config in the shape <c>POST /_fake/openai/config</c> accepts.</summary>
    private Task WriteConfigAsync(HttpContext context)
    {
        var config = Config;
        return FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            if (config.ApiKey is null) w.WriteNull("apiKey"); else w.WriteString("apiKey", config.ApiKey);
            w.WriteEndObject();
        });
    }
}
