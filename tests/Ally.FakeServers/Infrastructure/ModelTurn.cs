using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Ally.FakeServers.Infrastructure;

/// <summary>What a chat request asks of the model, as a face read it from its own wire format.</summary>
/// <param name="LastUserMessage">Text of the last <c>user</c> message (what the echo repeats).</param>
/// <param name="TrailingToolResults">Contents of the tool-result messages that end the conversation, in order; empty when the last message is not one.</param>
/// <param name="OffersTools">The request offers tools the model may call (non-empty <c>tools</c>, not switched off by <c>tool_choice:"none"</c>).</param>
/// <param name="Output">The structured output asked for and honoured by this server; <c>null</c> for plain text.</param>
internal sealed record TurnRequest(string LastUserMessage, IReadOnlyList<string> TrailingToolResults, bool OffersTools, StructuredOutput? Output)
{
    public bool EndsWithToolResults => TrailingToolResults.Count > 0;

    /// <summary>
    /// The echo model's answer: <c>Tool results: A | B</c> after tool results (so a test sees that they
    /// reached the model), else <c>You said: &lt;last user message&gt;</c>.
    /// </summary>
    public string EchoText => EndsWithToolResults
        ? "Tool results: " + string.Join(" | ", TrailingToolResults)
        : "You said: " + LastUserMessage;

    /// <summary>Reads a conversation given as (role, text) pairs, roles lower-case.</summary>
    public static TurnRequest From(IReadOnlyList<(string Role, string Content)> messages, bool offersTools, StructuredOutput? output)
    {
        var lastUser = string.Empty;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == "user")
            {
                lastUser = messages[i].Content;
                break;
            }
        }

        var start = messages.Count;
        while (start > 0 && messages[start - 1].Role == "tool")
        {
            start--;
        }

        var results = new List<string>();
        for (var i = start; i < messages.Count; i++)
        {
            results.Add(messages[i].Content);
        }

        return new TurnRequest(lastUser, results, offersTools, output);
    }
}

/// <summary>A structured answer: JSON of a schema, or any JSON object (<see cref="Schema"/> <c>null</c>: <c>"json"</c>, <c>json_object</c>).</summary>
internal sealed record StructuredOutput(JsonElement? Schema);

/// <summary>
/// What the fake model does in one chat turn, shared by every chat face (each renders it in its own
/// wire format). Rules, in order:
/// <list type="number">
/// <item>A <c>replies</c> queue entry, when the request took one, is the whole turn: its <c>toolCalls</c>
/// are made when the request offers tools (an entry without them calls nothing); its <c>reply</c> and
/// <c>thinking</c> replace the standing ones for this request.</item>
/// <item>Otherwise the standing <c>toolCalls</c> are made when the request offers tools and its last
/// message is not a tool result — or always with <c>toolLoop</c>.</item>
/// <item>A turn that calls tools says nothing besides (content empty) unless its queue entry gives a <c>reply</c>.</item>
/// <item>A text turn answers the entry's <c>reply</c>, else the standing <c>replyTokens</c>/<c>reply</c>, else
/// — when structured output is asked for and honoured (not <c>ignoreFormat</c>) — JSON from
/// <see cref="SchemaInstance"/>, else the echo (<see cref="TurnRequest.EchoText"/>).</item>
/// </list>
/// The result is a behaviour snapshot whose <c>reply</c>/<c>replyTokens</c>/<c>thinking</c> are this turn's,
/// for <see cref="ReplyScript.Create"/>, plus the calls.
/// </summary>
internal sealed class ModelTurn
{
    private ModelTurn(FakeBehavior behavior, IReadOnlyList<JsonElement>? toolCalls)
    {
        Behavior = behavior;
        ToolCalls = toolCalls;
    }

    /// <summary>The request's behaviour with this turn's answer text and reasoning filled in.</summary>
    public FakeBehavior Behavior { get; }

    /// <summary>The calls the model makes; <c>null</c> when it makes none.</summary>
    public IReadOnlyList<JsonElement>? ToolCalls { get; }

    public static ModelTurn Decide(FakeBehavior standing, ReplyEntry? entry, TurnRequest request)
    {
        IReadOnlyList<JsonElement>? calls = null;
        if (request.OffersTools)
        {
            calls = entry is not null
                ? entry.ToolCalls
                : !request.EndsWithToolResults || standing.ToolLoop ? standing.ToolCalls : null;
        }

        if (calls is { Count: 0 })
        {
            calls = null;
        }

        string? reply;
        int? replyTokens = null;
        if (calls is not null)
        {
            // A model that calls tools usually writes nothing else; a scripted entry may add words.
            reply = entry?.Reply ?? string.Empty;
        }
        else if (entry?.Reply is { } scripted)
        {
            reply = scripted;
        }
        else if (standing.ReplyTokens is not null || standing.Reply is not null)
        {
            reply = standing.Reply;
            replyTokens = standing.ReplyTokens;
        }
        else if (request.Output is { } output && !standing.IgnoreFormat)
        {
            reply = SchemaInstance.Answer(output.Schema, request.EchoText);
        }
        else
        {
            reply = request.EchoText;
        }

        var behavior = standing with { Reply = reply, ReplyTokens = replyTokens, Thinking = entry?.Thinking ?? standing.Thinking };
        return new ModelTurn(behavior, calls);
    }
}

