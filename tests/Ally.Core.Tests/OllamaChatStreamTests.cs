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
    /// <summary>Ally's own reading of /api/chat NDJSON lines (protocols §1.3 fixtures).</summary>
    public class OllamaChatStreamTests
    {
        private static ChatAccumulator Answer(List<ChatUpdate>? updates = null) =>
            new ChatAccumulator(new ChatRequest("llama3.2", new[] { new ChatMessage("user", "hi") }), "ollama", updates is null ? null : updates.Add);

        private static void Apply(ChatAccumulator answer, string line) => OllamaChatProvider.ApplyLine(Encoding.UTF8.GetBytes(line), answer);

        [Fact]
        public void ReadsThinkingContentAndTheFinalMetrics()
        {
            var updates = new List<ChatUpdate>();
            ChatAccumulator answer = Answer(updates);
            Apply(answer, "{\"model\":\"qwen3\",\"created_at\":\"2025-10-26T17:15:24.09Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"Let me count\"},\"done\":false}");
            Apply(answer, "{\"model\":\"qwen3\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"message\":{\"role\":\"assistant\",\"content\":\"The\",\"images\":null},\"done\":false}");
            Apply(answer, "{\"model\":\"qwen3\",\"created_at\":\"2025-07-07T20:22:19.184789Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_x\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}}]},\"done\":false}");
            Assert.False(answer.IsDone);
            Apply(answer, "{\"model\":\"qwen3\",\"created_at\":\"2025-07-07T20:22:19.19314Z\",\"message\":{\"role\":\"assistant\",\"content\":\" end\"},\"done_reason\":\"stop\",\"done\":true," +
                "\"total_duration\":182242375,\"load_duration\":41295167,\"prompt_eval_count\":169,\"prompt_eval_duration\":24573166,\"eval_count\":15,\"eval_duration\":115959084}");

            ChatResponse r = answer.Build(streamed: true);
            Assert.Equal("The end", r.Content);
            Assert.Equal("Let me count", r.Thinking);
            Assert.Equal("qwen3", r.Model);
            Assert.Equal("stop", r.FinishReason);
            Assert.Equal(169, r.PromptTokens);
            Assert.Equal(15, r.CompletionTokens);
            Assert.Equal(TimeSpan.FromTicks(1822423), r.TotalDuration);
            Assert.Equal(TimeSpan.FromTicks(1159590), r.CompletionDuration);
            Assert.Equal(new[] { ChatUpdateKind.Thinking, ChatUpdateKind.Content, ChatUpdateKind.Content }, updates.ConvertAll(u => u.Kind));
        }

        [Fact]
        public void AFinalChunkWithoutAReasonIsStop()
        {
            ChatAccumulator answer = Answer();
            Apply(answer, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":true}");
            Assert.True(answer.IsDone);
            Assert.Equal("stop", answer.FinishReason);
        }

        [Fact]
        public void AnErrorLineIsAStreamErrorWithTheServersText()
        {
            ChatAccumulator answer = Answer();
            Apply(answer, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"par\"},\"done\":false}");
            var ex = Assert.Throws<OllamaResponseException>(() => Apply(answer, "{\"error\":\"an error was encountered while running the model\"}"));
            Assert.True(ex.MidStream);
            AllyException mapped = OllamaErrors.FromResponse(ex, new Uri("http://h:1/"), "api/chat", "m");
            Assert.Equal("StreamError", mapped.ErrorId);
            Assert.Contains("an error was encountered while running the model", mapped.Message);
            Assert.Equal("par", answer.Build(true).Content);
        }

        [Theory]
        [InlineData("{\"model\":\"llama3.1\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"tru")]
        [InlineData("<html>proxy error</html>")]
        [InlineData("[1,2,3]")]
        [InlineData("{\"done\":true} trailing")]
        public void AMalformedLineIsItsOwnErrorWithAnExcerptAndNoParserInternals(string line)
        {
            ChatAccumulator answer = Answer();
            var ex = Assert.Throws<OllamaResponseException>(() => Apply(answer, line));
            AllyException mapped = OllamaErrors.FromResponse(ex, new Uri("http://h:1/"), "api/chat", "m");
            Assert.Equal("MalformedStream", mapped.ErrorId);
            Assert.Equal(AllyErrorCategory.InvalidData, mapped.Category);
            Assert.Contains(line.Substring(0, Math.Min(10, line.Length)), mapped.Message);
            Assert.DoesNotContain("LineNumber", mapped.Message);
            Assert.DoesNotContain("Path:", mapped.Message);
            Assert.Contains("Run the command again", mapped.Remedy);
        }

        [Fact]
        public async Task TheLineReaderHandsOutWholeLinesAcrossReadsAndSkipsBlankOnes()
        {
            byte[] body = Encoding.UTF8.GetBytes("{\"a\":1}\r\n\n   \n{\"b\":\"" + new string('x', 10000) + "\"}\n{\"c\":3}");
            var reader = new NdjsonReader(new TrickleStream(body, 7));
            var lines = new List<string>();
            while (await reader.ReadLineAsync(CancellationToken.None)) lines.Add(Encoding.UTF8.GetString(reader.Line.ToArray()));
            Assert.Equal(3, lines.Count);
            Assert.Equal("{\"a\":1}", lines[0]);
            Assert.Equal(10008, lines[1].Length);
            Assert.Equal("{\"c\":3}", lines[2]);
        }
    }
}
