using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.Ollama;

/// <summary><c>POST /api/chat</c> (protocols.md §1.3, errors §1.12; server/routes.go <c>ChatHandler</c>).</summary>
internal sealed partial class FakeOllama
{
    private static readonly JsonEncodedText ModelProp = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText CreatedAtProp = JsonEncodedText.Encode("created_at");
    private static readonly JsonEncodedText MessageProp = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText RoleProp = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText AssistantValue = JsonEncodedText.Encode("assistant");
    private static readonly JsonEncodedText ContentProp = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText ThinkingProp = JsonEncodedText.Encode("thinking");
    private static readonly JsonEncodedText DoneProp = JsonEncodedText.Encode("done");

    /// <summary>Request fields whose JSON type Go would enforce (api/types.go <c>ChatRequest</c>).</summary>
    private static readonly Dictionary<string, string> ChatFieldTypes = new(StringComparer.Ordinal)
    {
        ["model"] = "string",
        ["messages"] = "[]api.Message",
        ["stream"] = "bool",
        ["tools"] = "api.Tools",
        ["options"] = "map[string]interface {}",
        ["truncate"] = "bool",
        ["shift"] = "bool",
        ["logprobs"] = "bool",
        ["top_logprobs"] = "int",
    };

    // Plausible timings (nanoseconds) for the final chunk: warm load, ~7k prompt tokens/s, ~80 tokens/s.
    private const long LoadNanoseconds = 41_295_167;
    private const long PromptNanosecondsPerToken = 145_395;
    private const long EvalNanosecondsPerToken = 12_450_000;
    private const long OverheadNanoseconds = 3_527_125;

    /// <summary>At most this long a stalled stream holds the connection before giving up.</summary>
    private static readonly TimeSpan MaxStall = TimeSpan.FromMinutes(10);

    private async Task ChatAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var settings = behavior.Current;

