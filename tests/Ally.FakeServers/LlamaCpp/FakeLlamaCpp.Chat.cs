using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.LlamaCpp;

// POST /v1/chat/completions (protocols §3.13): OpenAI-compatible, model name ignored, SSE without a
// role in the first chunk, reasoning as delta.reasoning_content, usage only when asked (or always),
// riding on the last chunk beside timings, tool calls with empty ids and argument fragments.
internal sealed partial class FakeLlamaCpp
{
    // Plausible speeds for timings: ~7k prompt tokens/s, ~80 tokens/s generated.
    private const double PromptMsPerToken = 0.145395;
    private const double PredictedMsPerToken = 12.45;

    /// <summary>At most this long a stalled stream holds the connection.</summary>
    private static readonly TimeSpan MaxStall = TimeSpan.FromMinutes(10);

    /// <summary>Everything one answer needs, fixed before the first byte.</summary>
    private sealed record Run(
        string Model,
        string Id,
        long Created,
        int PromptTokens,
        ReplyScript Script,
        StreamFault? Fault,
        IReadOnlyList<JsonElement>? ToolCalls,
        IReadOnlyList<string> ToolCallIds,
        bool IncludeUsage,
        LlamaCppConfig Config,
        FakeBehavior Settings)
    {
        public bool HasToolCalls => ToolCalls is { Count: > 0 };

        /// <summary>Tokens generated: reasoning, answer, and the words of each call's arguments plus one for its name.</summary>
        public int CompletionTokens => Script.ThinkingTokens.Count + Script.ContentTokens.Count + ToolCallText.TokenCount(ToolCalls);

        public string FinishReason => Script.HitTokenLimit ? "length" : HasToolCalls ? "tool_calls" : "stop";
    }

