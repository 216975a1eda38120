using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Embeddings;
using Xunit;
using Xunit.Abstractions;

namespace Ally.Tests
{
    /// <summary>The simple provider's hashing embedder: its exact output, its shape, and how well it ranks.</summary>
    public class SimpleEmbedderTests
    {
        private readonly ITestOutputHelper _output;

        public SimpleEmbedderTests(ITestOutputHelper output) => _output = output;

        internal static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "Embeddings", name);

        private static double Dot(float[] a, float[] b)
        {
            double sum = 0;
            for (int i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
            return sum;
        }

        private static double Length(float[] v) => Math.Sqrt(Dot(v, v));

        /// <summary>
        /// The same text gives the same bits as when the file was made, in any process, on any machine.
        /// The file holds hash-v1's vectors; when the algorithm changes (and with it ModelName), make
        /// a new file: set ALLY_WRITE_EMBEDDER_VECTORS to a path, run this test, and check that file in.
        /// </summary>
        [Fact]
        public void GivesTheCheckedInVectorsBitForBit()
        {
            using JsonDocument file = JsonDocument.Parse(File.ReadAllText(DataFile("simple-vectors.json")));
            Assert.Equal(SimpleEmbedder.ModelName, file.RootElement.GetProperty("model").GetString());
            var cases = file.RootElement.GetProperty("cases").EnumerateArray()
                .Select(c => (Text: c.GetProperty("text").GetString()!, Dimensions: c.GetProperty("dimensions").GetInt32(),
                    Vector: c.GetProperty("vector").EnumerateArray().Select(x => x.GetSingle()).ToArray()))
                .ToList();

            string? rewrite = Environment.GetEnvironmentVariable("ALLY_WRITE_EMBEDDER_VECTORS");
            if (!string.IsNullOrEmpty(rewrite))
            {
                WriteVectors(rewrite!, cases.Select(c => (c.Text, c.Dimensions)));
                return;
            }

            Assert.True(cases.Count >= 8);
            foreach (var c in cases)
            {
                float[] actual = SimpleEmbedder.Embed(c.Text, c.Dimensions);
                Assert.Equal(c.Vector.Length, actual.Length);
                for (int i = 0; i < actual.Length; i++)
                {
                    if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(c.Vector[i]))
                        Assert.Fail($"'{Messages.Excerpt(c.Text, 40)}' ({c.Dimensions}): coordinate {i} is {actual[i]:R}, the file has {c.Vector[i]:R}");
                }
            }
        }

