using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers.OpenRouter;

// Chat completions (SSE) and key information: protocols §3.1–3.6, 3.8–3.10.
internal sealed partial class FakeOpenRouter
{
    /// <summary>The key the fake accepts until a test configures others.</summary>
    public const string DefaultKey = "sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef";

    private const string ChatPath = BasePath + "/chat/completions";
    private const string DefaultModel = "openai/gpt-4o";

    // Vendors whose vendor/model ids the fake serves; anything else is "not a valid model ID" (400).
    private static readonly HashSet<string> Vendors = new(StringComparer.Ordinal)
    {
        "openai", "anthropic", "google", "meta-llama", "mistralai", "qwen", "deepseek", "x-ai", "cohere", "microsoft", "nousresearch",
    };

    private static readonly Regex ModelIdPattern = new(@"^([a-z0-9][a-z0-9._-]*)/[A-Za-z0-9][A-Za-z0-9._:-]*$", RegexOptions.CultureInvariant);

    // Prices per token (USD), like a mid-range model; cost = prompt * in + completion * out.
    private const decimal PromptPrice = 0.0000025m;
    private const decimal CompletionPrice = 0.00001m;

    private readonly object _chatGate = new();
    private ChatConfig _config = ChatConfig.Default;

    /// <summary>What the fake's account looks like (<c>/_fake/openrouter/config</c>).</summary>
    private sealed record ChatConfig
    {
        public static readonly ChatConfig Default = new()
        {
            Keys = new Dictionary<string, KeyInfo>(StringComparer.Ordinal) { [DefaultKey] = KeyInfo.Default },
        };

        /// <summary>False: serve without any Authorization header (an OpenAI-compatible server without keys).</summary>
        public bool RequireKey { get; init; } = true;

        /// <summary>True: <c>/key</c> answers 404 and only the legacy <c>/auth/key</c> works.</summary>
        public bool LegacyKeyEndpoint { get; init; }

        /// <summary>True: SSE lines end in CRLF instead of LF.</summary>
        public bool Crlf { get; init; }

        public IReadOnlyDictionary<string, KeyInfo> Keys { get; init; } = new Dictionary<string, KeyInfo>();
    }

    /// <summary>One API key's account data, as <c>GET /api/v1/key</c> reports it.</summary>
    private sealed record KeyInfo(decimal? Limit, decimal? LimitRemaining, decimal Usage, bool IsFreeTier, int RateLimitRequests, string RateLimitInterval)
    {
        public static readonly KeyInfo Default = new(100m, 74.5m, 25.5m, false, 1000, "1h");
    }