    /// <summary>The request's JSON; null once a body nlohmann::json cannot parse is answered (500 with the parser's text, as the server's exception handler does).</summary>
    private async Task<JsonDocument?> ReadRequestAsync(HttpContext context)
    {
        var body = await RequestRecorder.ReadBodyAsync(context).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(body, FakeJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, ParseErrorMessage(body, ex)).ConfigureAwait(false);
            return null;
        }
    }

    private async Task ChatCompletionsAsync(HttpContext context)
    {
        var config = Config;
        var settings = behavior.Current;
        using var document = await ReadRequestAsync(context).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await WriteErrorAsync(context, StatusCodes.Status500InternalServerError,
                    $"[json.exception.type_error.304] cannot use at() with {NlohmannTypeName(root.ValueKind)}").ConfigureAwait(false);
                return;
            }

            if (!root.TryGetProperty("messages", out var messages))
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "'messages' is required").ConfigureAwait(false);
                return;
            }

            if (messages.ValueKind != JsonValueKind.Array)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Expected 'messages' to be an array").ConfigureAwait(false);
                return;
            }

            // response_format is read with the other OpenAI parameters, before the prompt is tokenized.
            if (ReadResponseFormat(root, out var output) is { } formatError)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, formatError).ConfigureAwait(false);
                return;
            }

            // Prompt size as the other fakes count it: the words of each message plus one for its role.
            var conversation = OpenAIMessages.Read(messages);
            var promptTokens = conversation.Sum(message => ReplyScript.CountWords(message.Content) + 1);

            if (promptTokens >= config.ContextSize)
            {
                // Newer servers refuse instead of cutting silently; a prompt that fills the context leaves no room to answer.
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                    $"request ({promptTokens.ToString(CultureInfo.InvariantCulture)} tokens) exceeds the available context size ({config.ContextSize.ToString(CultureInfo.InvariantCulture)} tokens), try increasing it",
                    "exceed_context_size_error",
                    w =>
                    {
                        w.WriteNumber("n_prompt_tokens", promptTokens);
                        w.WriteNumber("n_ctx", config.ContextSize);
                    }).ConfigureAwait(false);
                return;
            }

            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var includeUsage = config.UsageAlways ||
                               root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object &&
                               options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
            // Lenient, unlike OpenAI: tool messages are not checked against the calls before them.
            var request = TurnRequest.From(conversation, OpenAIMessages.OffersTools(root), output);
            var turn = ModelTurn.Decide(settings, behavior.TakeReply(), request);

            // n_predict counts reasoning and answer together, so thinking can use it all up.
            var script = ReplyScript.Create(turn.Behavior, request.LastUserMessage, thinkingEnabled: !string.IsNullOrEmpty(turn.Behavior.Thinking),
                TokenLimit(root), limitIncludesThinking: true);
            // A model cut off by the limit never got to its tool calls.
            var toolCalls = script.HitTokenLimit ? null : turn.ToolCalls;
            // Newer servers make an id for each call (gen_tool_call_id); older ones left it empty (protocols §3.13).
            var ids = toolCalls?.Select(_ => settings.ToolCallIds ? ToolCallText.LlamaCppId() : string.Empty).ToArray() ?? [];
            var run = new Run(config.ModelAlias, NewCompletionId(), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), promptTokens, script,
                script.FaultFor(settings), toolCalls, ids, includeUsage, config, settings);

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            if (stream)
            {
                if (await StreamAsync(context, run, linked.Token).ConfigureAwait(false))
                {
                    await ConnectionFaults.EndStreamAsync(context, settings.CloseAfterStream).ConfigureAwait(false);
                }
            }
            else
            {
                await CompleteAsync(context, run, linked.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The output limit: <c>n_predict</c>, <c>max_completion_tokens</c> or <c>max_tokens</c>; 0 for none (-1 is "infinite").</summary>
    private static int TokenLimit(JsonElement root)
    {
        foreach (var name in (ReadOnlySpan<string>)["n_predict", "max_completion_tokens", "max_tokens"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var limit))
            {
                return Math.Max(limit, 0);
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>response_format</c> as llama-server reads it: <c>json_object</c> (any JSON, or its own
    /// <c>schema</c> extension), <c>json_schema</c> (<c>json_schema.schema</c>) or <c>text</c>; the output is
    /// then constrained by a grammar. Any other type is its 400.
    /// </summary>
    /// <returns>The error text for an unknown type, else <c>null</c>.</returns>
    private static string? ReadResponseFormat(JsonElement root, out StructuredOutput? output)
    {
        output = null;
        if (!root.TryGetProperty("response_format", out var format) || format.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty;
        switch (type)
        {
            case "json_object":
                output = new StructuredOutput(format.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object ? schema.Clone() : null);
                return null;
            case "json_schema":
                output = new StructuredOutput(OpenAIMessages.JsonSchemaOf(format));
                return null;
            case "" or "text":
                return null;
            default:
                return $"response_format type must be one of \"text\" or \"json_object\", but got: {type}";
        }
    }

    /// <summary>The SSE stream.</summary>
    /// <returns><c>true</c> when the stream ended in-band (<c>[DONE]</c>, error event, malformed event).</returns>
    private static async Task<bool> StreamAsync(HttpContext context, Run run, CancellationToken cancellationToken)
    {
        var script = run.Script;
        var fault = run.Fault;
        if (fault is { AfterContentChunks: 0, Kind: StreamFaultKind.MidStreamError } && script.ThinkingTokens.Count == 0)
        {
            // The server waits for the first result before it starts the stream: an error there still gets a status.
            await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, fault.Message).ConfigureAwait(false);
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        var chunks = 0;

        if (run.Config.FirstChunkRole)
        {
            await WriteEventAsync(context, w => WriteChunk(w, run, null, d =>
            {
                d.WriteString("role", "assistant");
                d.WriteNull("content");
            }), cancellationToken).ConfigureAwait(false);
        }

        foreach (var token in script.ThinkingTokens)
        {
            await PaceAsync(run, chunks++, cancellationToken).ConfigureAwait(false);
            await WriteEventAsync(context, w => WriteChunk(w, run, null, d => d.WriteString("reasoning_content", token)), cancellationToken)
                .ConfigureAwait(false);
        }

        for (var i = 0; i <= script.ContentTokens.Count; i++)
        {
            if (fault is { } f && f.AfterContentChunks == i)
            {
                switch (f.Kind)
                {
                    case StreamFaultKind.MidStreamError:
                        // llama.cpp's in-stream error: a bare error object, then the stream just ends.
                        await WriteEventAsync(context, w =>
                        {
                            w.WriteStartObject();
                            WriteErrorObject(w, 500, f.Message, "server_error");
                            w.WriteEndObject();
                        }, cancellationToken).ConfigureAwait(false);
                        return true;
                    case StreamFaultKind.Stall:
                        try
                        {
                            await Task.Delay(MaxStall, cancellationToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            // The client left: what a stall test waits for.
                        }

                        return false;
                    case StreamFaultKind.Truncate:
                        // Give what was written time to leave (Abort discards queued output), then drop the connection.
                        await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                        context.Abort();
                        return false;
                    case StreamFaultKind.Malformed:
                        // The event that would have come next, cut off in its content; the stream then ends without [DONE].
                        var next = i < script.ContentTokens.Count ? script.ContentTokens[i] : string.Empty;
                        var cut = ConnectionFaults.CutJson(FakeJson.ToJsonString(w => WriteChunk(w, run, null, d => d.WriteString("content", next))), "content");
                        await WriteRawAsync(context, "data: " + cut + "\n\n", cancellationToken).ConfigureAwait(false);
                        return true;
                }
            }

            if (i == script.ContentTokens.Count)
            {
                break;
            }

            await PaceAsync(run, chunks++, cancellationToken).ConfigureAwait(false);
            var token = script.ContentTokens[i];
            await WriteEventAsync(context, w => WriteChunk(w, run, null, d => d.WriteString("content", token)), cancellationToken)
                .ConfigureAwait(false);
        }

        if (run.ToolCalls is { Count: > 0 } calls)
        {
            for (var index = 0; index < calls.Count; index++)
            {
                var callIndex = index;
                var name = ToolCallText.Name(calls[index]);
                var id = run.ToolCallIds[index];
                // The call opens with its id (empty on older servers), name and empty arguments; each call whole before the next.
                await PaceAsync(run, chunks++, cancellationToken).ConfigureAwait(false);
                await WriteEventAsync(context, w => WriteChunk(w, run, null, d => WriteToolCallDelta(d, callIndex, id, name, string.Empty)),
                    cancellationToken).ConfigureAwait(false);
                foreach (var fragment in ToolCallText.Fragments(ToolCallText.SpacedArguments(calls[index])))
                {
                    await PaceAsync(run, chunks++, cancellationToken).ConfigureAwait(false);
                    await WriteEventAsync(context, w => WriteChunk(w, run, null, d => WriteToolCallDelta(d, callIndex, null, null, fragment)),
                        cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await PaceAsync(run, chunks, cancellationToken).ConfigureAwait(false);
        var separate = run.IncludeUsage && run.Config.UsageChunk == "separate";
        await WriteEventAsync(context, w => WriteChunk(w, run, run.FinishReason, _ => { }, tail: separate ? null : t =>
        {
            if (run.IncludeUsage) WriteUsage(t, run);
            WriteTimings(t, run);
        }), cancellationToken).ConfigureAwait(false);
        if (separate)
        {
            // OpenAI's way: usage in one more chunk whose choices are empty.
            await WriteEventAsync(context, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("choices");
                w.WriteEndArray();
                WriteChunkIdentity(w, run, "chat.completion.chunk");
                WriteUsage(w, run);
                WriteTimings(w, run);
                w.WriteEndObject();
            }, cancellationToken).ConfigureAwait(false);
        }

        await WriteRawAsync(context, "data: [DONE]\n\n", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary><c>stream:false</c>: one <c>chat.completion</c> with usage and timings, after the same "generation time".</summary>
    private static async Task CompleteAsync(HttpContext context, Run run, CancellationToken cancellationToken)
    {
        var script = run.Script;
        var chunks = script.ThinkingTokens.Count;
        for (var i = 0; i < chunks; i++)
        {
            await PaceAsync(run, i, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i <= script.ContentTokens.Count; i++)
        {
            if (run.Fault is { } fault && fault.AfterContentChunks == i)
            {
                switch (fault.Kind)
                {
                    case StreamFaultKind.MidStreamError:
                        await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, fault.Message).ConfigureAwait(false);
                        return;
                    case StreamFaultKind.Stall:
                        try
                        {
                            await Task.Delay(MaxStall, cancellationToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            // The client gave up.
                        }

                        context.Abort();
                        return;
                    case StreamFaultKind.Truncate:
                        context.Abort();
                        return;
                    case StreamFaultKind.Malformed:
                        // The answer so far, cut off in the middle: a complete HTTP response that is not JSON.
                        var partial = string.Concat(script.ContentTokens.Take(i));
                        var text = ConnectionFaults.CutJson(FakeJson.ToJsonString(w => WriteCompletion(w, run, partial)), "content");
                        await FakeJson.WriteTextAsync(context, StatusCodes.Status200OK, text, JsonContentType).ConfigureAwait(false);
                        return;
                }
            }

            if (i == script.ContentTokens.Count)
            {
                break;
            }

            await PaceAsync(run, chunks++, cancellationToken).ConfigureAwait(false);
        }

        var content = string.Concat(script.ContentTokens);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w => WriteCompletion(w, run, content)).ConfigureAwait(false);
    }

    private static void WriteCompletion(Utf8JsonWriter w, Run run, string content)
    {
        var reasoning = string.Concat(run.Script.ThinkingTokens);
        w.WriteStartObject();
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteString("finish_reason", run.FinishReason);
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (content.Length == 0 && run.HasToolCalls) w.WriteNull("content"); else w.WriteString("content", content);
        if (reasoning.Length > 0) w.WriteString("reasoning_content", reasoning);
        if (run.ToolCalls is { Count: > 0 } calls)
        {
            w.WriteStartArray("tool_calls");
            for (var i = 0; i < calls.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", ToolCallText.Name(calls[i]));
                w.WriteString("arguments", ToolCallText.SpacedArguments(calls[i]));
                w.WriteEndObject();
                w.WriteString("id", run.ToolCallIds[i]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNumber("created", run.Created);
        w.WriteString("model", run.Model);
        w.WriteString("system_fingerprint", SystemFingerprint);
        w.WriteString("object", "chat.completion");
        WriteUsage(w, run);
        w.WriteString("id", run.Id);
        WriteTimings(w, run);
        w.WriteEndObject();
    }

    /// <summary>The fields after <c>choices</c>, in llama.cpp's order.</summary>
    private static void WriteChunkIdentity(Utf8JsonWriter w, Run run, string objectType)
    {
        w.WriteNumber("created", run.Created);
        w.WriteString("id", run.Id);
        w.WriteString("model", run.Model);
        w.WriteString("system_fingerprint", SystemFingerprint);
        w.WriteString("object", objectType);
    }

    /// <summary>
    /// <c>{"choices":[{"finish_reason":…,"index":0,"delta":{…}}],"created":…,"id":…,"model":…,
    /// "system_fingerprint":…,"object":"chat.completion.chunk"}</c>, plus <paramref name="tail"/> (usage, timings).
    /// </summary>
    private static void WriteChunk(Utf8JsonWriter w, Run run, string? finishReason, Action<Utf8JsonWriter> delta,
        Action<Utf8JsonWriter>? tail = null)
    {
        w.WriteStartObject();
        w.WriteStartArray("choices");
        w.WriteStartObject();
        if (finishReason is null) w.WriteNull("finish_reason"); else w.WriteString("finish_reason", finishReason);
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        delta(w);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        WriteChunkIdentity(w, run, "chat.completion.chunk");
        tail?.Invoke(w);
        w.WriteEndObject();
    }

    /// <summary>A <c>tool_calls</c> delta: the opening one carries index, id (possibly empty), type and name; the rest only argument text.</summary>
    private static void WriteToolCallDelta(Utf8JsonWriter w, int index, string? id, string? name, string arguments)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (name is not null)
        {
            w.WriteString("id", id ?? string.Empty);
            w.WriteString("type", "function");
        }

        w.WriteStartObject("function");
        if (name is not null) w.WriteString("name", name);
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteUsage(Utf8JsonWriter w, Run run)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("completion_tokens", run.CompletionTokens);
        w.WriteNumber("prompt_tokens", run.PromptTokens);
        w.WriteNumber("total_tokens", run.PromptTokens + run.CompletionTokens);
        w.WriteEndObject();
    }

    /// <summary>llama.cpp's <c>timings</c>: prompt and generation counts, milliseconds and speeds.</summary>
    private static void WriteTimings(Utf8JsonWriter w, Run run)
    {
        var promptN = run.PromptTokens;
        var predictedN = run.CompletionTokens;
        var promptMs = promptN * PromptMsPerToken;
        var predictedMs = predictedN * Math.Max(PredictedMsPerToken, run.Settings.ChunkDelayMs);
        w.WriteStartObject("timings");
        w.WriteNumber("prompt_n", promptN);
        w.WriteNumber("prompt_ms", Math.Round(promptMs, 3));
        w.WriteNumber("prompt_per_token_ms", promptN > 0 ? Math.Round(promptMs / promptN, 6) : 0);
        w.WriteNumber("prompt_per_second", promptN > 0 ? Math.Round(1000.0 * promptN / promptMs, 6) : 0);
        w.WriteNumber("predicted_n", predictedN);
        w.WriteNumber("predicted_ms", Math.Round(predictedMs, 3));
        w.WriteNumber("predicted_per_token_ms", predictedN > 0 ? Math.Round(predictedMs / predictedN, 6) : 0);
        w.WriteNumber("predicted_per_second", predictedN > 0 ? Math.Round(1000.0 * predictedN / predictedMs, 6) : 0);
        w.WriteEndObject();
    }

    /// <summary><c>chatcmpl-</c> and 32 random letters and digits, like llama.cpp's <c>gen_chatcmplid()</c>.</summary>
    private static string NewCompletionId()
    {
        const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Span<char> id = stackalloc char[41];
        "chatcmpl-".CopyTo(id);
        for (var i = 9; i < id.Length; i++)
        {
            id[i] = chars[Random.Shared.Next(chars.Length)];
        }

        return new string(id);
    }

    private static Task PaceAsync(Run run, int chunksSoFar, CancellationToken cancellationToken) =>
        run.Settings.ChunkDelayMs > 0 && chunksSoFar > 0 ? Task.Delay(run.Settings.ChunkDelayMs, cancellationToken) : Task.CompletedTask;

    /// <summary>One SSE event <c>data: {…}</c> and a blank line, flushed on its own.</summary>
    private static async Task WriteEventAsync(HttpContext context, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(buffer, FakeJson.WriterOptions))
        {
            write(writer);
        }

        buffer.Write("\n\n"u8);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteRawAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>nlohmann::json's name for a value type, as its type errors print it.</summary>
    private static string NlohmannTypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "object",
    };

    /// <summary>
    /// nlohmann::json's parse error for a body that is not JSON, e.g. <c>[json.exception.parse_error.101]
    /// parse error at line 1, column 1: syntax error while parsing value - invalid literal; last read: 'x'</c>.
    /// Exact for an empty body and for a body that does not start like a JSON value (the usual
    /// cases: a form post, plain text); elsewhere the position is System.Text.Json's and the
    /// "last read" is the offending character, close to but not always nlohmann's wording.
    /// </summary>
    private static string ParseErrorMessage(byte[] body, JsonException ex)
    {
        const string prefix = "[json.exception.parse_error.101] parse error at line ";
        var text = Encoding.UTF8.GetString(body);
        var start = 0;
        while (start < text.Length && text[start] is ' ' or '\t' or '\n' or '\r')
        {
            start++;
        }

        var (line, column) = Position(text, start);
        if (start == text.Length)
        {
            return $"{prefix}{line}, column {column + 1}: syntax error while parsing value - unexpected end of input; expected '[', '{{', or a literal";
        }

        if (text[start] is not ('{' or '[' or '"' or '-' or (>= '0' and <= '9') or 't' or 'f' or 'n'))
        {
            return $"{prefix}{line}, column {column + 1}: syntax error while parsing value - invalid literal; last read: '{text[start]}'";
        }

        var errorLine = (int)(ex.LineNumber ?? 0) + 1;
        var errorColumn = (int)(ex.BytePositionInLine ?? 0) + 1;
        var offset = OffsetOf(text, errorLine, errorColumn);
        if (offset >= text.Length)
        {
            return $"{prefix}{errorLine}, column {errorColumn}: syntax error while parsing value - unexpected end of input";
        }

        return $"{prefix}{errorLine}, column {errorColumn}: syntax error while parsing value - invalid literal; last read: '{text[offset]}'";
    }

    /// <summary>1-based line and the number of characters before <paramref name="index"/> on its line.</summary>
    private static (int Line, int Column) Position(string text, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart);
    }

    private static int OffsetOf(string text, int line, int column)
    {
        var offset = 0;
        for (var l = 1; l < line && offset < text.Length; offset++)
        {
            if (text[offset] == '\n')
            {
                l++;
            }
        }

        return Math.Min(offset + column - 1, text.Length);
    }
}
