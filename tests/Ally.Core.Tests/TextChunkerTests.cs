using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Ally.Embeddings;
using Xunit;

namespace Ally.Tests
{
    /// <summary>How TextChunker cuts: its boundary rules, its line numbers, its overlap, and what holds for every split.</summary>
    public class TextChunkerTests
    {
        private static List<TextChunk> Split(string text, int chunkSize, int overlap = 0)
        {
            List<TextChunk> chunks = TextChunker.Split(text, chunkSize, overlap).ToList();
            CheckInvariants(text, chunks, chunkSize, overlap);
            return chunks;
        }

        private static int LineAt(string text, int index)
        {
            int line = 1;
            for (int i = 0; i < index; i++)
            {
                if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n'))) line++;
            }
            return line;
        }

        private static string WithoutWhiteSpace(string text) => new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());

        /// <summary>What every split must satisfy, whatever the text.</summary>
        private static void CheckInvariants(string text, List<TextChunk> chunks, int chunkSize, int overlap)
        {
            var rebuilt = new StringBuilder();
            int covered = 0;
            for (int k = 0; k < chunks.Count; k++)
            {
                TextChunk chunk = chunks[k];
                Assert.Equal(k, chunk.Index);
                Assert.NotEmpty(chunk.Text);
                Assert.False(char.IsWhiteSpace(chunk.Text[0]) || char.IsWhiteSpace(chunk.Text[chunk.Text.Length - 1]), $"chunk {k} has white space at an end");
                Assert.Equal(text.Substring(chunk.Offset, chunk.Text.Length), chunk.Text);
                Assert.True(TokenEstimate.Estimate(chunk.Text) <= chunkSize, $"chunk {k} estimates {TokenEstimate.Estimate(chunk.Text)} > {chunkSize}");
                Assert.Equal(LineAt(text, chunk.Offset), chunk.StartLine);
                Assert.Equal(LineAt(text, chunk.Offset + chunk.Text.Length - 1), chunk.EndLine);
                Assert.False(char.IsLowSurrogate(chunk.Text[0]) || char.IsHighSurrogate(chunk.Text[chunk.Text.Length - 1]), $"chunk {k} splits a surrogate pair");

                int end = chunk.Offset + chunk.Text.Length;
                if (k > 0)
                {
                    TextChunk before = chunks[k - 1];
                    int beforeEnd = before.Offset + before.Text.Length;
                    Assert.True(chunk.Offset > before.Offset && end > beforeEnd, $"chunk {k} does not move on");
                    if (chunk.Offset < beforeEnd)
                    {
                        Assert.True(overlap > 0, $"chunk {k} overlaps without an overlap");
                        int repeated = TokenEstimate.Estimate(text.AsSpan(chunk.Offset, beforeEnd - chunk.Offset));
                        Assert.True(repeated <= overlap, $"chunk {k} repeats {repeated} tokens > {overlap}");
                    }
                    else
                    {
                        Assert.True(string.IsNullOrWhiteSpace(text.Substring(beforeEnd, chunk.Offset - beforeEnd)), $"text lost between chunks {k - 1} and {k}");
                    }
                }
                else
                {
                    Assert.True(string.IsNullOrWhiteSpace(text.Substring(0, chunk.Offset)), "text lost before the first chunk");
                }
                // The chunk less what the one before already had.
                int fresh = Math.Max(chunk.Offset, covered);
                rebuilt.Append(text, fresh, end - fresh);
                covered = end;
            }
            Assert.True(string.IsNullOrWhiteSpace(text.Substring(covered)), "text lost after the last chunk");
            Assert.Equal(WithoutWhiteSpace(text), WithoutWhiteSpace(rebuilt.ToString()));
        }

