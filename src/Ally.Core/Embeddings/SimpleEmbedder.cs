using System;
using System.Linq;
using System.Runtime.CompilerServices;
using Ally.Async;

namespace Ally.Embeddings
{
    /// <summary>
    /// The offline embedding of the simple provider: a hashing embedder. It knows no synonyms and no
    /// meaning; two texts come out similar when they share words and pieces of words. It needs no
    /// model, no network and no state, and gives the same vector for the same text everywhere.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Features. Words are runs of Unicode letters and digits, lower-cased with the invariant culture. A
    /// code identifier (letters and digits joined by single <c>_</c> or <c>-</c>, or in camelCase or
    /// PascalCase) counts as its parts and, joined without the separators, as a whole:
    /// <c>GetUserName</c>, <c>get_user_name</c> and <c>get-user-name</c> each count as get, user, name
    /// and getusername. Each part also gives its character 3-grams, with a boundary mark at both ends
    /// (user: " us", "use", "ser", "er "), at half a word's weight, so that forms of one word
    /// (connect, connection) match in part.
    /// </para>
    /// <para>
    /// Vector. Each distinct feature counted tf times weighs 1 + ln tf (halved for a 3-gram) and is
    /// added to one coordinate, chosen by 32 bits of its 64-bit hash (scaled to the dimensions), with
    /// the sign of another bit, so that features sharing a coordinate cancel out on average instead of
    /// piling up. The vector is then scaled to length 1, so the dot product of two vectors is their
    /// cosine. Texts that share no feature still score about 0.2 against each other (short common
    /// words and their 3-grams): scores rank; they are not probabilities.
    /// </para>
    /// <para>
    /// Determinism. The hash is Ally's own (64-bit FNV-1a over the lower-cased UTF-16 code units,
    /// finished with the MurmurHash3 mixer), never <see cref="string.GetHashCode()"/>, which differs
    /// between processes; the logarithm is computed with IEEE arithmetic alone (not
    /// <see cref="Math.Log(double)"/>, which comes from the platform's library), features are summed in
    /// the order the text first has them, and the length with a plain loop, so the same text gives the
    /// same bits on every machine and runtime. Letters, digits and lower case are the runtime's Unicode
    /// tables, which agree for every character but those added to Unicode after the older runtime's
    /// version. Any change to any of this must change <see cref="ModelName"/>.
    /// </para>
    /// </remarks>
    public static class SimpleEmbedder
    {
        /// <summary>The algorithm's name and version, the embeddings' model: a change to the algorithm changes it.</summary>
        public const string ModelName = "hash-v1";

        /// <summary>
        /// The vector length when none is asked for: 2 KB a vector. On Ally's labelled ranking set, 256
        /// dimensions already put the right document first for 19 of 21 queries and 512 for all; more
        /// dimensions widen the margins only a little, since the features of a few hundred words share
        /// few coordinates at 512.
        /// </summary>
        public const int DefaultDimensions = 512;

        /// <summary>The longest vector <see cref="Embed(string, int)"/> makes.</summary>
        public const int MaxDimensions = 65536;

        // The weight of a character 3-gram, where a word's is 1.
        private const double NGramWeight = 0.5;

        // The mark at both ends of a word in its 3-grams; never a letter or digit.
        private const char Boundary = ' ';
        private const ulong FnvOffset = 14695981039346656037UL;
        private const ulong FnvPrime = 1099511628211UL;
        // Different seeds keep a word and a 3-gram of the same letters apart; the low bit of a
        // feature's key tells its kind.
        private const ulong WordSeed = 0x243F6A8885A308D3UL;
        private const ulong NGramSeed = 0x13198A2E03707344UL;
        private const ulong KindBit = 1UL;
        private const ulong SignBit = 2UL;

        [ThreadStatic]
        private static Terms? t_terms;

        /// <summary>
        /// The embedding of <paramref name="text"/>, <paramref name="dimensions"/> long, of length 1; all
        /// zeros when the text has no letter or digit (an empty or white-space text), which is similar
        /// to nothing.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <param name="dimensions">The vector length, 1 to <see cref="MaxDimensions"/>.</param>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is out of range.</exception>
        public static float[] Embed(string text, int dimensions)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            CheckDimensions(dimensions, nameof(dimensions));
            var vector = new float[dimensions];
            Fill(text, vector);
            return vector;
        }

