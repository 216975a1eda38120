using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
using Ally.Providers.Ollama;
using Xunit;

namespace Ally.Tests
{
    public class NdjsonErrorGuardStreamTests
    {
        private static async Task<(List<string> Lines, Exception? Error)> ReadLines(string body, int chunk)
        {
            var guard = new NdjsonErrorGuardStream(new TrickleStream(Encoding.UTF8.GetBytes(body), chunk), CancellationToken.None);
            var reader = new StreamReader(guard);
            var lines = new List<string>();
            try
            {
                string? line;
                while ((line = await reader.ReadLineAsync()) != null) lines.Add(line);
                return (lines, null);
            }
            catch (Exception ex)
            {
                return (lines, ex);
            }
        }

        private const string Content1 = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}";
        private const string Content2 = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"lo \\\"error\\\": x\"},\"done\":false}";
        private const string Done = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}";

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        [InlineData(4096)]
        public async Task PassesANormalStreamThroughUnchanged(int chunk)
        {
            var (lines, error) = await ReadLines(Content1 + "\n" + Content2 + "\n" + Done + "\n", chunk);
            Assert.Null(error);
            Assert.Equal(new[] { Content1, Content2, Done }, lines);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(13)]
        [InlineData(4096)]
        public async Task DeliversEveryLineBeforeAnErrorLineThenThrowsWithTheServerText(int chunk)
        {
            string body = Content1 + "\n" + Content2 + "\n{\"error\":\"an error was encountered while running the model\"}\n";
            var (lines, error) = await ReadLines(body, chunk);
            Assert.Equal(new[] { Content1, Content2 }, lines);
            var ollama = Assert.IsType<OllamaResponseException>(error);
            Assert.True(ollama.MidStream);
            Assert.Equal("an error was encountered while running the model", ollama.ServerMessage);
        }

        [Fact]
        public async Task AnErrorLineWithoutATrailingNewlineIsStillSeen()
        {
            var (lines, error) = await ReadLines(Content1 + "\n{\"error\":\"boom\"}", 5);
            Assert.Single(lines);
            Assert.Equal("boom", Assert.IsType<OllamaResponseException>(error).ServerMessage);
        }

        [Fact]
        public async Task LinesLongerThanTheBufferSurvive()
        {
            string longLine = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"" + new string('x', 100_000) + "\"},\"done\":false}";
            var (lines, error) = await ReadLines(longLine + "\n" + Done + "\n", 3000);
            Assert.Null(error);
            Assert.Equal(new[] { longLine, Done }, lines);
        }

        [Theory]
        [InlineData("{\"error\":\"x\"}", "x")]
        [InlineData("  {\"error\" : \"spaced\"}\r\n", "spaced")]
        [InlineData("{\"model\":\"m\",\"error\":\"late\"}", "late")]
        [InlineData("{\"model\":\"m\",\"message\":{\"content\":\"\\\"error\\\":1\"}}", null)]
        [InlineData("{\"message\":{\"error\":\"nested is not a stream error\"}}", null)]
        public void RecognisesOnlyTopLevelErrorLines(string line, string? expected)
        {
            var error = Record.Exception(() => OllamaErrorHandler.CheckLine(Encoding.UTF8.GetBytes(line))) as OllamaResponseException;
            Assert.Equal(expected, error?.ServerMessage);
            if (error != null) Assert.True(error.MidStream);
        }

        [Theory]
        [InlineData("not json \"error\"")]
        [InlineData("{\"status\":\"pulling 6a0746a1ec1a\",\"digest\":\"sha256:6a07")]
        [InlineData("[1,2]")]
        public void AMalformedLineFailsWithAnExcerptOfIt(string line)
        {
            var error = Assert.Throws<OllamaResponseException>(() => OllamaErrorHandler.CheckLine(Encoding.UTF8.GetBytes(line)));
            Assert.NotNull(error.MalformedLine);
            Assert.StartsWith(line.Substring(0, Math.Min(8, line.Length)), error.MalformedLine);
        }

        [Theory]
        [InlineData("{\"error\":\"model 'nope' not found\"}", "model 'nope' not found")]
        [InlineData("upstream gone", "upstream gone")]
        [InlineData("", "Bad Gateway")]
        [InlineData("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", "502 Bad Gateway")]
        public void ReadsErrorBodies(string body, string expected)
        {
            Assert.Equal(expected, ErrorBody.Parse(body, "Bad Gateway").Message);
        }
    }
}