        private static void WriteVectors(string path, IEnumerable<(string Text, int Dimensions)> cases)
        {
            using var stream = File.Create(path);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            json.WriteString("model", SimpleEmbedder.ModelName);
            json.WriteStartArray("cases");
            foreach (var (text, dimensions) in cases)
            {
                json.WriteStartObject();
                json.WriteString("text", text);
                json.WriteNumber("dimensions", dimensions);
                json.WriteStartArray("vector");
                // .NET writes a float's shortest text that reads back to the same bits.
                foreach (float x in SimpleEmbedder.Embed(text, dimensions)) json.WriteNumberValue(x);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        [Theory]
        [InlineData("hello")]
        [InlineData("The quick brown fox jumps over the lazy dog.")]
        [InlineData("Invoke-RestMethod -Uri $uri -Headers @{ Authorization = \"Bearer $token\" }")]
        [InlineData("Привет, мир")]
        [InlineData("日本語のテキスト")]
        [InlineData("x")]
        public void VectorsHaveLengthOne(string text)
        {
            foreach (int dimensions in new[] { 1, 2, 7, 64, 100, SimpleEmbedder.DefaultDimensions, 4096, SimpleEmbedder.MaxDimensions })
            {
                float[] v = SimpleEmbedder.Embed(text, dimensions);
                Assert.Equal(dimensions, v.Length);
                Assert.InRange(Length(v), 0.99999, 1.00001);
            }
        }

        [Theory]
        [InlineData("")]
        [InlineData("   \t\r\n  ")]
        [InlineData("--- !!! ... ??? ___")]
        [InlineData("\uD800 \uDC00")]
        public void TextWithoutLettersOrDigitsIsTheZeroVector(string text)
        {
            float[] v = SimpleEmbedder.Embed(text, 64);
            Assert.Equal(64, v.Length);
            Assert.All(v, x => Assert.Equal(0f, x));
        }

        [Fact]
        public void TheSpanOverloadWritesTheSameNumbers()
        {
            const string Text = "Write the same vector into a caller's buffer.";
            var buffer = new float[300];
            buffer.AsSpan().Fill(float.NaN);
            SimpleEmbedder.Embed(Text, buffer.AsSpan(10, 256));
            Assert.Equal(SimpleEmbedder.Embed(Text, 256), buffer.Skip(10).Take(256).ToArray());
            Assert.True(float.IsNaN(buffer[9]) && float.IsNaN(buffer[266]));

            // A zero vector overwrites what was there.
            SimpleEmbedder.Embed("   ", buffer.AsSpan(10, 256));
            Assert.All(buffer.Skip(10).Take(256), x => Assert.Equal(0f, x));
        }

        [Fact]
        public void ArgumentsAreChecked()
        {
            Assert.Throws<ArgumentNullException>(() => SimpleEmbedder.Embed(null!, 8));
            Assert.Throws<ArgumentNullException>(() => SimpleEmbedder.Embed(null!, new float[8].AsSpan()));
            Assert.Throws<ArgumentOutOfRangeException>(() => SimpleEmbedder.Embed("x", 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => SimpleEmbedder.Embed("x", -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => SimpleEmbedder.Embed("x", SimpleEmbedder.MaxDimensions + 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => SimpleEmbedder.Embed("x", Span<float>.Empty));
        }

        [Theory]
        [InlineData("GetUserName", "getUserName", "get_user_name", "get-user-name", "GET_USER_NAME")]
        [InlineData("HTTPServer", "HttpServer", "http_server", "http-server", "httpServer")]
        [InlineData("utf8Encoding", "Utf8Encoding", "utf8_encoding", "UTF8_ENCODING", "utf8-encoding")]
        public void IdentifiersOfOneNameInAnyStyleAreOneVector(params string[] spellings)
        {
            float[] first = SimpleEmbedder.Embed(spellings[0], 128);
            foreach (string other in spellings.Skip(1)) Assert.Equal(first, SimpleEmbedder.Embed(other, 128));
        }

        [Fact]
        public void AnIdentifierMatchesItsPartsAsWordsAndItsWholeAsOneWord()
        {
            float[] identifier = SimpleEmbedder.Embed("GetUserName", 512);
            double parts = Dot(identifier, SimpleEmbedder.Embed("user name", 512));
            double whole = Dot(identifier, SimpleEmbedder.Embed("username", 512));
            double unrelated = Dot(identifier, SimpleEmbedder.Embed("file path", 512));
            _output.WriteLine($"user name {parts:F3}, username {whole:F3}, file path {unrelated:F3}");
            Assert.True(parts > 0.5, $"'user name' scores {parts:F3}");
            Assert.True(whole > 0.3, $"'username' scores {whole:F3}");
            Assert.True(unrelated < 0.2, $"'file path' scores {unrelated:F3}");
            // A word alone is not split: Username is one part.
            Assert.NotEqual(SimpleEmbedder.Embed("Username", 64), SimpleEmbedder.Embed("UserName", 64));
        }

        [Fact]
        public void CaseDoesNotMatterAndTheCurrentCultureIsNotUsed()
        {
            const string Text = "TITLE Index İSTANBUL Größe ΣΟΦΙΑ";
            float[] expected = SimpleEmbedder.Embed(Text, 256);
            Assert.Equal(expected, SimpleEmbedder.Embed(Text.ToLowerInvariant(), 256));
            CultureInfo saved = CultureInfo.CurrentCulture;
            try
            {
                CultureInfo.CurrentCulture = new CultureInfo("tr-TR");
                Assert.Equal(expected, SimpleEmbedder.Embed(Text, 256));
            }
            finally
            {
                CultureInfo.CurrentCulture = saved;
            }
        }

        [Fact]
        public void FormsOfAWordMatchThroughTheirPieces()
        {
            float[] connection = SimpleEmbedder.Embed("connection", 512);
            double related = Dot(connection, SimpleEmbedder.Embed("connect", 512));
            double unrelated = Dot(connection, SimpleEmbedder.Embed("banana", 512));
            _output.WriteLine($"connect {related:F3}, banana {unrelated:F3}");
            Assert.True(related > 0.4 && unrelated < 0.15, $"connect {related:F3}, banana {unrelated:F3}");
        }

        [Fact]
        public void RepeatedWordsCountSublinearly()
        {
            // 1 + ln tf, computed without Math.Log, agrees with it.
            foreach (int n in new[] { 1, 2, 3, 10, 255, 256, 1000, 123456, int.MaxValue })
                Assert.Equal(1 + Math.Log(n), SimpleEmbedder.SublinearWeight(n), 12);
            // Saying a word many times does not drown the rest of the text.
            float[] v = SimpleEmbedder.Embed(string.Concat(Enumerable.Repeat("error ", 1000)) + "timeout", 512);
            Assert.True(Dot(v, SimpleEmbedder.Embed("timeout", 512)) > 0.1);
        }

        [Fact]
        public void AHugeTextLeavesNothingBehindForTheNextOne()
        {
            const string Short = "a short text after a long one";
            float[] before = SimpleEmbedder.Embed(Short, 128);
            var huge = new StringBuilder();
            for (int i = 0; i < 120_000; i++) huge.Append("word").Append(i.ToString(CultureInfo.InvariantCulture)).Append(' ');
            float[] hugeVector = SimpleEmbedder.Embed(huge.ToString(), 128);
            Assert.InRange(Length(hugeVector), 0.99999, 1.00001);
            Assert.Equal(before, SimpleEmbedder.Embed(Short, 128));
            Assert.Equal(hugeVector, SimpleEmbedder.Embed(huge.ToString(), 128));
        }

        [Fact]
        public void ThreadsEmbedIndependently()
        {
            string[] texts = Enumerable.Range(0, 64).Select(i => $"document {i} about topic{i % 7} and GetValue{i}").ToArray();
            float[][] expected = texts.Select(t => SimpleEmbedder.Embed(t, 96)).ToArray();
            var actual = new float[texts.Length][];
            Parallel.For(0, texts.Length * 20, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
            {
                int i = k % texts.Length;
                actual[i] = SimpleEmbedder.Embed(texts[i], 96);
            });
            for (int i = 0; i < texts.Length; i++) Assert.Equal(expected[i], actual[i]);
        }

        /// <summary>
        /// The labelled ranking set: each query's document must come first (by cosine) for at least 80%
        /// of the queries. The queries share some words with their documents; the embedder knows no
        /// synonyms, so that is all it can go by.
        /// </summary>
        [Fact]
        public void RanksTheRightDocumentFirstForMostQueries()
        {
            using JsonDocument file = JsonDocument.Parse(File.ReadAllText(DataFile("ranking.json")));
            var documents = file.RootElement.GetProperty("documents").EnumerateArray()
                .Select(d => (Id: d.GetProperty("id").GetString()!, Vector: SimpleEmbedder.Embed(d.GetProperty("text").GetString()!, SimpleEmbedder.DefaultDimensions)))
                .ToList();
            var queries = file.RootElement.GetProperty("queries").EnumerateArray()
                .Select(q => (Query: q.GetProperty("query").GetString()!, Expected: q.GetProperty("expected").GetString()!))
                .ToList();
            Assert.True(documents.Count >= 10 && queries.Count >= 15);
            Assert.All(queries, q => Assert.Contains(documents, d => d.Id == q.Expected));

            int right = 0;
            foreach (var (query, expected) in queries)
            {
                float[] q = SimpleEmbedder.Embed(query, SimpleEmbedder.DefaultDimensions);
                var ranked = documents.Select(d => (d.Id, Score: Dot(q, d.Vector))).OrderByDescending(r => r.Score).ToList();
                if (ranked[0].Id == expected)
                {
                    right++;
                    continue;
                }
                double expectedScore = ranked.First(r => r.Id == expected).Score;
                _output.WriteLine($"'{query}': {ranked[0].Id} first ({ranked[0].Score:F3}), {expected} scored {expectedScore:F3}");
            }
            _output.WriteLine($"{right} of {queries.Count} queries found their document first.");
            Assert.True(right >= 0.8 * queries.Count, $"only {right} of {queries.Count} queries found their document first");
        }
    }
}
