using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Ally.Providers.OpenAI;
using Xunit;

namespace Ally.Tests
{
    /// <summary>Ally's reading of chat/completions chunks (protocols §3 and §3.13 shapes).</summary>
    public class OpenAIChunkTests
    {
        private static ChatAccumulator Answer(List<ChatUpdate>? updates = null) =>
            new ChatAccumulator(new ChatRequest("openai/gpt-4o", new[] { new ChatMessage("user", "hi") }), "openrouter", updates is null ? null : updates.Add);

        private static void Apply(ChatAccumulator answer, string json, bool streamed = true) =>
            OpenAIChatProvider.ReadChunk(Encoding.UTF8.GetBytes(json), answer, streamed, "OpenRouter");

        [Fact]
        public void ReadsContentReasoningFinishUsageAndModel()
        {
            var updates = new List<ChatUpdate>();
            ChatAccumulator answer = Answer(updates);
            Apply(answer, "{\"id\":\"gen-1\",\"model\":\"openai/gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning\":\"Hm.\"},\"finish_reason\":null}]}");
            // Content before reasoning_content in the text: the reasoning still goes first.
            Apply(answer, "{\"choices\":[{\"delta\":{\"content\":\"Hel\",\"reasoning_content\":\" Ok.\"},\"finish_reason\":null}],\"model\":\"openai/gpt-4o-2024-08-06\"}");
            Apply(answer, "{\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"content\":\"lo\"}},{\"delta\":{\"content\":\"second choice\"}}]}");
            Apply(answer, "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"cost\":0.00042,\"completion_tokens_details\":{\"reasoning_tokens\":1}}}");
            Assert.Equal(new[] { "T:Hm.", "T: Ok.", "C:Hel", "C:lo" }, updates.Select(u => (u.Kind == ChatUpdateKind.Thinking ? "T:" : "C:") + u.Text));
            ChatResponse r = answer.Build(streamed: true);
            Assert.Equal("Hello", r.Content);
            Assert.Equal("stop", r.FinishReason);
            Assert.Equal("openai/gpt-4o-2024-08-06", r.Model);
            Assert.Equal(12, r.PromptTokens);
            Assert.Equal(3, r.CompletionTokens);
            Assert.Equal(0.00042m, r.Cost);
        }

        [Fact]
        public void PrefersReasoningOverReasoningContentInOneDelta()
        {
            var updates = new List<ChatUpdate>();
            Apply(Answer(updates), "{\"choices\":[{\"delta\":{\"reasoning_content\":\"b\",\"reasoning\":\"a\"}}]}");
            Assert.Equal("a", Assert.Single(updates).Text);
        }

        [Fact]
        public void ReadsAWholeCompletionFromAServerThatIgnoredStream()
        {
            ChatAccumulator answer = Answer();
            Apply(answer, "{\"object\":\"chat.completion\",\"model\":\"qwen\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hi there\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n", streamed: false);
            ChatResponse r = answer.Build(streamed: false);
            Assert.Equal("Hi there", r.Content);
            Assert.Equal("length", r.FinishReason);
            Assert.Equal("qwen", r.Model);
        }

        [Fact]
        public void AppliesTheChunkThenThrowsItsError()
        {
            ChatAccumulator answer = Answer();
            var ex = Assert.Throws<AllyException>(() => Apply(answer,
                "{\"error\":{\"code\":502,\"message\":\"Upstream provider went away\"},\"choices\":[{\"delta\":{\"content\":\"partial\"},\"finish_reason\":\"error\"}]}"));
            Assert.Equal("StreamError", ex.ErrorId);
            Assert.Contains("Upstream provider went away", ex.Message);
            Assert.Equal(502, ex.StatusCode);
            Assert.Equal("partial", answer.Build(streamed: true).Content);
        }

        [Fact]
        public void ReadsTheChoiceErrorOfAnErrorFinish()
        {
            var ex = Assert.Throws<AllyException>(() => Apply(Answer(), "{\"choices\":[{\"delta\":{},\"finish_reason\":\"error\",\"error\":{\"message\":\"content filtered\"}}]}"));
            Assert.Contains("content filtered", ex.Message);
            ex = Assert.Throws<AllyException>(() => Apply(Answer(), "{\"choices\":[{\"delta\":{},\"finish_reason\":\"error\"}]}"));
            Assert.Equal("StreamError", ex.ErrorId);
        }

        [Theory]
        [InlineData("[1,2]")]
        [InlineData("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} trailing")]
        [InlineData("{\"choices\":[\"not an object\"]}")]
        [InlineData("{\"choices\":[{\"delta\":{\"content\":\"cut off")]
        public void RejectsWhatIsNotAChunk(string json)
        {
            Assert.ThrowsAny<JsonException>(() => Apply(Answer(), json));
        }

        [Fact]
        public void IgnoresValuesOfTheWrongTypeInsteadOfFailing()
        {
            ChatAccumulator answer = Answer();
            Apply(answer, "{\"model\":42,\"usage\":{\"prompt_tokens\":\"12\"},\"choices\":[{\"delta\":{\"content\":null},\"finish_reason\":7}]}");
            ChatResponse r = answer.Build(streamed: true);
            Assert.Equal("openai/gpt-4o", r.Model);
            Assert.Null(r.PromptTokens);
            Assert.False(answer.IsDone);
        }
    }
}
