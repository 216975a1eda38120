using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Providers.Ollama;
using Ally.Providers.OpenAI;
using Ally.Tools;
using Xunit;

namespace Ally.Tests
{
    /// <summary>Tool calls as the servers send them (protocols §1.3, §3.5, §3.13), and the loop that runs them.</summary>
    public class ToolCallTests
    {
        private static ChatAccumulator Answer() =>
            new ChatAccumulator(new ChatRequest("m", new[] { new ChatMessage("user", "hi") }), "p", null);

        [Fact]
        public void ReadsOllamaWholeCallsWithObjectArgumentsAndIds()
        {
            ChatAccumulator answer = Answer();
            OllamaChatProvider.ApplyLine(Encoding.UTF8.GetBytes(
                "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[" +
                "{\"id\":\"call_abc\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\",\"days\":[1, 2]}}}," +
                "{\"function\":{\"name\":\"get_time\",\"arguments\":{}}}]},\"done\":false}"), answer);
            OllamaChatProvider.ApplyLine(Encoding.UTF8.GetBytes("{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}"), answer);
            IReadOnlyList<ToolCall> calls = answer.Build(true).Messages.Last().ToolCalls!;
            Assert.Equal(2, calls.Count);
            Assert.Equal("call_abc", calls[0].Id);
            Assert.Equal("get_weather", calls[0].Name);
            Assert.Equal("{\"city\":\"Tokyo\",\"days\":[1, 2]}", calls[0].Arguments);
            // No id from an older server: Ally makes one, and keeps it.
            Assert.StartsWith("call_", calls[1].Id);
            Assert.Equal(calls[1].Id, answer.Build(true).Messages.Last().ToolCalls![1].Id);
            Assert.Equal("{}", calls[1].Arguments);
        }