        [Fact]
        public void ArgumentsAreCheckedAtTheCall()
        {
            Assert.Throws<ArgumentNullException>(() => TextChunker.Split(null!, 100, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => TextChunker.Split("x", TextChunker.MinChunkSize - 1, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => TextChunker.Split("x", 100, -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => TextChunker.Split("x", 100, 100));
            Assert.Single(TextChunker.Split("x", TextChunker.MinChunkSize, TextChunker.MinChunkSize - 1));
        }

        [Theory]
        [InlineData("")]
        [InlineData(" ")]
        [InlineData("\r\n\n\t  \r")]
        public void WhiteSpaceHasNoChunks(string text) => Assert.Empty(Split(text, 50, 10));

        [Fact]
        public void TextThatFitsIsOneChunkOfAllItsLines()
        {
            const string Text = "first line\nsecond line\r\n\r\nfourth line after a blank one\rfifth";
            TextChunk chunk = Assert.Single(Split(Text, 500, 50));
            Assert.Equal(Text, chunk.Text);
            Assert.Equal((0, 0, 1, 5), (chunk.Index, chunk.Offset, chunk.StartLine, chunk.EndLine));
        }

        [Fact]
        public void WhiteSpaceAroundTheTextIsLeftOutAndTheLinesAreTheTexts()
        {
            TextChunk chunk = Assert.Single(Split("\n\n   indented text\n  and more  \n\n\n", 500));
            Assert.Equal("indented text\n  and more", chunk.Text);
            Assert.Equal((3, 4), (chunk.StartLine, chunk.EndLine));
        }

        private static string Words(string prefix, int count) => string.Join(" ", Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)));

        [Fact]
        public void ParagraphsAreKeptWholeWhenTheyFit()
        {
            // Each paragraph is a few lines of about 3 tokens a word; a chunk holds about two paragraphs.
            string[] paragraphs = Enumerable.Range(0, 6)
                .Select(p => string.Join("\n", Enumerable.Range(0, 3).Select(l => Words($"p{p}l{l}w", 4))))
                .ToArray();
            string text = string.Join("\n\n", paragraphs);
            List<TextChunk> chunks = Split(text, 2 * TokenEstimate.Estimate(paragraphs[0]) + 10);
            Assert.True(chunks.Count >= 3);
            foreach (TextChunk chunk in chunks)
            {
                // Whole paragraphs only: each chunk starts one and ends one.
                Assert.Contains(chunk.Text.Split(new[] { "\n\n" }, StringSplitOptions.None)[0], paragraphs);
                Assert.Contains(chunk.Text.Split(new[] { "\n\n" }, StringSplitOptions.None).Last(), paragraphs);
            }
            Assert.Equal(paragraphs.Length, chunks.Sum(c => c.Text.Split(new[] { "\n\n" }, StringSplitOptions.None).Length));
        }

        [Fact]
        public void AParagraphTooLongForAChunkIsCutAtLineEnds()
        {
            string[] lines = Enumerable.Range(0, 40).Select(l => Words($"line{l}word", 5)).ToArray();
            string text = "A short paragraph first.\n\n" + string.Join("\n", lines) + "\n\nA short paragraph last.";
            List<TextChunk> chunks = Split(text, 60);
            Assert.True(chunks.Count > 10);
            Assert.Equal("A short paragraph first.", chunks[0].Text);
            Assert.Equal((1, 1), (chunks[0].StartLine, chunks[0].EndLine));
            string[] source = text.Split('\n');
            foreach (TextChunk chunk in chunks.Skip(1))
            {
                // Whole lines, and the source's lines by number (the last chunk may take the last paragraph too).
                string[] chunkLines = chunk.Text.Split('\n');
                Assert.Equal(chunk.StartLine + chunkLines.Length - 1, chunk.EndLine);
                Assert.Equal(source.Skip(chunk.StartLine - 1).Take(chunkLines.Length), chunkLines);
            }
            Assert.EndsWith("\nA short paragraph last.", chunks[chunks.Count - 1].Text, StringComparison.Ordinal);
        }

        [Fact]
        public void ALineTooLongForAChunkIsCutAfterWordsAndKeepsItsLineNumber()
        {
            string longLine = Words("word", 300);
            string text = "before\n" + longLine + "\nafter";
            List<TextChunk> chunks = Split(text, 50);
            Assert.True(chunks.Count > 10);
            string[] words = longLine.Split(' ');
            // The line end after "before" is a stronger break than any word end after it.
            Assert.Equal("before", chunks[0].Text);
            Assert.Equal((1, 1), (chunks[0].StartLine, chunks[0].EndLine));
            foreach (TextChunk chunk in chunks.Skip(1).Take(chunks.Count - 2))
            {
                Assert.All(chunk.Text.Split(' '), w => Assert.Contains(w, words));
                Assert.Equal((2, 2), (chunk.StartLine, chunk.EndLine));
            }
            Assert.EndsWith("after", chunks[chunks.Count - 1].Text, StringComparison.Ordinal);
            Assert.Equal(3, chunks[chunks.Count - 1].EndLine);
        }

        [Fact]
        public void AWordTooLongForAChunkIsCutBetweenCharacters()
        {
            string blob = string.Concat(Enumerable.Range(0, 400).Select(i => ((char)('a' + i % 26)).ToString()));
            List<TextChunk> chunks = Split("x " + blob + " y", 20);
            Assert.True(chunks.Count >= 400 / 60);
            Assert.Equal("x", chunks[0].Text);
            Assert.Equal("x" + blob + "y", WithoutWhiteSpace(string.Concat(chunks.Select(c => c.Text))));
            // A chunk is as long as the budget allows: 20 tokens of 3 bytes.
            Assert.Contains(chunks, c => c.Text.Length == 60);
        }

        [Fact]
        public void SurrogatePairsAndCombiningMarksAreNotCutApart()
        {
            // 4-byte characters and letters with two combining marks each, without spaces.
            string emoji = string.Concat(Enumerable.Repeat("😀🎉", 100));
            string marked = string.Concat(Enumerable.Repeat("e\u0301\u0323", 200));
            foreach (string text in new[] { emoji, marked, emoji + marked })
            {
                foreach (int overlap in new[] { 0, 5 })
                {
                    List<TextChunk> chunks = Split(text, 11, overlap);
                    Assert.True(chunks.Count > 5);
                    Assert.All(chunks, c => Assert.False(CharUnicodeInfo.GetUnicodeCategory(c.Text[0]) == UnicodeCategory.NonSpacingMark, "a chunk starts with a combining mark"));
                }
            }
        }

        [Fact]
        public void TextWithoutSpacesIsCutBetweenCharactersWithAnOverlapOfCharacters()
        {
            string chinese = string.Concat(Enumerable.Repeat("嵌入向量在本地计算并保存到文件中这样以后无需网络也能进行搜索", 20));
            List<TextChunk> chunks = Split(chinese, 30, 6);
            Assert.All(chunks.Take(chunks.Count - 1), c => Assert.Equal(30, c.Text.Length));
            for (int k = 1; k < chunks.Count; k++) Assert.Equal(6, chunks[k - 1].Offset + chunks[k - 1].Text.Length - chunks[k].Offset);
        }

        [Theory]
        [InlineData("\n")]
        [InlineData("\r\n")]
        [InlineData("\r")]
        public void LinesEndInAnyOfTheThreeWays(string newLine)
        {
            string text = string.Join(newLine, Enumerable.Range(1, 60).Select(l => $"line {l} has a few words on it"));
            List<TextChunk> chunks = Split(text, 40, 10);
            Assert.True(chunks.Count > 5);
            string[] source = text.Split(new[] { newLine }, StringSplitOptions.None);
            foreach (TextChunk chunk in chunks)
            {
                // A chunk may start inside a line (the overlap); it ends at a line end.
                string[] lines = chunk.Text.Split(new[] { newLine }, StringSplitOptions.None);
                Assert.Equal(chunk.EndLine - chunk.StartLine + 1, lines.Length);
                Assert.EndsWith(lines[0], source[chunk.StartLine - 1], StringComparison.Ordinal);
                Assert.Equal(source.Skip(chunk.StartLine).Take(lines.Length - 1), lines.Skip(1));
            }
        }

        [Fact]
        public void ALoneCarriageReturnBeforeALineFeedIsOneBreak()
        {
            TextChunk chunk = Assert.Single(Split("one\r\ntwo\n\rthree", 100));
            Assert.Equal(4, chunk.EndLine); // CR LF, LF, CR: three breaks
        }

        [Fact]
        public void EachChunkRepeatsTheLastWholeWordsOfTheOneBefore()
        {
            string text = Words("w", 200);
            List<TextChunk> chunks = Split(text, 30, 8);
            for (int k = 1; k < chunks.Count; k++)
            {
                TextChunk before = chunks[k - 1];
                int repeatedLength = before.Offset + before.Text.Length - chunks[k].Offset;
                Assert.True(repeatedLength > 0, $"chunk {k} repeats nothing");
                string repeated = before.Text.Substring(before.Text.Length - repeatedLength);
                Assert.StartsWith(repeated, chunks[k].Text, StringComparison.Ordinal);
                Assert.Equal(' ', text[chunks[k].Offset - 1]); // a word start
                // As many words as fit: one more would not.
                int oneMore = text.LastIndexOf(' ', chunks[k].Offset - 2) + 1;
                if (oneMore > before.Offset) Assert.True(TokenEstimate.Estimate(text.AsSpan(oneMore, before.Offset + before.Text.Length - oneMore)) > 8);
            }
        }

        [Fact]
        public void AnOverlapAcrossAParagraphBreakStillEndsTheNextChunkAtAParagraphEnd()
        {
            string text = string.Join("\n\n", Enumerable.Range(0, 8).Select(p => Words($"p{p}w", 8)));
            List<TextChunk> chunks = Split(text, 70, 20);
            Assert.True(chunks.Count > 2);
            Assert.All(chunks, c => Assert.Matches(@"w7$", c.Text));
        }

        [Fact]
        public void WithoutRoomForNewTextAfterTheOverlapTheOverlapIsDropped()
        {
            // The white space after the first chunk is larger than what an overlap leaves of a chunk.
            string text = Words("a", 6) + new string(' ', 40) + "\n" + Words("b", 6);
            List<TextChunk> chunks = Split(text, 12, 6);
            Assert.Contains(chunks, c => c.Text.StartsWith("b0", StringComparison.Ordinal));
        }

        [Fact]
        public void RandomTextsKeepEveryRule()
        {
            var random = new Random(20261129);
            string[] pieces = { "word", "Identifier", "x", "naïve", "日本語", "😀", "{a:1}", "e\u0301", "0x1F", "\n", "\r\n", "\r", "\n\n", "  ", "\t", " ", " ", " ", "verylongwordwithoutanyspaces" };
            for (int round = 0; round < 300; round++)
            {
                var text = new StringBuilder();
                int length = random.Next(0, 400);
                for (int i = 0; i < length; i++) text.Append(pieces[random.Next(pieces.Length)]);
                int chunkSize = random.Next(TextChunker.MinChunkSize, 80);
                int overlap = random.Next(0, 3) == 0 ? 0 : random.Next(0, chunkSize);
                Split(text.ToString(), chunkSize, overlap);
            }
        }

        [Fact]
        public void ChunksAreMadeAsTheyAreRead()
        {
            // A text of a million words: the first chunks come long before the rest is cut.
            string text = Words("token", 1_000_000);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using (IEnumerator<TextChunk> chunks = TextChunker.Split(text, 100, 10).GetEnumerator())
            {
                Assert.True(chunks.MoveNext() && chunks.MoveNext());
                Assert.Equal(1, chunks.Current.Index);
            }
            TimeSpan first = clock.Elapsed;
            clock.Restart();
            int count = TextChunker.Split(text, 100, 10).Count();
            TimeSpan all = clock.Elapsed;
            Assert.True(count > 20_000);
            Assert.True(first.Ticks * 20 < all.Ticks, $"the first two chunks took {first.TotalMilliseconds} ms, all {count} took {all.TotalMilliseconds} ms");
        }
    }
}
