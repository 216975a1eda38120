using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Ally.FakeServers.Infrastructure;

/// <summary>
/// How the fake "models" answer and which faults they inject, as set through
/// <c>POST /_fake/behavior</c>. Provider-neutral on purpose: a later OpenRouter (SSE) fake reads the
/// same settings and renders them in its own wire format. Immutable: a request takes one snapshot
/// at its start, so a concurrent control call never changes a stream half-way.
/// </summary>
internal sealed record FakeBehavior
{
    public static readonly FakeBehavior Default = new();

    /// <summary>Fixed answer text instead of the echo (<c>reply</c>).</summary>
    public string? Reply { get; init; }

    /// <summary>Answer of N generated tokens <c>" tok0 tok1 …"</c> (<c>replyTokens</c>); wins over <see cref="Reply"/>.</summary>
    public int? ReplyTokens { get; init; }

    /// <summary>
    /// Fixed reasoning text for thinking-capable models (<c>thinking</c>); <c>null</c> means the
    /// default <c>Thinking about: …</c>, an empty string means "no thinking chunks".
    /// </summary>
    public string? Thinking { get; init; }

    /// <summary>Pause between chunks, in milliseconds (<c>chunkDelayMs</c>).</summary>
    public int ChunkDelayMs { get; init; }

    /// <summary>Pause before the response starts, in milliseconds (<c>responseDelayMs</c>).</summary>
    public int ResponseDelayMs { get; init; }

    /// <summary>Error line after K content chunks (<c>midStreamError</c>).</summary>
    public MidStreamError? MidStreamError { get; init; }

    /// <summary>Stop writing after K content chunks and hang until the client leaves (<c>stallAfterChunks</c>).</summary>
    public int? StallAfterChunks { get; init; }

    /// <summary>Abort the connection after K content chunks (<c>truncateAfterChunks</c>).</summary>
    public int? TruncateAfterChunks { get; init; }

    /// <summary>
    /// After K content chunks write one malformed line (a JSON object cut off in the middle) and end
    /// the stream normally, without the final chunk (<c>malformedAfterChunks</c>).
    /// </summary>
    public int? MalformedAfterChunks { get; init; }

    /// <summary>
    /// Close the TCP connection once a streamed answer has been completely written, without having
    /// announced it with <c>Connection: close</c> (<c>closeAfterStream</c>), as llama.cpp's server does:
    /// a client's pooled keep-alive connection dies under it.
    /// </summary>
    public bool CloseAfterStream { get; init; }

    /// <summary>
    /// Tool calls the model makes when the request offers tools and its last message is not a tool
    /// result (<c>toolCalls</c>; see <see cref="ModelTurn"/>): each element is
    /// <c>{"name":"…","arguments":{…}}</c>, kept as raw JSON so the arguments pass through untouched.
    /// </summary>
    public IReadOnlyList<JsonElement>? ToolCalls { get; init; }

    /// <summary>
    /// The model calls <see cref="ToolCalls"/> again even after tool results (<c>toolLoop</c>): a model
    /// that never stops calling, for testing a client's cap on rounds.
    /// </summary>
    public bool ToolLoop { get; init; }

    /// <summary>
    /// Tool calls carry ids (<c>toolCallIds</c>, default on). Off: Ollama's calls have neither <c>id</c>
    /// nor <c>function.index</c> (older servers, protocols §3.14); llama.cpp's have <c>"id":""</c> (§3.13).
    /// </summary>
    public bool ToolCallIds { get; init; } = true;

    /// <summary>
    /// The server ignores <c>format</c> / <c>response_format</c> (<c>ignoreFormat</c>) and answers plain
    /// text, as some Ollama builds do (protocols §3.14).
    /// </summary>
    public bool IgnoreFormat { get; init; }

    /// <summary>
    /// List the results of an OpenAI-shaped <c>/v1/embeddings</c> answer out of input order
    /// (<c>shuffleEmbeddings</c>), each still carrying its <c>index</c>, so a client must sort by it.
    /// </summary>
    public bool ShuffleEmbeddings { get; init; }