        /// <summary>
        /// Writes the embedding of <paramref name="text"/> into <paramref name="destination"/>, whose
        /// length is the vector's: the same numbers <see cref="Embed(string, int)"/> returns.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <param name="destination">Where the vector goes, 1 to <see cref="MaxDimensions"/> long.</param>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is empty or too long.</exception>
        public static void Embed(string text, Span<float> destination)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            CheckDimensions(destination.Length, nameof(destination));
            Fill(text, destination);
        }

        private static void CheckDimensions(int dimensions, string name)
        {
            if (dimensions < 1 || dimensions > MaxDimensions)
                throw new ArgumentOutOfRangeException(name, dimensions, "The dimensions must be from 1 to " + MaxDimensions + ".");
        }

        private static void Fill(string text, Span<float> destination)
        {
            Terms terms = t_terms ??= new Terms();
            try
            {
                Scan(text, terms);
                terms.WriteVector(destination);
            }
            finally
            {
                terms.Clear();
                // A huge text's table is not kept for the thread's next short one.
                if (terms.Capacity > Terms.KeepCapacity) t_terms = null;
            }
        }

        // ASCII character classes: 0 not a word character, else Lower, Upper or Digit.
        private const byte Lower = 1;
        private const byte Upper = 2;
        private const byte Digit = 3;
        private const byte OtherLetter = 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static byte AsciiClass(char c) =>
            (uint)(c - 'a') <= 'z' - 'a' ? Lower : (uint)(c - 'A') <= 'Z' - 'A' ? Upper : (uint)(c - '0') <= 9 ? Digit : (byte)0;

        /// <summary>
        /// The class of the character at <paramref name="i"/> (0: not part of a word) and how many code
        /// units it takes (2 for a surrogate pair, which is a letter or digit of no case).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static byte Classify(string text, int i, out int units)
        {
            char c = text[i];
            units = 1;
            if (c < 0x80) return AsciiClass(c);
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    units = 2;
                    return char.IsLetterOrDigit(text, i) ? OtherLetter : (byte)0;
                }
                return 0;
            }
            if (!char.IsLetterOrDigit(c)) return 0;
            return char.IsUpper(c) ? Upper : char.IsLower(c) ? Lower : char.IsDigit(c) ? Digit : OtherLetter;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsLower(char c) => c < 0x80 ? AsciiClass(c) == Lower : char.IsLower(c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsConnector(char c) => c == '_' || c == '-';

        /// <summary>Counts every feature of <paramref name="text"/> into <paramref name="terms"/>.</summary>
        [MethodImpl(HotPath.Optimize)]
        private static void Scan(string text, Terms terms)
        {
            int i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (c < 0x80 ? AsciiClass(c) != 0 : Classify(text, i, out _) != 0) i = AddToken(text, i, terms);
                else i++;
            }
        }

        /// <summary>
        /// Counts the token that starts at <paramref name="start"/> (letters and digits, and single
        /// connectors between them): each of its parts as a word with its 3-grams, and the whole
        /// (without connectors) as a word too when there is more than one part. Returns where it ends.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        private static int AddToken(string text, int start, Terms terms)
        {
            ulong whole = FnvOffset ^ WordSeed;
            ulong part = 0;
            int parts = 0;
            bool inPart = false;
            byte previous = 0;
            // The two characters before the current one in its part's 3-grams.
            char first = Boundary;
            char second = Boundary;
            int i = start;
            int n = text.Length;
            while (i < n)
            {
                char c = text[i];
                int units = 1;
                byte kind = c < 0x80 ? AsciiClass(c) : Classify(text, i, out units);
                if (kind == 0)
                {
                    if (!IsConnector(c) || i + 1 == n || (text[i + 1] < 0x80 ? AsciiClass(text[i + 1]) : Classify(text, i + 1, out _)) == 0) break;
                    EndPart(ref inPart, ref parts, part, first, second, terms);
                    previous = 0;
                    i++;
                    continue;
                }
                // camelCase (getUser, utf8Encoding) and the end of an acronym (HTTPServer: HTTP, Server).
                if (inPart && kind == Upper
                    && (previous == Lower || previous == Digit || (previous == Upper && i + 1 < n && IsLower(text[i + 1]))))
                {
                    EndPart(ref inPart, ref parts, part, first, second, terms);
                }
                previous = kind;

                // A surrogate pair goes in as its two code units, as they are.
                for (int end = i + units; i < end; i++)
                {
                    c = text[i];
                    char lower = c < 0x80 ? (kind == Upper ? (char)(c | 0x20) : c) : units == 2 ? c : char.ToLowerInvariant(c);
                    whole = (whole ^ lower) * FnvPrime;
                    if (inPart)
                    {
                        part = (part ^ lower) * FnvPrime;
                        terms.Add(NGramKey(first, second, lower));
                        first = second;
                    }
                    else
                    {
                        inPart = true;
                        part = ((FnvOffset ^ WordSeed) ^ lower) * FnvPrime;
                        first = Boundary;
                    }
                    second = lower;
                }
            }
            EndPart(ref inPart, ref parts, part, first, second, terms);
            if (parts > 1) terms.Add(WordKey(whole));
            return i;
        }

        /// <summary>Counts a finished part: its last 3-gram (with the end mark) and the word.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void EndPart(ref bool inPart, ref int parts, ulong part, char first, char second, Terms terms)
        {
            if (!inPart) return;
            inPart = false;
            parts++;
            terms.Add(NGramKey(first, second, Boundary));
            terms.Add(WordKey(part));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong WordKey(ulong fnv) => Mix(fnv) | KindBit;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong NGramKey(char a, char b, char c) => Mix(((ulong)a << 32 | (ulong)b << 16 | c) ^ NGramSeed) & ~KindBit;

        /// <summary>The MurmurHash3 64-bit finaliser: every input bit moves every output bit.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Mix(ulong h)
        {
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDUL;
            h ^= h >> 33;
            h *= 0xC4CEB9FE1A85EC53UL;
            h ^= h >> 33;
            return h;
        }

        // The weights of the counts most features have, computed once.
        private static readonly double[] Weights = Enumerable.Range(0, 256).Select(n => n == 0 ? 0 : SublinearWeight(n)).ToArray();

        /// <summary>
        /// 1 + ln <paramref name="n"/> for n ≥ 1, with IEEE arithmetic alone: n = m·2^e with m in [1, 2),
        /// ln n = e·ln 2 + 2·atanh((m − 1)/(m + 1)), the series summed to far below a float's precision.
        /// </summary>
        internal static double SublinearWeight(int n)
        {
            const double Ln2 = 0.693147180559945309417232121458;
            int e = 0;
            double m = n;
            while (m >= 2)
            {
                m *= 0.5;
                e++;
            }
            double s = (m - 1) / (m + 1);
            double s2 = s * s;
            double power = s;
            double sum = 0;
            for (int k = 1; k <= 35; k += 2)
            {
                sum += power / k;
                power *= s2;
            }
            return 1 + e * Ln2 + 2 * sum;
        }

        /// <summary>
        /// A thread's table of feature counts, keyed by the features' 64-bit hashes (open addressing),
        /// with the features in the order they first came. Reused from text to text: no allocation per
        /// word or per text once it has grown to the texts' size.
        /// </summary>
        private sealed class Terms
        {
            /// <summary>Above this many features the table is dropped after use instead of kept.</summary>
            public const int KeepCapacity = 1 << 16;

            private ulong[] _keys = new ulong[1024];
            private int[] _counts = new int[1024];
            private int[] _slotOf = new int[1024];
            // Entry index + 1 per slot; 0 is an empty slot.
            private int[] _slots = new int[2048];
            private int _count;
            private double[] _sums = new double[DefaultDimensions];

            public int Capacity => _keys.Length;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Add(ulong key)
            {
                int mask = _slots.Length - 1;
                int slot = (int)(key >> 32) & mask;
                while (true)
                {
                    int entry = _slots[slot];
                    if (entry == 0) break;
                    if (_keys[entry - 1] == key)
                    {
                        _counts[entry - 1]++;
                        return;
                    }
                    slot = (slot + 1) & mask;
                }
                _keys[_count] = key;
                _counts[_count] = 1;
                _slotOf[_count] = slot;
                _slots[slot] = ++_count;
                if (_count == _keys.Length) Grow();
            }

            /// <summary>Doubles the entries and the slots (kept at twice the entries, so probes stay short).</summary>
            private void Grow()
            {
                int size = _keys.Length * 2;
                Array.Resize(ref _keys, size);
                Array.Resize(ref _counts, size);
                Array.Resize(ref _slotOf, size);
                _slots = new int[size * 2];
                int mask = _slots.Length - 1;
                for (int e = 0; e < _count; e++)
                {
                    int slot = (int)(_keys[e] >> 32) & mask;
                    while (_slots[slot] != 0) slot = (slot + 1) & mask;
                    _slots[slot] = e + 1;
                    _slotOf[e] = slot;
                }
            }

            /// <summary>Sums the weighted, signed features into coordinates and scales them to length 1.</summary>
            public void WriteVector(Span<float> destination)
            {
                int dimensions = destination.Length;
                if (_sums.Length < dimensions) _sums = new double[dimensions];
                double[] sums = _sums;
                Array.Clear(sums, 0, dimensions);
                for (int e = 0; e < _count; e++)
                {
                    ulong key = _keys[e];
                    int count = _counts[e];
                    double weight = count < Weights.Length ? Weights[count] : SublinearWeight(count);
                    if ((key & KindBit) == 0) weight *= NGramWeight;
                    int coordinate = (int)(((key >> 32) * (ulong)dimensions) >> 32);
                    sums[coordinate] += (key & SignBit) != 0 ? -weight : weight;
                }
                double squares = 0;
                for (int d = 0; d < dimensions; d++) squares += sums[d] * sums[d];
                if (squares == 0)
                {
                    destination.Clear();
                    return;
                }
                double length = Math.Sqrt(squares);
                for (int d = 0; d < dimensions; d++) destination[d] = (float)(sums[d] / length);
            }

            /// <summary>Empties the table for the next text, touching only the slots in use.</summary>
            public void Clear()
            {
                for (int e = 0; e < _count; e++) _slots[_slotOf[e]] = 0;
                _count = 0;
            }
        }
    }
}