    private void MapChatRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost(ChatPath, context => GuardAsync(context, () => ChatCompletionsAsync(context)));
        routes.MapGet(BasePath + "/key", context => GuardAsync(context, () => KeyAsync(context, legacy: false)));
        routes.MapGet(BasePath + "/auth/key", context => GuardAsync(context, () => KeyAsync(context, legacy: true)));
    }

    private void MapChatControl(IEndpointRouteBuilder control)
    {
        control.MapGet("/openrouter/config", WriteConfigAsync);
        control.MapPost("/openrouter/config", async context =>
        {
            var body = await RequestRecorder.ReadBodyAsync(context).ConfigureAwait(false);
            string? error = null;
            try
            {
                using var doc = JsonDocument.Parse(body);
                error = ApplyConfig(doc.RootElement);
            }
            catch (JsonException ex)
            {
                error = ex.Message;
            }

            if (error != null)
            {
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
                return;
            }

            await WriteConfigAsync(context).ConfigureAwait(false);
        });
    }

    private void ResetChat()
    {
        lock (_chatGate)
        {
            _config = ChatConfig.Default;
        }
    }

    private ChatConfig Config
    {
        get
        {
            lock (_chatGate)
            {
                return _config;
            }
        }
    }

    private string? ApplyConfig(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return "the config must be a JSON object";
        var next = Config;
        foreach (var p in body.EnumerateObject())
        {
            switch (p.Name)
            {
                case "requireKey" when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    next = next with { RequireKey = p.Value.GetBoolean() };
                    break;
                case "legacyKeyEndpoint" when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    next = next with { LegacyKeyEndpoint = p.Value.GetBoolean() };
                    break;
                case "crlf" when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    next = next with { Crlf = p.Value.GetBoolean() };
                    break;
                case "keys" when p.Value.ValueKind == JsonValueKind.Array:
                    var keys = new Dictionary<string, KeyInfo>(StringComparer.Ordinal);
                    foreach (var k in p.Value.EnumerateArray())
                    {
                        if (!k.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String) return "each key needs a \"key\" string";
                        keys[key.GetString()!] = new KeyInfo(
                            Decimal(k, "limit", KeyInfo.Default.Limit),
                            Decimal(k, "limit_remaining", KeyInfo.Default.LimitRemaining),
                            Decimal(k, "usage", KeyInfo.Default.Usage) ?? 0m,
                            k.TryGetProperty("is_free_tier", out var free) && free.ValueKind == JsonValueKind.True,
                            k.TryGetProperty("rate_limit_requests", out var rr) && rr.TryGetInt32(out var r) ? r : KeyInfo.Default.RateLimitRequests,
                            k.TryGetProperty("rate_limit_interval", out var ri) && ri.ValueKind == JsonValueKind.String ? ri.GetString()! : KeyInfo.Default.RateLimitInterval);
                    }

                    next = next with { Keys = keys };
                    break;
                default:
                    return $"unknown or mistyped OpenRouter config field '{p.Name}'";
            }
        }

        lock (_chatGate)
        {
            _config = next;
        }

        return null;

        static decimal? Decimal(JsonElement e, string name, decimal? fallback) =>
            !e.TryGetProperty(name, out var v) ? fallback : v.ValueKind == JsonValueKind.Null ? null : v.GetDecimal();
    }

    private Task WriteConfigAsync(HttpContext context)
    {
        var config = Config;
        return FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("requireKey", config.RequireKey);
            w.WriteBoolean("legacyKeyEndpoint", config.LegacyKeyEndpoint);
            w.WriteBoolean("crlf", config.Crlf);
            w.WriteNumber("keys", config.Keys.Count);
            w.WriteEndObject();
        });
    }

    /// <summary>Response delay and client disconnects, as for every route; queued failures are the chat route's own.</summary>
    private async Task GuardAsync(HttpContext context, Func<Task> endpoint)
    {
        try
        {
            var delay = Behavior.Current.ResponseDelayMs;
            if (delay > 0)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, Stopping);
                await FakeDelay.AtLeastAsync(delay, linked.Token).ConfigureAwait(false);
            }

            await endpoint().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException &&
                                   (context.RequestAborted.IsCancellationRequested || Stopping.IsCancellationRequested))
        {
            // The client went away: nothing left to say.
        }
    }

    /// <summary>Checks the Authorization header; writes the 401 and returns null when it fails.</summary>
    private async Task<(bool Ok, KeyInfo? Key)> AuthorizeAsync(HttpContext context)
    {
        var config = Config;
        string? header = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            if (!config.RequireKey) return (true, null);
            await WriteOpenRouterErrorAsync(context, 401, "Missing Authentication header").ConfigureAwait(false);
            return (false, null);
        }

        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : string.Empty;
        if (config.Keys.TryGetValue(token, out var info)) return (true, info);
        if (!config.RequireKey) return (true, null);
        await WriteOpenRouterErrorAsync(context, 401, "User not found.").ConfigureAwait(false);
        return (false, null);
    }

    private async Task KeyAsync(HttpContext context, bool legacy)
    {
        if (!legacy && Config.LegacyKeyEndpoint)
        {
            await WriteOpenRouterErrorAsync(context, 404, "Not Found").ConfigureAwait(false);
            return;
        }

        var (ok, info) = await AuthorizeAsync(context).ConfigureAwait(false);
        if (!ok) return;
        string token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        info ??= KeyInfo.Default;
        await FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("data");
            // OpenRouter's label shows only the ends of the key.
            w.WriteString("label", token.Length > 15 ? token[..11] + "..." + token[^3..] : "key");
            WriteDecimalOrNull(w, "limit", info.Limit);
            WriteDecimalOrNull(w, "limit_remaining", info.LimitRemaining);
            w.WriteString("limit_reset", "monthly");
            w.WriteBoolean("include_byok_in_limit", false);
            w.WriteNumber("usage", info.Usage);
            w.WriteNumber("usage_daily", info.Usage);
            w.WriteNumber("usage_weekly", info.Usage);
            w.WriteNumber("usage_monthly", info.Usage);
            w.WriteBoolean("is_free_tier", info.IsFreeTier);
            w.WriteBoolean("is_management_key", false);
            w.WriteStartObject("rate_limit");
            w.WriteString("interval", info.RateLimitInterval);
            w.WriteString("note", "This field is deprecated and safe to ignore.");
            w.WriteNumber("requests", info.RateLimitRequests);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteDecimalOrNull(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v) w.WriteNumber(name, v); else w.WriteNull(name);
    }

    /// <summary>OpenRouter's error shape: <c>{"error":{"code":N,"message":"…","metadata":{…}}}</c>, status = code.</summary>
    private static Task WriteOpenRouterErrorAsync(HttpContext context, int status, string message, int? retryAfter = null)
    {
        if (retryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return FakeJson.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", status);
            w.WriteString("message", message);
            switch (status)
            {
                case 403:
                    w.WriteStartObject("metadata");
                    w.WriteStartArray("reasons");
                    w.WriteStringValue("violence");
                    w.WriteEndArray();
                    w.WriteString("flagged_input", "…");
                    w.WriteString("provider_name", "OpenAI");
                    w.WriteString("model_slug", DefaultModel);
                    w.WriteEndObject();
                    break;
                case 429:
                    w.WriteStartObject("metadata");
                    w.WriteString("error_type", "rate_limit_exceeded");
                    w.WriteEndObject();
                    break;
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }, "application/json");
    }

    private async Task ChatCompletionsAsync(HttpContext context)
    {
        var (ok, key) = await AuthorizeAsync(context).ConfigureAwait(false);
        if (!ok) return;

        if (await ConnectionFaults.TryFailAsync(context, Behavior, ChatPath,
                failure => WriteOpenRouterErrorAsync(context, failure.Status, failure.Error, failure.RetryAfter)).ConfigureAwait(false))
        {
            return;
        }

        if (key is { LimitRemaining: <= 0m })
        {
            await WriteOpenRouterErrorAsync(context, 402, "Insufficient credits. Add more using https://openrouter.ai/credits").ConfigureAwait(false);
            return;
        }

        var body = await RequestRecorder.ReadBodyAsync(context).ConfigureAwait(false);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await WriteOpenRouterErrorAsync(context, 400, "Invalid JSON in request body").ConfigureAwait(false);
            return;
        }

        using (doc)
        {
            var root = doc.RootElement;
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : DefaultModel;
            var match = ModelIdPattern.Match(model);
            if (!match.Success || !Vendors.Contains(match.Groups[1].Value))
            {
                await WriteModelNotFoundAsync(context, model).ConfigureAwait(false);
                return;
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                await WriteOpenRouterErrorAsync(context, 400, "Input required: specify \"prompt\" or \"messages\"").ConfigureAwait(false);
                return;
            }

            // Routing first: with tools, only endpoints that support them qualify (the catalog's supported_parameters).
            var parameters = SupportedParameters(model);
            var hasTools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
            if (hasTools && parameters is not null && !parameters.Contains("tools"))
            {
                await WriteOpenRouterErrorAsync(context, 404, NoToolEndpoints).ConfigureAwait(false);
                return;
            }

            // Then the provider's (OpenAI's) checks of the conversation and of response_format.
            var invalid = CheckToolMessages(messages);
            var formatInvalid = ReadResponseFormat(root, parameters, out var output);
            if ((invalid ?? formatInvalid) is { } badRequest)
            {
                await WriteOpenRouterErrorAsync(context, 400, badRequest).ConfigureAwait(false);
                return;
            }

            var conversation = OpenAIMessages.Read(messages);
            var promptTokens = conversation.Sum(message => ReplyScript.CountWords(message.Content) + 1);
            var maxTokens = root.TryGetProperty("max_tokens", out var mt) && mt.TryGetInt32(out var max) ? max : 0;
            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var settings = Behavior.Current;
            var request = TurnRequest.From(conversation, OpenAIMessages.OffersTools(root), output);
            var turn = ModelTurn.Decide(settings, Behavior.TakeReply(), request);
            // Reasoning is streamed only when a test asks for it: which hosted models reason is the provider's business.
            var script = ReplyScript.Create(turn.Behavior, request.LastUserMessage, thinkingEnabled: !string.IsNullOrEmpty(turn.Behavior.Thinking), maxTokens);
            // A model cut off by the limit never got to its tool calls.
            var calls = script.HitTokenLimit ? null : turn.ToolCalls;
            var run = new Run(model, "gen-" + Guid.NewGuid().ToString("N")[..24], promptTokens, script, script.FaultFor(settings), settings.ChunkDelayMs,
                settings.CloseAfterStream, calls, calls?.Select(_ => ToolCallText.OpenAIId()).ToArray() ?? []);
            context.Response.Headers["X-Generation-Id"] = run.Id;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, Stopping);
            if (stream)
            {
                if (await StreamAsync(context, run, Config.Crlf, linked.Token).ConfigureAwait(false))
                {
                    await ConnectionFaults.EndStreamAsync(context, run.CloseAfterStream).ConfigureAwait(false);
                }
            }
            else await CompleteAsync(context, run).ConfigureAwait(false);
        }
    }

    private sealed record Run(string Model, string Id, int PromptTokens, ReplyScript Script, StreamFault? Fault, int ChunkDelayMs, bool CloseAfterStream,
        IReadOnlyList<JsonElement>? ToolCalls, IReadOnlyList<string> ToolCallIds)
    {
        public int CompletionTokens => Script.ThinkingTokens.Count + Script.ContentTokens.Count + ToolCallText.TokenCount(ToolCalls);
        public decimal Cost => PromptTokens * PromptPrice + CompletionTokens * CompletionPrice;
        public string FinishReason => Script.HitTokenLimit ? "length" : ToolCalls is { Count: > 0 } ? "tool_calls" : "stop";
    }

    /// <summary>OpenRouter's 404 when the model has no endpoint that takes <c>tools</c>.</summary>
    private const string NoToolEndpoints =
        "No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection";

    /// <summary>
    /// The catalog's <c>supported_parameters</c> of a model (tried as given, then without its <c>:variant</c>);
    /// <c>null</c> for a model the catalog does not list, which is then taken to support everything.
    /// </summary>
    private HashSet<string>? SupportedParameters(string model)
    {
        var catalog = Catalog();
        foreach (var id in model.Contains(':', StringComparison.Ordinal) ? [model, model[..model.IndexOf(':', StringComparison.Ordinal)]] : new[] { model })
        {
            foreach (var entry in catalog)
            {
                if (entry.TryGetProperty("id", out var entryId) && entryId.ValueKind == JsonValueKind.String && entryId.GetString() == id)
                {
                    return Strings(entry, null, "supported_parameters").ToHashSet(StringComparer.Ordinal);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// OpenAI's checks of a conversation with tool calls, which OpenRouter passes on as 400s: first the
    /// types (an assistant's <c>tool_calls[].function.arguments</c> is a JSON string; a tool message has a
    /// <c>tool_call_id</c>), then the order: every tool message answers an id of the assistant message
    /// with <c>tool_calls</c> just before it (other tool messages between), and every such id is answered
    /// before the next other message. An assistant message with <c>tool_calls</c> may have <c>content</c> null or "".
    /// </summary>
    private static string? CheckToolMessages(JsonElement messages)
    {
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var role = OpenAIMessages.Role(message);
            if (role == "assistant" && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                var callIndex = 0;
                foreach (var call in calls.EnumerateArray())
                {
                    if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) &&
                        function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var arguments) &&
                        arguments.ValueKind != JsonValueKind.String)
                    {
                        return $"Invalid type for 'messages[{index}].tool_calls[{callIndex}].function.arguments': expected a string, but got {OpenAITypeName(arguments)} instead.";
                    }

                    callIndex++;
                }
            }
            else if (role == "tool" && (!message.TryGetProperty("tool_call_id", out var id) || id.ValueKind == JsonValueKind.Null))
            {
                return $"Missing required parameter: 'messages[{index}].tool_call_id'.";
            }

            index++;
        }

        // The ids the current run of tool messages may still answer; null outside such a run.
        List<string>? open = null;
        foreach (var message in messages.EnumerateArray())
        {
            var role = OpenAIMessages.Role(message);
            if (role == "tool")
            {
                var id = message.GetProperty("tool_call_id");
                if (open is null || !open.Remove(id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText()))
                {
                    return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
                }

                continue;
            }

            if (open is { Count: > 0 })
            {
                return Unanswered(open);
            }

            open = role == "assistant" && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array
                ? calls.EnumerateArray()
                    .Select(call => call.ValueKind == JsonValueKind.Object && call.TryGetProperty("id", out var callId) && callId.ValueKind == JsonValueKind.String
                        ? callId.GetString()!
                        : string.Empty)
                    .ToList()
                : null;
        }

        return open is { Count: > 0 } ? Unanswered(open) : null;

        static string Unanswered(IEnumerable<string> ids) =>
            "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
            "The following tool_call_ids did not have response messages: " + string.Join(", ", ids);
    }

    /// <summary>How OpenAI names a JSON value's type in its "Invalid type" errors.</summary>
    private static string OpenAITypeName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "an integer" : "a decimal",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>
    /// <c>response_format</c>: <c>{"type":"json_object"}</c> (any JSON object), <c>{"type":"json_schema",
    /// "json_schema":{"name","strict","schema"}}</c> or <c>{"type":"text"}</c>. A model whose
    /// <c>supported_parameters</c> lack <c>response_format</c> gets it dropped, as OpenRouter drops any
    /// parameter a model does not support (protocols §3.2).
    /// </summary>
    /// <returns>OpenAI's 400 text for a malformed one, else <c>null</c>.</returns>
    private static string? ReadResponseFormat(JsonElement root, HashSet<string>? parameters, out StructuredOutput? output)
    {
        output = null;
        if (!root.TryGetProperty("response_format", out var format) || format.ValueKind == JsonValueKind.Null ||
            parameters is not null && !parameters.Contains("response_format"))
        {
            return null;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            return $"Invalid type for 'response_format': expected an object, but got {OpenAITypeName(format)} instead.";
        }

        var type = format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "text":
                return null;
            case "json_object":
                output = new StructuredOutput(null);
                return null;
            case "json_schema":
                if (!format.TryGetProperty("json_schema", out var wrapper) || wrapper.ValueKind != JsonValueKind.Object)
                {
                    return "Missing required parameter: 'response_format.json_schema'.";
                }

                output = new StructuredOutput(OpenAIMessages.JsonSchemaOf(format));
                return null;
            case null:
                return "Missing required parameter: 'response_format.type'.";
            default:
                return $"Invalid value: '{type}'. Supported values are: 'json_object', 'json_schema', and 'text'.";
        }
    }

    /// <summary>The availability variant of a 400 (verbatim shape from errors-and-debugging.mdx).</summary>
    private static Task WriteModelNotFoundAsync(HttpContext context, string model) =>
        FakeJson.WriteAsync(context, StatusCodes.Status400BadRequest, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", model + " is not a valid model ID");
            w.WriteString("error_type", "invalid_request");
            w.WriteNumber("http_status", 400);
            w.WriteStartObject("availability");
            w.WriteString("code", "model_not_found");
            w.WriteBoolean("retryable", false);
            w.WriteStartArray("requested_models");
            w.WriteStringValue(model);
            w.WriteEndArray();
            w.WriteString("docs_url", "https://openrouter.ai/docs/errors#model_not_found");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }, "application/json");

    /// <returns><c>true</c> when the stream ended in-band (<c>[DONE]</c>, error event, malformed event).</returns>
    private static async Task<bool> StreamAsync(HttpContext context, Run run, bool crlf, CancellationToken cancellationToken)
    {
        var fault = run.Fault;
        if (fault is { AfterContentChunks: 0, Kind: StreamFaultKind.MidStreamError } && run.Script.ThinkingTokens.Count == 0)
        {
            // Nothing sent yet: a pre-stream failure still gets a real status.
            await WriteOpenRouterErrorAsync(context, 502, fault.Message.Length > 0 ? fault.Message : "Provider returned error").ConfigureAwait(false);
            return false;
        }

        var newline = crlf ? "\r\n" : "\n";
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var first = true;
        var chunks = 0;

        // OpenRouter sends keep-alive comments while the model warms up.
        await WriteRawAsync(context, ": OPENROUTER PROCESSING" + newline + newline, cancellationToken).ConfigureAwait(false);

        foreach (var token in run.Script.ThinkingTokens)
        {
            await PaceAsync(run.ChunkDelayMs, chunks++, cancellationToken).ConfigureAwait(false);
            await WriteEventAsync(context, newline, w => WriteDelta(w, run, created, first, content: null, reasoning: token, finish: null), cancellationToken)
                .ConfigureAwait(false);
            first = false;
        }

        for (var i = 0; i <= run.Script.ContentTokens.Count; i++)
        {
            if (fault is { } f && f.AfterContentChunks == i)
            {
                switch (f.Kind)
                {
                    case StreamFaultKind.MidStreamError:
                        await WriteEventAsync(context, newline, w => WriteErrorChunk(w, run, created, f.Message), cancellationToken).ConfigureAwait(false);
                        return true;
                    case StreamFaultKind.Stall:
                        try
                        {
                            await Task.Delay(TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            // The client left: what a stall test waits for.
                        }

                        return false;
                    case StreamFaultKind.Truncate:
                        await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                        context.Abort();
                        return false;
                    case StreamFaultKind.Malformed:
                        // The event that would have come next, cut off in its content; then the stream ends without [DONE].
                        var next = i < run.Script.ContentTokens.Count ? run.Script.ContentTokens[i] : string.Empty;
                        var firstEvent = first;
                        var cut = ConnectionFaults.CutJson(
                            FakeJson.ToJsonString(w => WriteDelta(w, run, created, firstEvent, content: next, reasoning: null, finish: null)), "content");
                        await WriteRawAsync(context, "data: " + cut + newline + newline, cancellationToken).ConfigureAwait(false);
                        return true;
                }
            }

            if (i == run.Script.ContentTokens.Count) break;
            await PaceAsync(run.ChunkDelayMs, chunks++, cancellationToken).ConfigureAwait(false);
            var token = run.Script.ContentTokens[i];
            await WriteEventAsync(context, newline, w => WriteDelta(w, run, created, first, content: token, reasoning: null, finish: null), cancellationToken)
                .ConfigureAwait(false);
            first = false;
        }

        if (run.ToolCalls is { Count: > 0 } calls)
        {
            // As OpenAI streams them: each call whole before the next, by index; the opening fragment has
            // the id, type, name and empty arguments, then the arguments string follows in pieces.
            for (var index = 0; index < calls.Count; index++)
            {
                var callIndex = index;
                var id = run.ToolCallIds[index];
                var name = ToolCallText.Name(calls[index]);
                var opening = first;
                await PaceAsync(run.ChunkDelayMs, chunks++, cancellationToken).ConfigureAwait(false);
                await WriteEventAsync(context, newline, w => WriteToolCallDelta(w, run, created, opening, callIndex, id, name, string.Empty), cancellationToken)
                    .ConfigureAwait(false);
                first = false;
                foreach (var fragment in ToolCallText.Fragments(ToolCallText.CompactArguments(calls[index])))
                {
                    await PaceAsync(run.ChunkDelayMs, chunks++, cancellationToken).ConfigureAwait(false);
                    await WriteEventAsync(context, newline, w => WriteToolCallDelta(w, run, created, false, callIndex, null, null, fragment), cancellationToken)
                        .ConfigureAwait(false);
                }
            }
        }

        // The finishing chunk: an empty content delta after text, an empty delta after tool calls (protocols §3.5).
        var finishContent = run.ToolCalls is { Count: > 0 } ? null : string.Empty;
        await WriteEventAsync(context, newline, w => WriteDelta(w, run, created, first, content: finishContent, reasoning: null, finish: run.FinishReason), cancellationToken)
            .ConfigureAwait(false);
        // Usage comes last, in a chunk whose choices are empty (usage-accounting.mdx).
        await WriteEventAsync(context, newline, w =>
        {
            WriteChunkStart(w, run, created);
            w.WriteStartArray("choices");
            w.WriteEndArray();
            WriteUsage(w, run);
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        await WriteRawAsync(context, "data: [DONE]" + newline + newline, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task CompleteAsync(HttpContext context, Run run)
    {
        if (run.Fault is { Kind: StreamFaultKind.MidStreamError } f)
        {
            await WriteOpenRouterErrorAsync(context, 502, f.Message.Length > 0 ? f.Message : "Provider returned error").ConfigureAwait(false);
            return;
        }

        var content = string.Concat(run.Script.ContentTokens);
        var reasoning = string.Concat(run.Script.ThinkingTokens);
        if (run.Fault is { Kind: StreamFaultKind.Malformed } malformed)
        {
            // The answer so far, cut off in the middle: a complete HTTP response whose body is not JSON.
            var partial = string.Concat(run.Script.ContentTokens.Take(malformed.AfterContentChunks));
            var text = ConnectionFaults.CutJson(FakeJson.ToJsonString(w => WriteCompletion(w, run, partial, reasoning)), "content");
            await FakeJson.WriteTextAsync(context, StatusCodes.Status200OK, text, "application/json").ConfigureAwait(false);
            return;
        }

        await FakeJson.WriteAsync(context, StatusCodes.Status200OK, w => WriteCompletion(w, run, content, reasoning), "application/json")
            .ConfigureAwait(false);
    }

    private static void WriteCompletion(Utf8JsonWriter w, Run run, string content, string reasoning)
    {
        w.WriteStartObject();
        w.WriteString("id", run.Id);
        w.WriteString("provider", "OpenAI");
        w.WriteString("model", run.Model);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteString("finish_reason", run.FinishReason);
        w.WriteString("native_finish_reason", run.FinishReason);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (content.Length == 0 && run.ToolCalls is { Count: > 0 }) w.WriteNull("content"); else w.WriteString("content", content);
        if (reasoning.Length > 0) w.WriteString("reasoning", reasoning);
        if (run.ToolCalls is { Count: > 0 } calls)
        {
            // Non-streamed calls: whole, arguments a JSON string (protocols §3.5).
            w.WriteStartArray("tool_calls");
            for (var i = 0; i < calls.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("id", run.ToolCallIds[i]);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", ToolCallText.Name(calls[i]));
                w.WriteString("arguments", ToolCallText.CompactArguments(calls[i]));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        WriteUsage(w, run);
        w.WriteEndObject();
    }

    private static void WriteChunkStart(Utf8JsonWriter w, Run run, long created)
    {
        w.WriteStartObject();
        w.WriteString("id", run.Id);
        w.WriteString("provider", "OpenAI");
        w.WriteString("model", run.Model);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", created);
    }

    private static void WriteDelta(Utf8JsonWriter w, Run run, long created, bool first, string? content, string? reasoning, string? finish)
    {
        WriteChunkStart(w, run, created);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        if (first) w.WriteString("role", "assistant");
        if (content != null) w.WriteString("content", content);
        if (reasoning != null)
        {
            w.WriteString("content", string.Empty);
            w.WriteString("reasoning", reasoning);
        }

        w.WriteEndObject();
        if (finish is null) w.WriteNull("finish_reason"); else w.WriteString("finish_reason", finish);
        if (finish is null) w.WriteNull("native_finish_reason"); else w.WriteString("native_finish_reason", finish);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// A <c>tool_calls</c> delta: the opening one (<paramref name="id"/> given) carries id, type, name and
    /// empty arguments, and — as the stream's first event — the role and <c>content:null</c>; the others
    /// only an arguments fragment.
    /// </summary>
    private static void WriteToolCallDelta(Utf8JsonWriter w, Run run, long created, bool first, int index, string? id, string? name, string arguments)
    {
        WriteChunkStart(w, run, created);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        if (first)
        {
            w.WriteString("role", "assistant");
            w.WriteNull("content");
        }

        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (id is not null)
        {
            w.WriteString("id", id);
            w.WriteString("type", "function");
        }

        w.WriteStartObject("function");
        if (name is not null) w.WriteString("name", name);
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("finish_reason");
        w.WriteNull("native_finish_reason");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The mid-stream error event (verbatim shape, errors-and-debugging.mdx): top-level error plus a terminating choice.</summary>
    private static void WriteErrorChunk(Utf8JsonWriter w, Run run, long created, string message)
    {
        WriteChunkStart(w, run, created);
        w.WriteStartObject("error");
        w.WriteNumber("code", 502);
        w.WriteString("message", message.Length > 0 ? message : "Provider returned error");
        w.WriteStartObject("metadata");
        w.WriteString("error_type", "provider_unavailable");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        w.WriteString("content", string.Empty);
        w.WriteEndObject();
        w.WriteString("finish_reason", "error");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, Run run)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", run.PromptTokens);
        w.WriteNumber("completion_tokens", run.CompletionTokens);
        w.WriteNumber("total_tokens", run.PromptTokens + run.CompletionTokens);
        w.WriteNumber("cost", run.Cost);
        w.WriteBoolean("is_byok", false);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", run.Script.ThinkingTokens.Count);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static async Task WriteEventAsync(HttpContext context, string newline, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(buffer, FakeJson.WriterOptions))
        {
            write(writer);
        }

        buffer.Write(Encoding.ASCII.GetBytes(newline + newline));
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteRawAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task PaceAsync(int delayMs, int chunksSoFar, CancellationToken cancellationToken) =>
        delayMs > 0 && chunksSoFar > 0 ? Task.Delay(delayMs, cancellationToken) : Task.CompletedTask;
}