    /// <summary>Writes the behaviour in the same shape <c>POST /_fake/behavior</c> accepts.</summary>
    public void WriteTo(Utf8JsonWriter w, IReadOnlyList<FailNextEntry> pendingFailures, IReadOnlyList<ReplyEntry> pendingReplies)
    {
        w.WriteStartObject();
        WriteNullable(w, "reply", Reply);
        if (ReplyTokens is { } tokens) w.WriteNumber("replyTokens", tokens); else w.WriteNull("replyTokens");
        WriteNullable(w, "thinking", Thinking);
        w.WriteNumber("chunkDelayMs", ChunkDelayMs);
        w.WriteNumber("responseDelayMs", ResponseDelayMs);
        if (MidStreamError is { } mid)
        {
            w.WriteStartObject("midStreamError");
            w.WriteNumber("afterChunks", mid.AfterChunks);
            w.WriteString("message", mid.Message);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("midStreamError");
        }

        if (StallAfterChunks is { } stall) w.WriteNumber("stallAfterChunks", stall); else w.WriteNull("stallAfterChunks");
        if (TruncateAfterChunks is { } truncate) w.WriteNumber("truncateAfterChunks", truncate); else w.WriteNull("truncateAfterChunks");
        if (MalformedAfterChunks is { } malformed) w.WriteNumber("malformedAfterChunks", malformed); else w.WriteNull("malformedAfterChunks");
        w.WriteBoolean("closeAfterStream", CloseAfterStream);
        if (ToolCalls is { } calls)
        {
            w.WriteStartArray("toolCalls");
            foreach (var call in calls)
            {
                call.WriteTo(w);
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("toolCalls");
        }

        w.WriteBoolean("toolLoop", ToolLoop);
        w.WriteBoolean("toolCallIds", ToolCallIds);
        w.WriteBoolean("ignoreFormat", IgnoreFormat);
        w.WriteBoolean("shuffleEmbeddings", ShuffleEmbeddings);
        w.WriteStartArray("replies");
        foreach (var reply in pendingReplies)
        {
            reply.WriteTo(w);
        }

        w.WriteEndArray();
        w.WriteStartArray("failNext");
        foreach (var failure in pendingFailures)
        {
            // Each kind in the shape POST /_fake/behavior accepts for it, so the queue round-trips.
            w.WriteStartObject();
            switch (failure.Kind)
            {
                case FailNextKind.Reset:
                    w.WriteBoolean("reset", true);
                    break;
                case FailNextKind.Html:
                    w.WriteNumber("status", failure.Status);
                    w.WriteBoolean("html", true);
                    break;
                default:
                    w.WriteNumber("status", failure.Status);
                    if (failure.Message is not null) w.WriteString("error", failure.Message);
                    if (failure.Code is not null) w.WriteString("code", failure.Code);
                    break;
            }

            w.WriteString("path", failure.Path);
            if (failure.RetryAfter is { } retryAfter) w.WriteNumber("retryAfter", retryAfter);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }
}

/// <summary>
/// One scripted model turn from the <c>replies</c> queue: each chat request takes the next one, and its
/// fields replace the standing behaviour's for that request (see <see cref="ModelTurn"/>).
/// </summary>
/// <param name="Reply">The answer text (<c>reply</c>); <c>null</c> when the entry gives none.</param>
/// <param name="Thinking">The reasoning text (<c>thinking</c>; <c>""</c> = none); <c>null</c> when the entry gives none.</param>
/// <param name="ToolCalls">
/// The calls of this turn (<c>toolCalls</c>), made when the request offers tools; <c>null</c> when the
/// entry gives none: the turn then calls nothing.
/// </param>
internal sealed record ReplyEntry(string? Reply, string? Thinking, IReadOnlyList<JsonElement>? ToolCalls)
{
    /// <summary>The entry in the shape <c>POST /_fake/behavior</c> accepts (only the fields it gave).</summary>
    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (Reply is not null) w.WriteString("reply", Reply);
        if (Thinking is not null) w.WriteString("thinking", Thinking);
        if (ToolCalls is not null)
        {
            w.WriteStartArray("toolCalls");
            foreach (var call in ToolCalls)
            {
                call.WriteTo(w);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}

/// <summary>An error line written mid-stream after <see cref="AfterChunks"/> content chunks.</summary>
internal sealed record MidStreamError(int AfterChunks, string Message);

/// <summary>What a queued failure does to the request that consumes it.</summary>
internal enum FailNextKind
{
    /// <summary><see cref="FailNextEntry.Status"/> with the provider's own error body.</summary>
    Status,

    /// <summary><see cref="FailNextEntry.Status"/> with a proxy's HTML error page (<c>text/html</c>).</summary>
    Html,

    /// <summary>Read the whole request, then drop the connection without a byte of answer.</summary>
    Reset,
}

/// <summary>
/// One queued failure: the next request to <see cref="Path"/> answers <see cref="Status"/> with the
/// provider's error body for <see cref="Error"/> (or, by <see cref="Kind"/>, a proxy's HTML page or
/// no answer at all), and a <c>Retry-After</c> header when <see cref="RetryAfter"/> is set.
/// </summary>
/// <param name="Message">The entry's <c>error</c> text; <c>null</c> when the test gave none (the face picks its own).</param>
/// <param name="Code">
/// The entry's <c>code</c>: which of a face's errors of this status to answer with (the OpenAI face's
/// 429 is <c>rate_limit_exceeded</c> by default, <c>insufficient_quota</c> on request); faces
/// without error codes ignore it.
/// </param>
internal sealed record FailNextEntry(int Status, string? Message, string Path, int? RetryAfter = null, FailNextKind Kind = FailNextKind.Status,
    string? Code = null)
{
    /// <summary>What Ollama says when its queue is full: the text of an entry without <c>error</c> on most faces.</summary>
    public const string QueueFull = "server busy, please try again.  maximum pending requests exceeded";

    /// <summary>The error text: the entry's own, else <see cref="QueueFull"/>.</summary>
    public string Error => Message ?? QueueFull;
}

/// <summary>
/// Holds the current <see cref="FakeBehavior"/> and the <c>failNext</c> queue. Updates merge: a
/// field absent from the JSON keeps its value, a field set to <c>null</c> returns to its default.
/// </summary>
/// <param name="defaults">
/// The behaviour after start and <c>POST /_fake/reset</c>, and what <c>null</c> resets a field to
/// (the llama.cpp flavor closes connections after streams by default); <see cref="FakeBehavior.Default"/> when omitted.
/// </param>
/// <param name="defaultFailurePath">The path a <c>failNext</c> entry without <c>path</c> applies to.</param>
internal sealed class BehaviorStore(FakeBehavior? defaults = null, string defaultFailurePath = "/api/chat")
{
    private readonly object _gate = new();
    private readonly List<FailNextEntry> _failNext = [];
    private readonly Queue<ReplyEntry> _replies = new();
    private readonly FakeBehavior _defaults = defaults ?? FakeBehavior.Default;
    private FakeBehavior _current = defaults ?? FakeBehavior.Default;

    /// <summary>The settings in force now (a snapshot; never changes under the caller).</summary>
    public FakeBehavior Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public IReadOnlyList<FailNextEntry> PendingFailures
    {
        get
        {
            lock (_gate)
            {
                return _failNext.ToArray();
            }
        }
    }

    /// <summary>The <c>replies</c> entries not yet taken, next first.</summary>
    public IReadOnlyList<ReplyEntry> PendingReplies
    {
        get
        {
            lock (_gate)
            {
                return _replies.ToArray();
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _current = _defaults;
            _failNext.Clear();
            _replies.Clear();
        }
    }

    /// <summary>
    /// Takes the next scripted turn, if any. A chat face calls this once per request the model
    /// answers (after the request's checks), so a refused request leaves the queue alone.
    /// </summary>
    public ReplyEntry? TakeReply()
    {
        lock (_gate)
        {
            return _replies.TryDequeue(out var entry) ? entry : null;
        }
    }

    /// <summary>
    /// Takes the first queued failure meant for <paramref name="path"/>, if any. Each request
    /// consumes at most one, so <c>failNext:[503,503]</c> fails exactly the next two calls.
    /// </summary>
    public FailNextEntry? TakeFailure(string path)
    {
        lock (_gate)
        {
            var index = _failNext.FindIndex(f => string.Equals(f.Path, path, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            var entry = _failNext[index];
            _failNext.RemoveAt(index);
            return entry;
        }
    }

    /// <summary>Applies a <c>POST /_fake/behavior</c> body.</summary>
    /// <returns><c>null</c> on success, else a message naming the bad field (nothing is changed then).</returns>
    public string? Apply(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return "the behavior must be a JSON object";
        }

        lock (_gate)
        {
            var next = _current;
            List<FailNextEntry>? failNext = null;
            List<ReplyEntry>? replies = null;
            foreach (var property in body.EnumerateObject())
            {
                var value = property.Value;
                var isNull = value.ValueKind == JsonValueKind.Null;
                string? error = null;
                switch (property.Name)
                {
                    case "reply":
                        if (isNull) next = next with { Reply = null };
                        else if (value.ValueKind == JsonValueKind.String) next = next with { Reply = value.GetString() };
                        else error = "reply must be a string or null";
                        break;
                    case "replyTokens":
                        if (isNull) next = next with { ReplyTokens = null };
                        else if (TryGetCount(value, out var tokens)) next = next with { ReplyTokens = tokens };
                        else error = "replyTokens must be a non-negative integer or null";
                        break;
                    case "thinking":
                        if (isNull) next = next with { Thinking = null };
                        else if (value.ValueKind == JsonValueKind.String) next = next with { Thinking = value.GetString() };
                        else error = "thinking must be a string or null";
                        break;
                    case "chunkDelayMs":
                        if (isNull) next = next with { ChunkDelayMs = 0 };
                        else if (TryGetCount(value, out var chunkDelay)) next = next with { ChunkDelayMs = chunkDelay };
                        else error = "chunkDelayMs must be a non-negative integer";
                        break;
                    case "responseDelayMs":
                        if (isNull) next = next with { ResponseDelayMs = 0 };
                        else if (TryGetCount(value, out var responseDelay)) next = next with { ResponseDelayMs = responseDelay };
                        else error = "responseDelayMs must be a non-negative integer";
                        break;
                    case "midStreamError":
                        if (isNull) next = next with { MidStreamError = null };
                        else if (TryParseMidStreamError(value, out var mid, out error)) next = next with { MidStreamError = mid };
                        break;
                    case "stallAfterChunks":
                        if (isNull) next = next with { StallAfterChunks = null };
                        else if (TryGetCount(value, out var stall)) next = next with { StallAfterChunks = stall };
                        else error = "stallAfterChunks must be a non-negative integer or null";
                        break;
                    case "truncateAfterChunks":
                        if (isNull) next = next with { TruncateAfterChunks = null };
                        else if (TryGetCount(value, out var truncate)) next = next with { TruncateAfterChunks = truncate };
                        else error = "truncateAfterChunks must be a non-negative integer or null";
                        break;
                    case "malformedAfterChunks":
                        if (isNull) next = next with { MalformedAfterChunks = null };
                        else if (TryGetCount(value, out var malformed)) next = next with { MalformedAfterChunks = malformed };
                        else error = "malformedAfterChunks must be a non-negative integer or null";
                        break;
                    case "closeAfterStream":
                        if (isNull) next = next with { CloseAfterStream = _defaults.CloseAfterStream };
                        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) next = next with { CloseAfterStream = value.GetBoolean() };
                        else error = "closeAfterStream must be true, false or null";
                        break;
                    case "toolCalls":
                        if (isNull) next = next with { ToolCalls = null };
                        else if (TryParseToolCalls(value, out var calls, out error)) next = next with { ToolCalls = calls };
                        break;
                    case "toolLoop":
                        if (isNull) next = next with { ToolLoop = _defaults.ToolLoop };
                        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) next = next with { ToolLoop = value.GetBoolean() };
                        else error = "toolLoop must be true, false or null";
                        break;
                    case "toolCallIds":
                        if (isNull) next = next with { ToolCallIds = _defaults.ToolCallIds };
                        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) next = next with { ToolCallIds = value.GetBoolean() };
                        else error = "toolCallIds must be true, false or null";
                        break;
                    case "ignoreFormat":
                        if (isNull) next = next with { IgnoreFormat = _defaults.IgnoreFormat };
                        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) next = next with { IgnoreFormat = value.GetBoolean() };
                        else error = "ignoreFormat must be true, false or null";
                        break;
                    case "replies":
                        if (isNull) replies = [];
                        else if (!TryParseReplies(value, out replies, out error)) replies = null;
                        break;
                    case "shuffleEmbeddings":
                        if (isNull) next = next with { ShuffleEmbeddings = _defaults.ShuffleEmbeddings };
                        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) next = next with { ShuffleEmbeddings = value.GetBoolean() };
                        else error = "shuffleEmbeddings must be true, false or null";
                        break;
                    case "failNext":
                        if (isNull) failNext = [];
                        else if (!TryParseFailNext(value, defaultFailurePath, out failNext, out error)) failNext = null;
                        break;
                    default:
                        // Reject typos loudly: a silently ignored "midStreamErorr" makes a test pass for the wrong reason.
                        error = $"unknown behavior field '{property.Name}'";
                        break;
                }

                if (error is not null)
                {
                    return error;
                }
            }

            _current = next;
            if (failNext is not null)
            {
                _failNext.Clear();
                _failNext.AddRange(failNext);
            }

            if (replies is not null)
            {
                _replies.Clear();
                foreach (var reply in replies)
                {
                    _replies.Enqueue(reply);
                }
            }

            return null;
        }
    }

    private static bool TryGetCount(JsonElement value, out int count)
    {
        count = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out count) && count >= 0;
    }

