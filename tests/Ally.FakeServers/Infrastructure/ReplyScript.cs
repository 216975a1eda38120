using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;

namespace Ally.FakeServers.Infrastructure;

/// <summary>
/// What a fake model "says" to one request, decided before anything is written: the reasoning
/// tokens, the answer tokens and where a configured fault cuts in. Provider-neutral; each fake
/// renders it in its own wire format (Ollama NDJSON now, SSE later).
/// </summary>
internal sealed class ReplyScript
{
    private ReplyScript(IReadOnlyList<string> thinking, IReadOnlyList<string> content, bool truncatedByLimit)
    {
        ThinkingTokens = thinking;
        ContentTokens = content;
        HitTokenLimit = truncatedByLimit;
    }

    public IReadOnlyList<string> ThinkingTokens { get; }

    public IReadOnlyList<string> ContentTokens { get; }

    /// <summary>The answer was cut by the request's token limit (<c>done_reason:"length"</c>).</summary>
    public bool HitTokenLimit { get; }

    /// <summary>Decides the reply.</summary>
    /// <param name="behavior">The behaviour snapshot of this request.</param>
    /// <param name="lastUserMessage">Text of the last user message (what the echo repeats).</param>
    /// <param name="thinkingEnabled">The model thinks for this request (capability and <c>think</c>).</param>
    /// <param name="maxContentTokens">The request's output limit; 0 or less for none.</param>
    /// <param name="limitIncludesThinking">
    /// The limit counts reasoning and answer tokens together (llama.cpp's <c>n_predict</c>): reasoning
    /// can use it up, leaving an empty answer cut by the limit.
    /// </param>
    public static ReplyScript Create(FakeBehavior behavior, string lastUserMessage, bool thinkingEnabled, int maxContentTokens,
        bool limitIncludesThinking = false)
    {
        IReadOnlyList<string> content = behavior.ReplyTokens is { } count
            ? new GeneratedTokens(count)
            : Tokenize(behavior.Reply ?? "You said: " + lastUserMessage);

        IReadOnlyList<string> thinking = Array.Empty<string>();
        if (thinkingEnabled)
        {
            var text = behavior.Thinking ??
                "Thinking about: " + (lastUserMessage.Length <= 40 ? lastUserMessage : lastUserMessage[..40]);
            thinking = Tokenize(text);
        }

        var limited = false;
        if (limitIncludesThinking && maxContentTokens > 0)
        {
            if (thinking.Count >= maxContentTokens)
            {
                // The reasoning alone reaches the limit: it is cut there and no answer follows.
                limited = thinking.Count > maxContentTokens || content.Count > 0;
                thinking = new Prefix(thinking, maxContentTokens);
                content = Array.Empty<string>();
                return new ReplyScript(thinking, content, limited);
            }

            maxContentTokens -= thinking.Count;
        }

        if (maxContentTokens > 0 && content.Count > maxContentTokens)
        {
            content = new Prefix(content, maxContentTokens);
            limited = true;
        }

        return new ReplyScript(thinking, content, limited);
    }

    /// <summary>
    /// Splits text at word boundaries; each token is a word with the whitespace before it, so the
    /// concatenation of all tokens is exactly the text (trailing whitespace rides on the last token).
    /// </summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            tokens.Add(text[start..i]);
            start = i;
        }

        if (start < text.Length)
        {
            if (tokens.Count == 0)
            {
                tokens.Add(text[start..]);
            }
            else
            {
                tokens[^1] += text[start..];
            }
        }

        return tokens;
    }

    /// <summary>A rough token count: whitespace-separated words.</summary>
    public static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }

    /// <summary>Where the configured fault (if any) hits this answer; see <see cref="StreamFault.For"/>.</summary>
    public StreamFault? FaultFor(FakeBehavior behavior) => StreamFault.For(behavior, ContentTokens.Count);

    /// <summary>The <c>replyTokens</c> answer, produced on demand so 20,000 tokens cost no memory up front.</summary>
    private sealed class GeneratedTokens(int count) : IReadOnlyList<string>
    {
        public int Count => count;

        public string this[int index] => " tok" + index.ToString(CultureInfo.InvariantCulture);

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The first <c>count</c> tokens of another list, without copying.</summary>
    private sealed class Prefix(IReadOnlyList<string> inner, int count) : IReadOnlyList<string>
    {
        public int Count => count;

        public string this[int index] => index < count ? inner[index] : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < count; i++)
            {
                yield return inner[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

internal enum StreamFaultKind
{
    /// <summary>Write an error line and end the stream (status stays 200).</summary>
    MidStreamError,

    /// <summary>Stop writing and hold the connection until the client leaves (at most 10 minutes).</summary>
    Stall,

    /// <summary>Abort the connection without a final chunk.</summary>
    Truncate,

    /// <summary>Write one line holding a JSON object cut off in the middle, then end the stream normally without a final chunk.</summary>
    Malformed,
}

/// <summary>A fault that fires once <see cref="AfterContentChunks"/> content chunks have been written.</summary>
internal sealed record StreamFault(StreamFaultKind Kind, int AfterContentChunks, string Message)
{
    /// <summary>
    /// The fault configured in <paramref name="behavior"/> for a stream of <paramref name="chunkCount"/>
    /// chunks, its position clamped to the stream length so "after 5" on a 3-chunk answer fires just
    /// before the final chunk. When several are set the earliest wins; on a tie, mid-stream error,
    /// then stall, then truncation, then the malformed line.
    /// </summary>
    public static StreamFault? For(FakeBehavior behavior, int chunkCount)
    {
        StreamFault? best = null;
        Consider(behavior.MidStreamError?.AfterChunks, StreamFaultKind.MidStreamError);
        Consider(behavior.StallAfterChunks, StreamFaultKind.Stall);
        Consider(behavior.TruncateAfterChunks, StreamFaultKind.Truncate);
        Consider(behavior.MalformedAfterChunks, StreamFaultKind.Malformed);
        return best;

        void Consider(int? after, StreamFaultKind kind)
        {
            if (after is not { } k)
            {
                return;
            }

            var at = Math.Min(k, chunkCount);
            if (best is null || at < best.AfterContentChunks)
            {
                best = new StreamFault(kind, at, behavior.MidStreamError?.Message ?? string.Empty);
            }
        }
    }
}