/// <summary>Tool-call pieces every face renders in its own way: names, argument texts, fragments, ids, token counts.</summary>
internal static class ToolCallText
{
    private const string LowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The function name of a behaviour call <c>{"name":…,"arguments":{…}}</c>.</summary>
    public static string Name(JsonElement call) => call.GetProperty("name").GetString()!;

    /// <summary>Writes the arguments as a JSON object (Ollama's form); <c>{}</c> when the call has none.</summary>
    public static void WriteArgumentsObject(Utf8JsonWriter w, JsonElement call)
    {
        if (call.TryGetProperty("arguments", out var arguments))
        {
            arguments.WriteTo(w);
        }
        else
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }
    }

    /// <summary>The arguments as a compact JSON string (<c>{"city":"Tokyo"}</c>), as OpenAI and OpenRouter send them.</summary>
    public static string CompactArguments(JsonElement call) =>
        call.TryGetProperty("arguments", out var arguments) ? ModelJson.Compact(arguments) : "{}";

    /// <summary>The arguments as a model writes them, raw whitespace kept (<c>{"city": "Tokyo"}</c>), as llama.cpp passes them on.</summary>
    public static string SpacedArguments(JsonElement call) =>
        call.TryGetProperty("arguments", out var arguments) ? ModelJson.Format(arguments) : "{}";

    /// <summary>A streamed arguments text in pieces: three (two for a two-character text, one for a shorter one), never splitting a surrogate pair.</summary>
    public static IEnumerable<string> Fragments(string text)
    {
        var pieces = Math.Min(3, Math.Max(1, text.Length));
        var start = 0;
        for (var piece = 1; piece <= pieces; piece++)
        {
            var end = piece == pieces ? text.Length : Math.Max(start, text.Length * piece / pieces);
            if (end > start && end < text.Length && char.IsHighSurrogate(text[end - 1]))
            {
                end++;
            }

            yield return text[start..end];
            start = end;
        }
    }

    /// <summary>Tokens the calls "cost": the words of each call's arguments plus one for its name.</summary>
    public static int TokenCount(IReadOnlyList<JsonElement>? calls) =>
        calls?.Sum(call => ReplyScript.CountWords(SpacedArguments(call)) + 1) ?? 0;

    /// <summary><c>call_</c> + 8 of <c>[a-z0-9]</c>: Ollama's routes.go <c>toolCallId()</c>.</summary>
    public static string OllamaId() => "call_" + Random(LowerAlphanumeric, 8);

    /// <summary><c>call_</c> + 24 letters and digits, like OpenAI's ids as OpenRouter passes them on.</summary>
    public static string OpenAIId() => "call_" + Random(Alphanumeric, 24);

    /// <summary>32 letters and digits: llama.cpp's <c>gen_tool_call_id()</c> (<c>random_string()</c>).</summary>
    public static string LlamaCppId() => Random(Alphanumeric, 32);

    private static string Random(string alphabet, int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(alphabet[System.Random.Shared.Next(alphabet.Length)]);
        }

        return text.ToString();
    }
}

/// <summary>Reading OpenAI-shaped chat messages (OpenRouter, llama.cpp).</summary>
internal static class OpenAIMessages
{
    /// <summary>A message's text: a string <c>content</c>, or the <c>text</c> of its content parts joined by spaces.</summary>
    public static string Text(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content))
        {
            return string.Empty;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                text.Append(text.Length > 0 ? " " : string.Empty).Append(t.GetString());
            }
        }

        return text.ToString();
    }

    /// <summary>A message's <c>role</c>, lower-case; empty when missing or not a string.</summary>
    public static string Role(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String
            ? role.GetString()!.ToLowerInvariant()
            : string.Empty;

    /// <summary>The conversation as (role, text) pairs.</summary>
    public static List<(string Role, string Content)> Read(JsonElement messages) =>
        messages.ValueKind == JsonValueKind.Array
            ? messages.EnumerateArray().Select(m => (Role(m), Text(m))).ToList()
            : [];

    /// <summary>
    /// The request offers tools: a non-empty <c>tools</c> array and no <c>tool_choice:"none"</c>
    /// (which tells the model not to call any).
    /// </summary>
    public static bool OffersTools(JsonElement root) =>
        root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0 &&
        !(root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.String && choice.GetString() == "none");

    /// <summary>
    /// The schema of a <c>response_format</c> of type <c>json_schema</c>: <c>json_schema.schema</c> when it
    /// is an object (cloned), else <c>null</c> (any JSON).
    /// </summary>
    public static JsonElement? JsonSchemaOf(JsonElement responseFormat) =>
        responseFormat.TryGetProperty("json_schema", out var wrapper) && wrapper.ValueKind == JsonValueKind.Object &&
        wrapper.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object
            ? schema.Clone()
            : null;
}