    private static bool TryParseMidStreamError(JsonElement value, out MidStreamError? result, out string? error)
    {
        result = null;
        error = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            error = "midStreamError must be an object {\"afterChunks\":N,\"message\":\"…\"} or null";
            return false;
        }

        var after = 0;
        if (value.TryGetProperty("afterChunks", out var afterValue) && !TryGetCount(afterValue, out after))
        {
            error = "midStreamError.afterChunks must be a non-negative integer";
            return false;
        }

        var message = "an error was encountered while running the model";
        if (value.TryGetProperty("message", out var messageValue))
        {
            if (messageValue.ValueKind != JsonValueKind.String)
            {
                error = "midStreamError.message must be a string";
                return false;
            }

            message = messageValue.GetString()!;
        }

        result = new MidStreamError(after, message);
        return true;
    }

    private static bool TryParseToolCalls(JsonElement value, out IReadOnlyList<JsonElement>? calls, out string? error)
    {
        calls = null;
        error = null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            error = "toolCalls must be an array of {\"name\":\"…\",\"arguments\":{…}} or null";
            return false;
        }

        var list = new List<JsonElement>();
        foreach (var call in value.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object ||
                !call.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                error = "each toolCalls entry needs a string \"name\"";
                return false;
            }

            if (call.TryGetProperty("arguments", out var arguments) && arguments.ValueKind != JsonValueKind.Object)
            {
                error = "toolCalls arguments must be a JSON object (Ollama sends objects, not strings)";
                return false;
            }

            // Clone: the request's JsonDocument is disposed once the control call returns.
            list.Add(call.Clone());
        }

        calls = list;
        return true;
    }

    /// <summary>The <c>replies</c> queue: an array of <c>{reply?, thinking?, toolCalls?}</c> objects.</summary>
    private static bool TryParseReplies(JsonElement value, out List<ReplyEntry>? entries, out string? error)
    {
        entries = null;
        error = null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            error = "replies must be an array of {\"reply\":\"…\",\"thinking\":\"…\",\"toolCalls\":[…]} or null";
            return false;
        }

        var list = new List<ReplyEntry>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = "each replies entry must be an object";
                return false;
            }

            string? reply = null;
            string? thinking = null;
            IReadOnlyList<JsonElement>? calls = null;
            foreach (var property in item.EnumerateObject())
            {
                var v = property.Value;
                switch (property.Name)
                {
                    case "reply":
                    case "thinking":
                        if (v.ValueKind == JsonValueKind.String)
                        {
                            if (property.Name == "reply") reply = v.GetString(); else thinking = v.GetString();
                        }
                        else if (v.ValueKind != JsonValueKind.Null)
                        {
                            error = $"replies {property.Name} must be a string or null";
                            return false;
                        }

                        break;
                    case "toolCalls":
                        if (v.ValueKind != JsonValueKind.Null && !TryParseToolCalls(v, out calls, out error))
                        {
                            return false;
                        }

                        break;
                    default:
                        error = $"unknown replies field '{property.Name}' (known: reply, thinking, toolCalls)";
                        return false;
                }
            }

            list.Add(new ReplyEntry(reply, thinking, calls));
        }

        entries = list;
        return true;
    }

    private static bool TryParseFailNext(JsonElement value, string defaultPath, out List<FailNextEntry>? entries, out string? error)
    {
        entries = null;
        error = null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            error = "failNext must be an array of {\"status\":N,\"error\":\"…\",\"code\":\"…\",\"path\":\"/api/chat\"}, {\"status\":N,\"html\":true} or {\"reset\":true}";
            return false;
        }

        var list = new List<FailNextEntry>();
        foreach (var item in value.EnumerateArray())
        {
            if (!TryParseFailure(item, defaultPath, out var entry, out error))
            {
                return false;
            }

            list.Add(entry!);
        }

        entries = list;
        return true;
    }

    /// <summary>
    /// One <c>failNext</c> entry: <c>{status, error?, code?, path?, retryAfter?}</c>, <c>{status, html:true,
    /// path?, retryAfter?}</c> or <c>{reset:true, path?}</c>. Unknown or mistyped fields are errors,
    /// like everywhere in the control API.
    /// </summary>
    private static bool TryParseFailure(JsonElement item, string defaultPath, out FailNextEntry? entry, out string? error)
    {
        entry = null;
        error = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = "each failNext entry must be an object";
            return false;
        }

        int? status = null;
        string? message = null;
        string? code = null;
        var path = defaultPath;
        int? retryAfter = null;
        var html = false;
        var reset = false;
        foreach (var property in item.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "status":
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var statusValue) || statusValue is < 100 or > 599)
                    {
                        error = "failNext status must be an integer between 100 and 599";
                        return false;
                    }

                    status = statusValue;
                    break;
                case "error":
                    if (v.ValueKind == JsonValueKind.String) message = v.GetString()!;
                    else if (v.ValueKind != JsonValueKind.Null)
                    {
                        error = "failNext error must be a string";
                        return false;
                    }

                    break;
                case "code":
                    if (v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0) code = v.GetString()!;
                    else if (v.ValueKind != JsonValueKind.Null)
                    {
                        error = "failNext code must be a non-empty string";
                        return false;
                    }

                    break;
                case "path":
                    if (v.ValueKind != JsonValueKind.String || !(v.GetString() ?? string.Empty).StartsWith('/'))
                    {
                        error = "failNext path must be a string starting with '/'";
                        return false;
                    }

                    path = v.GetString()!;
                    break;
                case "retryAfter":
                    if (v.ValueKind == JsonValueKind.Null) break;
                    if (!TryGetCount(v, out var seconds))
                    {
                        error = "failNext retryAfter must be a non-negative integer (seconds)";
                        return false;
                    }

                    retryAfter = seconds;
                    break;
                case "html":
                case "reset":
                    if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        error = $"failNext {property.Name} must be true or false";
                        return false;
                    }

                    if (property.Name == "html") html = v.GetBoolean(); else reset = v.GetBoolean();
                    break;
                default:
                    error = $"unknown failNext field '{property.Name}' (known: status, error, code, path, retryAfter, html, reset)";
                    return false;
            }
        }

        if (reset)
        {
            // A reset answers nothing at all, so there is no status, page or header to send.
            if (status is not null || html || message is not null || code is not null || retryAfter is not null)
            {
                error = "a failNext reset entry sends no answer: give it only \"path\"";
                return false;
            }

            entry = new FailNextEntry(0, null, path, null, FailNextKind.Reset);
            return true;
        }

        if (status is not { } statusCode)
        {
            error = "each failNext entry needs a \"status\" between 100 and 599 (or \"reset\":true)";
            return false;
        }

        if (html && code is not null)
        {
            error = "a failNext html entry is a proxy's page: it has no \"code\"";
            return false;
        }

        entry = new FailNextEntry(statusCode, message, path, retryAfter, html ? FailNextKind.Html : FailNextKind.Status, code);
        return true;
    }
}