        [Fact]
        public void AssemblesOpenAIFragmentsByIndex()
        {
            ChatAccumulator answer = Answer();
            void Apply(string json) => OpenAIChatProvider.ReadChunk(Encoding.UTF8.GetBytes(json), answer, true, "OpenRouter");
            Apply("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}");
            Apply("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]}");
            Apply("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{ }\"}}]},\"finish_reason\":null}]}");
            Apply("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Tokyo\\\"}\"}}]},\"finish_reason\":null}]}");
            Apply("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
            ChatResponse r = answer.Build(true);
            Assert.Equal("tool_calls", r.FinishReason);
            IReadOnlyList<ToolCall> calls = r.Messages.Last().ToolCalls!;
            Assert.Equal(new[] { "get_weather", "get_time" }, calls.Select(c => c.Name));
            Assert.Equal("call_1", calls[0].Id);
            Assert.Equal("{\"city\":\"Tokyo\"}", calls[0].Arguments);
            Assert.StartsWith("call_", calls[1].Id);
            Assert.Equal("{ }", calls[1].Arguments);
        }

        [Fact]
        public void ReadsANonStreamedCompletionsCalls()
        {
            ChatAccumulator answer = Answer();
            OpenAIChatProvider.ReadChunk(Encoding.UTF8.GetBytes(
                "{\"choices\":[{\"finish_reason\":\"tool_calls\",\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" +
                "{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}}," +
                "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}"), answer, false, "llama.cpp");
            IReadOnlyList<ToolCall> calls = answer.Build(false).Messages.Last().ToolCalls!;
            Assert.Equal(new[] { "call_a", "call_b" }, calls.Select(c => c.Id));
            Assert.Equal("{\"x\":1}", calls[0].Arguments);
        }

        /// <summary>A provider that answers from a script: each request gets the next reply.</summary>
        private sealed class ScriptedProvider : IChatProvider
        {
            private readonly Queue<Action<ChatAccumulator>> _replies;
            public ScriptedProvider(params Action<ChatAccumulator>[] replies) => _replies = new Queue<Action<ChatAccumulator>>(replies);
            public List<ChatRequest> Requests { get; } = new List<ChatRequest>();
            public string Name => "scripted";

            public Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
            {
                Requests.Add(request);
                (_replies.Count > 1 ? _replies.Dequeue() : _replies.Peek())(answer);
                answer.IsDone = true;
                answer.FinishReason = "stop";
                answer.PromptTokens = 10;
                answer.CompletionTokens = 2;
                return Task.CompletedTask;
            }
        }

        private sealed class EchoTools : IToolRunner
        {
            public List<ToolCall> Calls { get; } = new List<ToolCall>();

            public Task<ToolCallResult> RunAsync(ToolCall call, CancellationToken cancellationToken)
            {
                Calls.Add(call);
                return Task.FromResult(new ToolCallResult(call, ToolCallStatus.Completed, "ran " + call.Name, null, TimeSpan.FromMilliseconds(1)));
            }
        }

        [Fact]
        public async Task LoopSendsResultsUnderTheirIdsAndAddsUpTokens()
        {
            var provider = new ScriptedProvider(a => a.AddToolCall("call_x", "f", "{}"), a => a.AppendContent("done"));
            var tools = new EchoTools();
            ChatResponse r = await ChatTurn.RunAsync(provider, new ChatRequest("m", new[] { new ChatMessage("user", "q") }), new ChatTurnOptions { Tools = tools }, CancellationToken.None);
            Assert.Equal("done", r.Content);
            Assert.Equal(2, provider.Requests.Count);
            ChatMessage result = provider.Requests[1].Messages.Last();
            Assert.Equal("tool", result.Role);
            Assert.Equal("call_x", result.ToolCallId);
            Assert.Equal("ran f", result.Content);
            Assert.Equal(20, r.PromptTokens);
            Assert.Equal(4, r.CompletionTokens);
            Assert.Single(r.ToolCalls);
            Assert.False(r.ToolCallLimitReached);
        }

        /// <summary>A provider whose second request waits until it is cancelled.</summary>
        private sealed class StopsOnSecond : IChatProvider
        {
            public string Name => "scripted";
            private int _requests;

            public async Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
            {
                if (++_requests == 2) await Task.Delay(Timeout.Infinite, cancellationToken);
                answer.AddToolCall("call_1", "f", "{}");
                answer.IsDone = true;
                answer.FinishReason = "stop";
            }
        }

        private sealed class CancellingTools : IToolRunner
        {
            private readonly CancellationTokenSource _stop;
            public CancellingTools(CancellationTokenSource stop) => _stop = stop;

            public Task<ToolCallResult> RunAsync(ToolCall call, CancellationToken cancellationToken)
            {
                _stop.Cancel();
                throw new OperationCanceledException(cancellationToken);
            }
        }

        [Fact]
        public async Task AStopAfterToolsRanKeepsTheExchange()
        {
            using var stop = new CancellationTokenSource();
            var tools = new EchoTools();
            Task<ChatResponse> turn = ChatTurn.RunAsync(new StopsOnSecond(), new ChatRequest("m", new[] { new ChatMessage("user", "q") }), new ChatTurnOptions { Tools = tools }, stop.Token);
            while (tools.Calls.Count == 0) await Task.Delay(10);
            stop.Cancel();
            ChatTurnStoppedException ex = await Assert.ThrowsAsync<ChatTurnStoppedException>(() => turn);
            Assert.False(ex.DuringTools);
            Assert.Equal(new[] { "user", "assistant", "tool" }, ex.Messages.Select(m => m.Role));
            Assert.Equal("call_1", ex.Messages[2].ToolCallId);
            Assert.Equal(ToolCallStatus.Completed, Assert.Single(ex.ToolCalls).Status);
        }

        [Fact]
        public async Task AStopDuringToolsAnswersTheCallsNotRun()
        {
            using var stop = new CancellationTokenSource();
            var provider = new ScriptedProvider(a =>
            {
                a.AddToolCall("call_a", "f", "{}");
                a.AddToolCall("call_b", "g", "{}");
            });
            ChatTurnStoppedException ex = await Assert.ThrowsAsync<ChatTurnStoppedException>(() =>
                ChatTurn.RunAsync(provider, new ChatRequest("m", new[] { new ChatMessage("user", "q") }), new ChatTurnOptions { Tools = new CancellingTools(stop) }, stop.Token));
            Assert.True(ex.DuringTools);
            Assert.Equal(new[] { "call_a", "call_b" }, ex.Messages.Where(m => m.Role == "tool").Select(m => m.ToolCallId));
            Assert.All(ex.ToolCalls, c => Assert.Equal(ToolCallStatus.NotRun, c.Status));
        }

        [Fact]
        public async Task LoopStopsAtTheCapAnsweringEveryCall()
        {
            var provider = new ScriptedProvider(a =>
            {
                a.AddToolCall(null, "f", "{}");
                a.AddToolCall(null, "g", "{}");
            });
            var tools = new EchoTools();
            var warnings = new List<string>();
            ChatResponse r = await ChatTurn.RunAsync(provider, new ChatRequest("m", new[] { new ChatMessage("user", "q") }),
                new ChatTurnOptions { Tools = tools, MaxToolCalls = 3, OnWarning = warnings.Add }, CancellationToken.None);
            Assert.Equal(3, tools.Calls.Count);
            Assert.Equal(2, provider.Requests.Count);
            Assert.True(r.ToolCallLimitReached);
            Assert.Equal(new[] { ToolCallStatus.Completed, ToolCallStatus.Completed, ToolCallStatus.Completed, ToolCallStatus.NotRun }, r.ToolCalls.Select(c => c.Status));
            Assert.Equal(4, r.Messages.Count(m => m.Role == "tool"));
            Assert.Contains("-MaxToolCalls 3", Assert.Single(warnings));
        }
    }
}
