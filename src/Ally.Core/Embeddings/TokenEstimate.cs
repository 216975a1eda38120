using System;
using System.Runtime.CompilerServices;
using Ally.Async;

namespace Ally.Embeddings
{
    /// <summary>
    /// A conservative estimate of how many tokens a model's tokenizer makes of a text, without the
    /// tokenizer: used to size chunks and batches so that they fit a model's input.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The estimate is the larger of two counts:
    /// <list type="bullet">
    /// <item>the text's UTF-8 length divided by <see cref="BytesPerToken"/>, rounded up. Tokenizers
    /// make about one token of four or five bytes of English, of three digits, and of three bytes
    /// (one character) of Chinese or Japanese, so a third of the bytes leaves room to spare for most
    /// text;</item>
    /// <item>the number of pieces: a run of letters and digits counts one, and one more at each change
    /// from letters to digits or back and from lower to upper case (camelCase, hexadecimal); every
    /// other character that is not white space (punctuation, symbols, emoji) counts one. Tokenizers
    /// rarely join two symbols, so text dense in punctuation (JSON, minified code), which the byte
    /// count under-counts, is counted by its pieces instead.</item>
    /// </list>
    /// White space counts only in the bytes.
    /// </para>
    /// <para>
    /// Measured against the cl100k and o200k tokenizers (OpenAI's) on 2,000-character windows of
    /// documentation, C# and PowerShell, JSON, and German, Russian, Greek, Arabic, Hindi, Chinese,
    /// Japanese and Korean text: English, C# and PowerShell come out at 1.0 to 1.7 times the real
    /// count (never less), JSON at 0.86 times or more, other languages on average at 0.7 to 2.2 times
    /// it. It under-counts where tokenizers fall back to pieces of characters: rare Chinese characters
    /// and Greek or Korean with cl100k (down to 0.55 of the real count in the worst windows), random
    /// text such as base64 (0.6; a signed script's signature block) and hexadecimal (0.8), and runs of
    /// emoji. A caller that must not exceed a model's limit keeps a margin.
    /// </para>
    /// </remarks>
    public static class TokenEstimate
    {
        /// <summary>The UTF-8 bytes counted as one token.</summary>
        public const int BytesPerToken = 3;

        /// <summary>The estimated token count of <paramref name="text"/>: 0 for an empty text.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        public static int Estimate(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            return Estimate(text.AsSpan());
        }

        /// <summary>The estimated token count of <paramref name="text"/>: 0 for an empty text.</summary>
        public static int Estimate(ReadOnlySpan<char> text) => Count(text).Tokens;

        /// <summary>The counts the estimate is made of, for a caller that adds texts up.</summary>
        [MethodImpl(HotPath.Optimize)]
        internal static Tally Count(ReadOnlySpan<char> text)
        {
            long bytes = 0;
            long pieces = 0;
            int previous = Other;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bytes += Tally.Utf8Length(c);
                Tally.Step(c, ref pieces, ref previous);
            }
            return new Tally(bytes, pieces);
        }

        // What the previous character was, for where a piece starts.
        private const int Other = 0;
        private const int Lower = 1;
        private const int Upper = 2;
        private const int Digit = 3;

        /// <summary>
        /// The two counts of <see cref="Estimate(ReadOnlySpan{char})"/> for a text: its UTF-8 bytes
        /// (a surrogate pair counted as its four) and its pieces. Tallies of texts that meet at white
        /// space add up to the tally of the whole.
        /// </summary>
        internal readonly struct Tally
        {
            public Tally(long bytes, long pieces)
            {
                Bytes = bytes;
                Pieces = pieces;
            }

            /// <summary>The UTF-8 length.</summary>
            public long Bytes { get; }

            /// <summary>Runs of letters and digits, and other characters that are not white space.</summary>
            public long Pieces { get; }

            /// <summary>The estimate: the larger of the rounded-up bytes per token and the pieces, at most <see cref="int.MaxValue"/>.</summary>
            public int Tokens => (int)Math.Min(int.MaxValue, Math.Max((Bytes + BytesPerToken - 1) / BytesPerToken, Pieces));

            public static Tally operator +(Tally a, Tally b) => new Tally(a.Bytes + b.Bytes, a.Pieces + b.Pieces);

            /// <summary>The UTF-8 length of one character (2 for each half of a surrogate pair).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static int Utf8Length(char c) => c < 0x80 ? 1 : c < 0x800 || char.IsSurrogate(c) ? 2 : 3;

            /// <summary>
            /// Counts <paramref name="c"/> into <paramref name="pieces"/>, <paramref name="previous"/> being
            /// what the character before it was. A letter or digit starts a piece after anything else, a
            /// digit after a letter and a letter after a digit, and an upper-case letter after a lower-case
            /// one (camelCase: about where tokenizers split identifiers, hexadecimal and base64); any other
            /// character that is not white space is a piece of its own, except the second half of a
            /// surrogate pair.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static void Step(char c, ref long pieces, ref int previous)
            {
                int kind;
                if (c < 0x80)
                {
                    kind = (uint)(c - 'a') <= 'z' - 'a' ? Lower : (uint)(c - 'A') <= 'Z' - 'A' ? Upper : (uint)(c - '0') <= 9 ? Digit : Other;
                    if (kind == Other && c > ' ' && c != 0x7F) pieces++;
                }
                else if (char.IsLetter(c))
                {
                    // Case is not looked up outside ASCII: camelCase is an ASCII habit.
                    kind = Lower;
                }
                else if (char.IsDigit(c))
                {
                    kind = Digit;
                }
                else
                {
                    kind = Other;
                    if (!char.IsWhiteSpace(c) && !char.IsLowSurrogate(c) && !char.IsControl(c)) pieces++;
                }
                if (kind != Other && kind != previous && !(previous == Upper && kind == Lower)) pieces++;
                previous = kind;
            }
        }
    }
}