        using var document = await DecodeBodyAsync(context, "api.ChatRequest", ChatFieldTypes).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;
        var request = await ParseChatRequestAsync(context, root).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        // Validation in the order ChatHandler performs it, so combined mistakes give the same error.
        var name = ModelName.Parse(request.Model);
        if (!name.IsValid)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "model is required").ConfigureAwait(false);
            return;
        }

        if (!_catalog.TryGetInstalled(name, out var model))
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"model '{request.Model}' not found").ConfigureAwait(false);
            return;
        }

        if (request.Messages.Count == 0 && request.KeepAlive == TimeSpan.Zero)
        {
            _catalog.Unload(model);
            await WriteLoadResponseAsync(context, request.Model, "unload").ConfigureAwait(false);
            return;
        }

        bool thinking;
        if (model.Has("thinking"))
        {
            // A thinking model thinks unless told not to (routes.go sets think=true when omitted).
            thinking = request.Think ?? true;
        }
        else if (request.Think == true)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"\"{request.Model}\" does not support thinking")
                .ConfigureAwait(false);
            return;
        }
        else
        {
            thinking = false;
        }

        if (!model.Has("completion"))
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"\"{request.Model}\" does not support chat")
                .ConfigureAwait(false);
            return;
        }

        if (request.HasTools && !model.Has("tools"))
        {
            // scheduleRunner prefixes the fully qualified model name, not the name as sent.
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"{model.Name.FullName} does not support tools")
                .ConfigureAwait(false);
            return;
        }

        if (_catalog.TryLoad(model, request.KeepAlive ?? KeepAlive.Default, AllocatedContext(model, request.NumCtx)) is { } loadError)
        {
            // The scheduler's failure: 500 before a byte of answer (protocols §3.14).
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, loadError).ConfigureAwait(false);
            return;
        }

        if (request.Messages.Count == 0)
        {
            await WriteLoadResponseAsync(context, request.Model, "load").ConfigureAwait(false);
            return;
        }

        if (FormatError(request.Format) is { } formatError)
        {
            // The runner's Completion checks format; its error reaches the client before any byte of answer: a 500.
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, formatError).ConfigureAwait(false);
            return;
        }

        // Ollama drops format when the model thinks (protocols §3.14): the answer is then plain text.
        var output = thinking ? null : StructuredOutputOf(request.Format);
        var conversation = TurnRequest.From(request.Messages, request.HasTools, output);
        var turn = ModelTurn.Decide(settings, behavior.TakeReply(), conversation);
        var script = ReplyScript.Create(turn.Behavior, conversation.LastUserMessage, thinking, request.NumPredict);
        // A model cut off by the limit never got to its tool calls.
        var toolCalls = script.HitTokenLimit ? null : turn.ToolCalls;
        var run = new ChatRun(request, script, script.FaultFor(settings), toolCalls, settings.ToolCallIds, settings.ChunkDelayMs, started,
            settings.CloseAfterStream);

        using var linked = LinkedToken(context);
        if (request.Stream)
        {
            await StreamChatAsync(context, run, linked.Token).ConfigureAwait(false);
        }
        else
        {
            await CompleteChatAsync(context, run, linked.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Everything one chat response needs, fixed before the first byte.</summary>
    private sealed record ChatRun(
        ChatRequest Request,
        ReplyScript Script,
        StreamFault? Fault,
        IReadOnlyList<JsonElement>? ToolCalls,
        bool ToolCallIds,
        int ChunkDelayMs,
        long StartedTimestamp,
        bool CloseAfterStream);

    /// <summary>The parts of a chat request the fake acts on.</summary>
    private sealed record ChatRequest(
        string Model,
        bool Stream,
        bool? Think,
        IReadOnlyList<(string Role, string Content)> Messages,
        bool HasTools,
        JsonElement? Format,
        int NumPredict,
        int NumCtx,
        TimeSpan? KeepAlive)
    {
        /// <summary>Rough prompt size: words of every message plus one per message (its role/template tokens).</summary>
        public int PromptTokens
        {
            get
            {
                var count = Messages.Count;
                foreach (var message in Messages)
                {
                    count += ReplyScript.CountWords(message.Content);
                }

                return count;
            }
        }
    }

    /// <summary>Reads the request; on a bad field writes Go's 400 and returns <c>null</c>.</summary>
    private static async Task<ChatRequest?> ParseChatRequestAsync(HttpContext context, JsonElement root)
    {
        string? error = null;
        bool? think = null;
        if (FakeJson.TryGetProperty(root, "think", out var thinkValue))
        {
            switch (thinkValue.ValueKind)
            {
                case JsonValueKind.Null:
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    think = thinkValue.GetBoolean();
                    break;
                case JsonValueKind.String when thinkValue.GetString() is "high" or "medium" or "low" or "max":
                    think = true; // any level turns thinking on (ThinkValue.Bool)
                    break;
                case JsonValueKind.String:
                    error = $"invalid think value: \"{thinkValue.GetString()}\" (must be \"high\", \"medium\", \"low\", \"max\", true, or false)";
                    break;
                default:
                    error = "think must be a boolean or string (\"high\", \"medium\", \"low\", \"max\", true, or false)";
                    break;
            }
        }

        var messages = new List<(string, string)>();
        if (error is null && FakeJson.TryGetProperty(root, "messages", out var messagesValue) && messagesValue.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messagesValue.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Null)
                {
                    messages.Add((string.Empty, string.Empty));
                    continue;
                }

                if (message.ValueKind != JsonValueKind.Object)
                {
                    // Message.UnmarshalJSON decodes into a local alias type, hence Go's odd type name.
                    error = GoJsonDecoder.RootTypeError(message, "api.Alias");
                    break;
                }

                error = CheckMessage(message);
                if (error is not null)
                {
                    break;
                }

                // Ollama lower-cases roles on the way in.
                messages.Add((GetString(message, "role").ToLowerInvariant(), GetString(message, "content")));
            }
        }

        if (error is null)
        {
            var topLogprobs = FakeJson.TryGetProperty(root, "top_logprobs", out var top) && top.ValueKind == JsonValueKind.Number
                ? top.GetInt32()
                : 0;
            if (topLogprobs is < 0 or > 20)
            {
                error = "top_logprobs must be between 0 and 20";
            }
        }

        if (error is not null)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return null;
        }

        var (ok, keepAlive) = await ReadKeepAliveAsync(context, root).ConfigureAwait(false);
        if (!ok)
        {
            return null;
        }

        var hasTools = FakeJson.TryGetProperty(root, "tools", out var tools) && tools.ValueKind == JsonValueKind.Array &&
                       tools.GetArrayLength() > 0;
        // format is a json.RawMessage: any JSON passes the decoder; null and "" count as absent.
        JsonElement? format = FakeJson.TryGetProperty(root, "format", out var formatValue) &&
                              formatValue.ValueKind != JsonValueKind.Null &&
                              !(formatValue.ValueKind == JsonValueKind.String && formatValue.GetString()!.Length == 0)
            ? formatValue.Clone()
            : null;

        return new ChatRequest(
            GetString(root, "model"),
            GetBool(root, "stream") ?? true,
            think,
            messages,
            hasTools,
            format,
            GetIntOption(root, "num_predict"),
            GetIntOption(root, "num_ctx"),
            keepAlive);
    }

    private static readonly Dictionary<string, string> MessageFieldTypes = new(StringComparer.Ordinal)
    {
        ["role"] = "string",
        ["content"] = "string",
        ["thinking"] = "string",
        ["images"] = "[]api.ImageData",
        ["tool_calls"] = "[]api.ToolCall",
        ["tool_name"] = "string",
        ["tool_call_id"] = "string",
    };

    /// <summary>Field types of a tool call inside a message (api/types.go <c>ToolCall</c>, <c>ToolCallFunction</c>).</summary>
    private static readonly Dictionary<string, string> ToolCallFieldTypes = new(StringComparer.Ordinal)
    {
        ["id"] = "string",
        ["function"] = "api.ToolCallFunction",
    };

    private static readonly Dictionary<string, string> ToolCallFunctionFieldTypes = new(StringComparer.Ordinal)
    {
        ["index"] = "int",
        ["name"] = "string",
        ["arguments"] = "api.ToolCallFunctionArguments",
    };

    /// <summary>
    /// Checks one message as Go's decoder would, fields in document order, tool calls included:
    /// <c>tool_calls[].function.arguments</c> must be a JSON object (a map in Go), so a JSON string
    /// there is <c>json: cannot unmarshal string into Go struct field
    /// ToolCallFunction.tool_calls.function.arguments of type api.ToolCallFunctionArguments</c>.
    /// (Message.UnmarshalJSON decodes into a local alias type, so paths start at the message.)
    /// </summary>
    private static string? CheckMessage(JsonElement message)
    {
        foreach (var property in message.EnumerateObject())
        {
            if (CheckFieldType(property, "Alias", string.Empty, MessageFieldTypes) is { } error)
            {
                return error;
            }

            if (!string.Equals(property.Name, "tool_calls", StringComparison.OrdinalIgnoreCase) || property.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var call in property.Value.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (call.ValueKind != JsonValueKind.Object)
                {
                    return GoJsonDecoder.TypeError(call, "Alias", "tool_calls", "api.ToolCall");
                }

                foreach (var field in call.EnumerateObject())
                {
                    if (CheckFieldType(field, "ToolCall", "tool_calls.", ToolCallFieldTypes) is { } fieldError)
                    {
                        return fieldError;
                    }

                    if (string.Equals(field.Name, "function", StringComparison.OrdinalIgnoreCase) && field.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var part in field.Value.EnumerateObject())
                        {
                            if (CheckFieldType(part, "ToolCallFunction", "tool_calls.function.", ToolCallFunctionFieldTypes) is { } partError)
                            {
                                return partError;
                            }
                        }
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The runner's check of <c>format</c> (llm/server.go <c>Completion</c>): <c>"json"</c> or an object
    /// (a JSON Schema) pass; anything else is <c>invalid format: "…"; expected "json" or a valid JSON
    /// Schema object</c>, the raw JSON quoted by Go's <c>%q</c>.
    /// </summary>
    private static string? FormatError(JsonElement? format) =>
        format is not { } value || value.ValueKind == JsonValueKind.Object ||
        value.ValueKind == JsonValueKind.String && value.GetString() == "json"
            ? null
            : $"invalid format: {ModelJson.GoQuote(value.GetRawText())}; expected \"json\" or a valid JSON Schema object";

    /// <summary>The structured answer a valid <c>format</c> asks for: a schema, or any JSON for <c>"json"</c>.</summary>
    private static StructuredOutput? StructuredOutputOf(JsonElement? format) => format switch
    {
        { ValueKind: JsonValueKind.Object } schema => new StructuredOutput(schema),
        { ValueKind: JsonValueKind.String } => new StructuredOutput(null),
        _ => null,
    };

    /// <summary>The single object answering an empty <c>messages</c> list: the model was (un)loaded.</summary>
    private static Task WriteLoadResponseAsync(HttpContext context, string model, string reason) =>
        FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString(ModelProp, model);
            FakeJson.WriteUtcTimestamp(w, CreatedAtProp, DateTime.UtcNow);
            WriteMessage(w, string.Empty, null, null);
            w.WriteBoolean(DoneProp, true);
            w.WriteString("done_reason", reason);
            w.WriteEndObject();
        });

    /// <summary>
    /// The NDJSON stream: thinking chunks, content chunks, tool calls, then the done chunk; a stream
    /// that ended in-band (done chunk, error line, malformed line) may then lose its connection
    /// (<c>closeAfterStream</c>).
    /// </summary>
    private static async Task StreamChatAsync(HttpContext context, ChatRun run, CancellationToken cancellationToken)
    {
        if (await WriteChatStreamAsync(context, run, cancellationToken).ConfigureAwait(false))
        {
            await ConnectionFaults.EndStreamAsync(context, run.CloseAfterStream).ConfigureAwait(false);
        }
    }

    /// <returns><c>true</c> when the stream ended in-band and the response can complete normally.</returns>
    private static async Task<bool> WriteChatStreamAsync(HttpContext context, ChatRun run, CancellationToken cancellationToken)
    {
        var model = JsonEncodedText.Encode(run.Request.Model, FakeJson.Encoder);
        var script = run.Script;
        using var writer = new NdjsonWriter(context.Response);
        var chunks = 0;

        foreach (var token in script.ThinkingTokens)
        {
            await PaceAsync(run, chunks, cancellationToken).ConfigureAwait(false);
            WriteChunk(writer.Json, model, string.Empty, token);
            chunks++;
            if (!await writer.EndLineAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        for (var i = 0; i <= script.ContentTokens.Count; i++)
        {
            if (run.Fault is { } fault && fault.AfterContentChunks == i)
            {
                // The malformed line is the chunk that would have come next, cut off in its content.
                var next = i < script.ContentTokens.Count ? script.ContentTokens[i] : string.Empty;
                return await ApplyStreamFaultAsync(context, writer, fault,
                    () => ConnectionFaults.CutJson(FakeJson.ToJsonString(w => WriteChunk(w, model, next, null)), "content"),
                    cancellationToken).ConfigureAwait(false);
            }

            if (i == script.ContentTokens.Count)
            {
                break;
            }

            await PaceAsync(run, chunks, cancellationToken).ConfigureAwait(false);
            WriteChunk(writer.Json, model, script.ContentTokens[i], null);
            chunks++;
            if (!await writer.EndLineAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        if (run.ToolCalls is { Count: > 0 } calls)
        {
            // Tool calls arrive whole, in one chunk, after the text (protocols.md §1.3).
            await PaceAsync(run, chunks, cancellationToken).ConfigureAwait(false);
            var w = writer.Json;
            w.WriteStartObject();
            w.WriteString(ModelProp, model);
            FakeJson.WriteUtcTimestamp(w, CreatedAtProp, DateTime.UtcNow);
            WriteMessage(w, string.Empty, null, calls, run.ToolCallIds);
            w.WriteBoolean(DoneProp, false);
            w.WriteEndObject();
            chunks++;
            if (!await writer.EndLineAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        await PaceAsync(run, chunks, cancellationToken).ConfigureAwait(false);
        WriteFinal(writer.Json, model, run, string.Empty, null, null);
        return await writer.EndLineAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>stream:false</c>: one object with the whole message, after the same "generation time".</summary>
    private static async Task CompleteChatAsync(HttpContext context, ChatRun run, CancellationToken cancellationToken)
    {
        var script = run.Script;
        var content = new StringBuilder();
        var thinking = new StringBuilder();
        var chunks = 0;
        foreach (var token in script.ThinkingTokens)
        {
            await PaceAsync(run, chunks++, cancellationToken).ConfigureAwait(false);
            thinking.Append(token);
        }

        for (var i = 0; i <= script.ContentTokens.Count; i++)
        {
            if (run.Fault is { } fault && fault.AfterContentChunks == i)
            {
                switch (fault.Kind)
                {
                    case StreamFaultKind.MidStreamError:
                        // writeChatResponse turns an in-flight error into a 500 when not streaming.
                        await FakeJson.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, fault.Message).ConfigureAwait(false);
                        return;
                    case StreamFaultKind.Stall:
                        await StallAsync(cancellationToken).ConfigureAwait(false);
                        context.Abort();
                        return;
                    case StreamFaultKind.Malformed:
                        // The whole answer, cut off in the middle: a complete HTTP response that is not JSON.
                        var cutModel = JsonEncodedText.Encode(run.Request.Model, FakeJson.Encoder);
                        var text = ConnectionFaults.CutJson(FakeJson.ToJsonString(w => WriteFinal(w, cutModel, run, content.ToString(),
                            thinking.Length > 0 ? thinking.ToString() : null, null)), "content");
                        await FakeJson.WriteTextAsync(context, StatusCodes.Status200OK, text, FakeJson.GinJsonContentType).ConfigureAwait(false);
                        return;
                    default:
                        context.Abort();
                        return;
                }
            }

            if (i == script.ContentTokens.Count)
            {
                break;
            }

            await PaceAsync(run, chunks++, cancellationToken).ConfigureAwait(false);
            content.Append(script.ContentTokens[i]);
        }

        var model = JsonEncodedText.Encode(run.Request.Model, FakeJson.Encoder);
        await FakeJson.WriteAsync(context, StatusCodes.Status200OK,
            w => WriteFinal(w, model, run, content.ToString(), thinking.Length > 0 ? thinking.ToString() : null, run.ToolCalls))
            .ConfigureAwait(false);
    }

    /// <summary>Applies a configured fault to a stream that has written some chunks.</summary>
    /// <param name="context">The request.</param>
    /// <param name="writer">The stream.</param>
    /// <param name="fault">The fault that fires now.</param>
    /// <param name="malformedLine">Makes the cut-off line of a <see cref="StreamFaultKind.Malformed"/> fault.</param>
    /// <param name="cancellationToken">Client gone or fake stopping.</param>
    /// <returns><c>true</c> when the stream ended in-band (error line, malformed line) and the response may complete normally.</returns>
    private static async Task<bool> ApplyStreamFaultAsync(HttpContext context, NdjsonWriter writer, StreamFault fault,
        Func<string> malformedLine, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case StreamFaultKind.MidStreamError when !writer.HasWritten:
                // Nothing sent yet: Ollama's streamResponse still can, and does, send a real status.
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, fault.Message, "application/json")
                    .ConfigureAwait(false);
                return false;
            case StreamFaultKind.MidStreamError:
                return await writer.WriteErrorLineAsync(fault.Message, cancellationToken).ConfigureAwait(false);
            case StreamFaultKind.Stall:
                await StallAsync(cancellationToken).ConfigureAwait(false);
                return false;
            case StreamFaultKind.Truncate:
                // Everything written so far has been flushed; give it a moment to leave the socket (Abort
                // discards what is still queued), then drop the connection mid-response like a crashed server.
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                context.Abort();
                return false;
            case StreamFaultKind.Malformed:
                // One broken line, then the stream ends as if complete: no done chunk follows.
                return await writer.WriteRawLineAsync(malformedLine(), cancellationToken).ConfigureAwait(false);
            default:
                return false;
        }
    }

    /// <summary>Hangs until the client disconnects or the fake stops, or <see cref="MaxStall"/> passes.</summary>
    private static async Task StallAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(MaxStall, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, which is what a stall test waits for.
        }
    }

    /// <summary>The configured pause between chunks (none before the first).</summary>
    private static Task PaceAsync(ChatRun run, int chunksSoFar, CancellationToken cancellationToken) =>
        run.ChunkDelayMs > 0 && chunksSoFar > 0 ? Task.Delay(run.ChunkDelayMs, cancellationToken) : Task.CompletedTask;

    private static void WriteChunk(Utf8JsonWriter w, JsonEncodedText model, string content, string? thinking)
    {
        w.WriteStartObject();
        w.WriteString(ModelProp, model);
        FakeJson.WriteUtcTimestamp(w, CreatedAtProp, DateTime.UtcNow);
        WriteMessage(w, content, thinking, null);
        w.WriteBoolean(DoneProp, false);
        w.WriteEndObject();
    }

    /// <summary>
    /// The <c>message</c> object, with Go's omitempty: <c>thinking</c> and <c>tool_calls</c> only
    /// when present, <c>content</c> always.
    /// </summary>
    private static void WriteMessage(Utf8JsonWriter w, string content, string? thinking, IReadOnlyList<JsonElement>? toolCalls,
        bool toolCallIds = true)
    {
        w.WriteStartObject(MessageProp);
        w.WriteString(RoleProp, AssistantValue);
        w.WriteString(ContentProp, content);
        if (!string.IsNullOrEmpty(thinking))
        {
            w.WriteString(ThinkingProp, thinking);
        }

        if (toolCalls is { Count: > 0 })
        {
            // All calls of a turn in one array; older servers send neither id nor index (protocols §3.14).
            w.WriteStartArray("tool_calls");
            for (var i = 0; i < toolCalls.Count; i++)
            {
                var call = toolCalls[i];
                w.WriteStartObject();
                if (toolCallIds) w.WriteString("id", ToolCallText.OllamaId());
                w.WriteStartObject("function");
                if (toolCallIds) w.WriteNumber("index", i);
                w.WriteString("name", ToolCallText.Name(call));
                w.WritePropertyName("arguments");
                ToolCallText.WriteArgumentsObject(w, call);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>The <c>done:true</c> object with <c>done_reason</c> and the metrics (Go omits zero metrics).</summary>
    private static void WriteFinal(Utf8JsonWriter w, JsonEncodedText model, ChatRun run, string content, string? thinking,
        IReadOnlyList<JsonElement>? toolCalls)
    {
        var script = run.Script;
        var promptTokens = run.Request.PromptTokens;
        // Every emitted chunk stands for one generated token; a tool-call chunk counts as one too.
        var evalCount = script.ThinkingTokens.Count + script.ContentTokens.Count + (run.ToolCalls is { Count: > 0 } ? 1 : 0);
        var perToken = Math.Max(EvalNanosecondsPerToken, run.ChunkDelayMs * 1_000_000L);
        var promptDuration = promptTokens * PromptNanosecondsPerToken;
        var evalDuration = evalCount * perToken;
        var elapsed = (long)(Stopwatch.GetElapsedTime(run.StartedTimestamp).Ticks * 100);
        var total = Math.Max(LoadNanoseconds + promptDuration + evalDuration + OverheadNanoseconds, elapsed);

        w.WriteStartObject();
        w.WriteString(ModelProp, model);
        FakeJson.WriteUtcTimestamp(w, CreatedAtProp, DateTime.UtcNow);
        WriteMessage(w, content, thinking, toolCalls, run.ToolCallIds);
        w.WriteBoolean(DoneProp, true);
        w.WriteString("done_reason", script.HitTokenLimit ? "length" : "stop");
        w.WriteNumber("total_duration", total);
        w.WriteNumber("load_duration", LoadNanoseconds);
        WriteIfPositive(w, "prompt_eval_count", promptTokens);
        WriteIfPositive(w, "prompt_eval_duration", promptDuration);
        WriteIfPositive(w, "eval_count", evalCount);
        WriteIfPositive(w, "eval_duration", evalDuration);
        w.WriteEndObject();
    }

    private static void WriteIfPositive(Utf8JsonWriter w, string name, long value)
    {
        if (value > 0)
        {
            w.WriteNumber(name, value);
        }
    }
}
