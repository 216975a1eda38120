using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using Ally.Async;

namespace Ally.Embeddings
{
    /// <summary>One piece of a text that <see cref="TextChunker"/> split, and where it lies in the text.</summary>
    public readonly struct TextChunk
    {
        internal TextChunk(string text, int index, int offset, int startLine, int endLine)
        {
            Text = text;
            Index = index;
            Offset = offset;
            StartLine = startLine;
            EndLine = endLine;
        }

        /// <summary>The chunk's text: a stretch of the source without white space at either end.</summary>
        public string Text { get; }

        /// <summary>Which chunk of the source this is (0-based).</summary>
        public int Index { get; }

        /// <summary>Where <see cref="Text"/> starts in the source (a 0-based character index).</summary>
        public int Offset { get; }

        /// <summary>The source line of the chunk's first character (1-based).</summary>
        public int StartLine { get; }

        /// <summary>The source line of the chunk's last character (1-based).</summary>
        public int EndLine { get; }

        /// <summary>The text.</summary>
        public override string ToString() => Text;
    }

    /// <summary>
    /// Splits a long text into chunks that fit an embedding model: each at most a given number of
    /// tokens (by <see cref="TokenEstimate"/>), cut where the text has its strongest break.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A chunk takes as much of the text as fits and ends, among the places the fitting part offers
    /// after the previous chunk's end, at the last paragraph end (before a blank line, that is a line
    /// of nothing or white space) if there is one; else at the last line end; else (one line longer
    /// than a chunk, or prose written as one line per paragraph) after the last word that fits; else
    /// (a word longer than a chunk, or text without spaces such as Chinese) after the last character
    /// that fits, never between the halves of a surrogate pair or before a combining mark.
    /// </para>
    /// <para>
    /// Each chunk after the first starts with the end of the one before: the most whole words of it
    /// whose estimate is at most the overlap (or, when not even its last word fits, the most of its
    /// last characters), never the whole of it. Lines end in CR LF, LF or CR; a chunk's lines are
    /// those of its first and last characters. Chunks have no white space at either end, and none is
    /// empty: a text of nothing but white space has no chunks, and one that fits is one chunk.
    /// Joined in order, less their overlaps, the chunks give every character of the text that is not
    /// white space, in order.
    /// </para>
    /// <para>
    /// The chunks are made as they are read, each in time proportional to its length, so a caller
    /// can embed and drop them one batch at a time.
    /// </para>
    /// </remarks>
    public static class TextChunker
    {
        /// <summary>The smallest chunk size: a few words, and always more than one character.</summary>
        public const int MinChunkSize = 8;

        // How strong a break is: the higher, the better a place to end a chunk.
        private const int WordBreak = 0;
        private const int LineBreak = 1;
        private const int ParagraphBreak = 2;

