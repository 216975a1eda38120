using System;
using System.Linq;
using System.Text;
using Ally.Embeddings;
using Xunit;

namespace Ally.Tests
{
    /// <summary>The token estimate that sizes chunks: its two rules, and how it compares with real tokenizers.</summary>
    public class TokenEstimateTests
    {
        [Theory]
        [InlineData("", 0)]
        [InlineData("a", 1)]
        [InlineData("hello", 2)]                       // 5 bytes
        [InlineData("     ", 2)]                       // white space counts in the bytes
        [InlineData("The cat sat on the mat.", 8)]     // 23 bytes
        [InlineData("é", 1)]                           // 2 bytes
        [InlineData("日本語", 3)]                       // 9 bytes
        [InlineData("😀", 2)]                          // 4 bytes, one piece
        [InlineData("{\"a\":1,\"b\":[2,3]}", 17)]      // 17 pieces: every symbol and every run
        [InlineData("a1b2c3d4e5f6", 12)]               // letters and digits take turns: 12 pieces
        [InlineData("getUserNameAsync", 6)]            // 16 bytes; 4 pieces
        [InlineData("HTTPServer", 4)]                  // 10 bytes; capitals after capitals start no piece
        [InlineData("x = a + b;", 6)]                  // 10 bytes → 4; x = a + b ; → 6 pieces
        public void TakesTheLargerOfBytesAndPieces(string text, int expected)
        {
            Assert.Equal(expected, TokenEstimate.Estimate(text));
            Assert.Equal(expected, TokenEstimate.Estimate(text.AsSpan()));
        }

        [Fact]
        public void NullIsRefused() => Assert.Throws<ArgumentNullException>(() => TokenEstimate.Estimate((string)null!));

        [Fact]
        public void ASurrogatePairIsFourBytesAndOnePiece()
        {
            Assert.Equal(1, TokenEstimate.Count("🎉".AsSpan()).Pieces);
            Assert.Equal(4, TokenEstimate.Count("🎉".AsSpan()).Bytes);
            Assert.Equal(Encoding.UTF8.GetByteCount("Ünïcödé 日本 🎉 abc"), TokenEstimate.Count("Ünïcödé 日本 🎉 abc".AsSpan()).Bytes);
        }

        [Fact]
        public void ControlCharactersAreNoPieces() => Assert.Equal(0, TokenEstimate.Count("\0\u0001\u007F\u0085".AsSpan()).Pieces);

        [Fact]
        public void TextsJoinedAtWhiteSpaceAddUp()
        {
            var random = new Random(7);
            string[] words = { "alpha", "Beta2", "{x}", "日本", "😀", "naïve", "getValue", "42", "--", "a,b" };
            for (int round = 0; round < 200; round++)
            {
                string a = string.Join(" ", Enumerable.Range(0, random.Next(1, 8)).Select(_ => words[random.Next(words.Length)]));
                string b = string.Join(" ", Enumerable.Range(0, random.Next(1, 8)).Select(_ => words[random.Next(words.Length)]));
                TokenEstimate.Tally whole = TokenEstimate.Count((a + "\n" + b).AsSpan());
                TokenEstimate.Tally parts = TokenEstimate.Count(a.AsSpan()) + TokenEstimate.Count("\n".AsSpan()) + TokenEstimate.Count(b.AsSpan());
                Assert.Equal(parts.Bytes, whole.Bytes);
                Assert.Equal(parts.Pieces, whole.Pieces);
                Assert.True(whole.Tokens <= TokenEstimate.Estimate(a) + TokenEstimate.Estimate("\n") + TokenEstimate.Estimate(b));
            }
        }

        [Fact]
        public void AVeryLongTextIsCountedWithoutOverflow()
        {
            string text = new string('x', 50_000_000);
            Assert.Equal(50_000_000 / 3 + 1, TokenEstimate.Estimate(text));
        }

        /// <summary>
        /// Real counts of OpenAI's cl100k and o200k tokenizers for these texts (counted once with a
        /// tokenizer library, which the tests do not need): the estimate is at least three quarters of
        /// both for prose, code, JSON and several scripts.
        /// </summary>
        [Theory]
        [InlineData(28, 28, "Embeddings turn text into vectors, so that texts about the same thing end up close together and a search can rank them by cosine similarity.")]
        [InlineData(39, 45, "public static async Task<IReadOnlyList<Embedding>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) { return await _provider.EmbedAsync(texts, cancellationToken).ConfigureAwait(false); }")]
        [InlineData(41, 38, "Get-ChildItem -Path $HOME/notes -Filter *.md -Recurse | New-AllyEmbedding -ChunkSize 512 | Export-AllyEmbedding -Path notes.allyemb")]
        [InlineData(27, 28, "{\"model\":\"nomic-embed-text\",\"input\":[\"first\",\"second\"],\"truncate\":false,\"options\":{\"num_ctx\":8192}}")]
        [InlineData(28, 22, "Die Einbettungen werden lokal berechnet und in einer Datei gespeichert, damit die Suche später ohne Netzwerk funktioniert.")]
        [InlineData(35, 22, "Векторные представления вычисляются локально и сохраняются в файл, чтобы поиск работал без сети.")]
        [InlineData(29, 25, "嵌入向量在本地计算并保存到文件中，这样以后无需网络也能进行搜索。")]
        [InlineData(37, 37, "3f9a0c7b12e4d5a6b7c8d9e0f1a2b3c4d5e6f708")]
        public void IsAtLeastThreeQuartersOfRealTokenizersCounts(int cl100k, int o200k, string text)
        {
            int estimate = TokenEstimate.Estimate(text);
            Assert.True(estimate >= 0.75 * Math.Max(cl100k, o200k), $"estimate {estimate}, cl100k {cl100k}, o200k {o200k}");
        }
    }
}