        /// <summary>
        /// The chunks of <paramref name="text"/>, in order, made as they are enumerated.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <param name="chunkSize">The most estimated tokens in a chunk, at least <see cref="MinChunkSize"/>.</param>
        /// <param name="overlap">The most estimated tokens a chunk repeats from the end of the one before: 0, or less than <paramref name="chunkSize"/>.</param>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> or <paramref name="overlap"/> is out of range.</exception>
        public static IEnumerable<TextChunk> Split(string text, int chunkSize, int overlap)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            if (chunkSize < MinChunkSize)
                throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "The chunk size must be at least " + MinChunkSize + ".");
            if (overlap < 0 || overlap >= chunkSize)
                throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "The overlap must be 0 or more and less than the chunk size.");
            return Chunks(text, chunkSize, overlap);
        }

        private static IEnumerable<TextChunk> Chunks(string text, int chunkSize, int overlap)
        {
            int contentEnd = text.Length;
            while (contentEnd > 0 && char.IsWhiteSpace(text[contentEnd - 1])) contentEnd--;
            int start = NextContent(text, 0);
            if (start >= contentEnd) yield break;
            int startLine = 1 + CountBreaks(text, 0, start);
            // The end of the previous chunk: a chunk must end after it.
            int previousEnd = start;
            for (int index = 0; ; index++)
            {
                Cut cut = FindCut(text, start, chunkSize, previousEnd, contentEnd);
                if (cut.End <= NextContent(text, previousEnd) && start < previousEnd)
                {
                    // The overlap and the white space after it leave no room for anything new: no overlap.
                    startLine += CountBreaks(text, start, NextContent(text, previousEnd));
                    start = NextContent(text, previousEnd);
                    previousEnd = start;
                    cut = FindCut(text, start, chunkSize, previousEnd, contentEnd);
                }
                int endLine = startLine + cut.BreaksBefore;
                yield return new TextChunk(text.Substring(start, cut.End - start), index, start, startLine, endLine);
                if (cut.End >= contentEnd) yield break;

                int next = overlap > 0 ? OverlapStart(text, start, cut.End, overlap) : -1;
                if (next > start)
                {
                    startLine = endLine - CountBreaks(text, next, cut.End);
                }
                else
                {
                    next = NextContent(text, cut.End);
                    startLine = endLine + CountBreaks(text, cut.End, next);
                }
                start = next;
                previousEnd = cut.End;
            }
        }

        /// <summary>Where a chunk ends, and how many line breaks lie between its start and its last character.</summary>
        private readonly struct Cut
        {
            public Cut(int end, int breaksBefore)
            {
                End = end;
                BreaksBefore = breaksBefore;
            }

            public int End { get; }
            public int BreaksBefore { get; }
        }

        /// <summary>
        /// Reads from <paramref name="start"/> (not white space) as far as <paramref name="budget"/>
        /// tokens reach, noting the places after <paramref name="previousEnd"/> where a chunk can end,
        /// and picks the last of the strongest kind; the end of the text's content when all of it fits.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        private static Cut FindCut(string text, int start, int budget, int previousEnd, int contentEnd)
        {
            long bytes = 0;
            long pieces = 0;
            int previous = 0;
            int breaks = 0;
            int breaksAtContent = 0;
            // The last place of each strength (ParagraphBreak, LineBreak, WordBreak) and its line breaks.
            int paragraph = -1, paragraphBreaks = 0;
            int line = -1, lineBreaks = 0;
            int word = -1, wordBreaks = 0;
            int i = start;
            while (i < contentEnd)
            {
                char c = text[i];
                int units = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
                long nextBytes = bytes;
                long nextPieces = pieces;
                int nextPrevious = previous;
                for (int u = 0; u < units; u++)
                {
                    nextBytes += TokenEstimate.Tally.Utf8Length(text[i + u]);
                    TokenEstimate.Tally.Step(text[i + u], ref nextPieces, ref nextPrevious);
                }
                if (Math.Max((nextBytes + TokenEstimate.BytesPerToken - 1) / TokenEstimate.BytesPerToken, nextPieces) > budget) break;
                bytes = nextBytes;
                pieces = nextPieces;
                previous = nextPrevious;

                if (!char.IsWhiteSpace(c))
                {
                    i += units;
                    breaksAtContent = breaks;
                    continue;
                }
                if (i > start && !char.IsWhiteSpace(text[i - 1]) && i > previousEnd)
                {
                    // The end of a word: as strong a break as the white space up to the next word.
                    switch (Strength(text, i))
                    {
                        case ParagraphBreak:
                            paragraph = i;
                            paragraphBreaks = breaks;
                            break;
                        case LineBreak:
                            line = i;
                            lineBreaks = breaks;
                            break;
                        default:
                            word = i;
                            wordBreaks = breaks;
                            break;
                    }
                }
                if (c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n'))) breaks++;
                i++;
            }
            if (i >= contentEnd) return new Cut(contentEnd, breaksAtContent);
            if (paragraph >= 0) return new Cut(paragraph, paragraphBreaks);
            if (line >= 0) return new Cut(line, lineBreaks);
            if (word >= 0) return new Cut(word, wordBreaks);

            // Inside a word: before the character that did not fit, or before the base of the
            // combining marks it starts.
            int end = i;
            while (end > start + 1 && end > previousEnd + 1 && (IsMark(text[end]) || char.IsLowSurrogate(text[end]))) end--;
            if (IsMark(text[end]) || char.IsLowSurrogate(text[end])) end = i;
            return new Cut(end, breaksAtContent);
        }

        /// <summary>How strong the break of the white space that starts at <paramref name="i"/> is: its line breaks up to the next word.</summary>
        private static int Strength(string text, int i)
        {
            int breaks = 0;
            for (; i < text.Length && char.IsWhiteSpace(text[i]) && breaks < 2; i++)
            {
                char c = text[i];
                if (c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n'))) breaks++;
            }
            return breaks >= 2 ? ParagraphBreak : breaks == 1 ? LineBreak : WordBreak;
        }

        /// <summary>
        /// Where the next chunk starts, inside the chunk <c>text[start..end)</c>: the earliest word start
        /// after <paramref name="start"/> from which the rest of the chunk fits <paramref name="overlap"/>;
        /// when not even the last word fits, the earliest character of it from which the rest fits;
        /// -1 when nothing does.
        /// </summary>
        private static int OverlapStart(string text, int start, int end, int overlap)
        {
            var tail = default(TokenEstimate.Tally);
            int best = -1;
            int k = end;
            while (k > start)
            {
                int w = k;
                while (w > start && !char.IsWhiteSpace(text[w - 1])) w--;
                TokenEstimate.Tally withWord = TokenEstimate.Count(text.AsSpan(w, k - w)) + tail;
                if (withWord.Tokens > overlap)
                {
                    if (best < 0) best = TailOfWord(text, Math.Max(w, start + 1), k, overlap);
                    break;
                }
                if (w == start) break;
                best = w;
                int gap = w;
                while (gap > start && char.IsWhiteSpace(text[gap - 1])) gap--;
                tail = withWord + TokenEstimate.Count(text.AsSpan(gap, w - gap));
                k = gap;
            }
            return best;
        }

        /// <summary>
        /// The earliest character boundary in <c>text[from..end)</c> from which the rest fits
        /// <paramref name="overlap"/>, or -1. The estimate of a text's end grows as it takes in more
        /// characters, so the boundary is found by halving.
        /// </summary>
        private static int TailOfWord(string text, int from, int end, int overlap)
        {
            int low = from;
            int high = end;
            while (low < high)
            {
                int middle = low + (high - low) / 2;
                if (TokenEstimate.Estimate(text.AsSpan(middle, end - middle)) <= overlap) high = middle;
                else low = middle + 1;
            }
            while (low < end && (IsMark(text[low]) || char.IsLowSurrogate(text[low]))) low++;
            return low < end ? low : -1;
        }

        private static bool IsMark(char c)
        {
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            return category == UnicodeCategory.NonSpacingMark || category == UnicodeCategory.SpacingCombiningMark
                || category == UnicodeCategory.EnclosingMark;
        }

        private static int NextContent(string text, int i)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            return i;
        }

        /// <summary>The line breaks (CR LF, LF or CR) that end in <c>text[from..to)</c>.</summary>
        private static int CountBreaks(string text, int from, int to)
        {
            int breaks = 0;
            for (int i = from; i < to; i++)
            {
                char c = text[i];
                if (c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n'))) breaks++;
            }
            return breaks;
        }
    }
}
