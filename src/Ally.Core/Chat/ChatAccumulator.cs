using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using Ally.Async;

namespace Ally
{
    /// <summary>
    /// Collects a streamed answer: forwards each piece to the listener as it arrives, and builds
    /// the final (or partial) <see cref="ChatResponse"/>.
    /// </summary>
    public sealed class ChatAccumulator
    {
        private readonly StringBuilder _content = new StringBuilder();
        private readonly StringBuilder _thinking = new StringBuilder();
        private readonly ChatRequest _request;
        private readonly string _provider;
        private readonly Action<ChatUpdate>? _listener;
        private readonly Http.RetryAttempt? _attempt;
        private List<PendingCall>? _calls;

        internal ChatAccumulator(ChatRequest request, string provider, Action<ChatUpdate>? listener, Http.RetryAttempt? attempt = null)
        {
            _request = request;
            _provider = provider;
            _listener = listener;
            _attempt = attempt;
            Model = request.Model;
        }

        /// <summary>True once any content or thinking has arrived.</summary>
        public bool HasReceived => _content.Length > 0 || _thinking.Length > 0 || _calls != null;

        /// <summary>The model that answered (the server may name it differently).</summary>
        public string Model { get; set; }
        /// <summary>Why generation stopped, once it has.</summary>
        public string? FinishReason { get; set; }
        /// <summary>Prompt tokens, once known.</summary>
        public int? PromptTokens { get; set; }
        /// <summary>Completion tokens, once known.</summary>
        public int? CompletionTokens { get; set; }
        /// <summary>Total time reported by the provider.</summary>
        public TimeSpan? TotalDuration { get; set; }
        /// <summary>Model load time reported by the provider.</summary>
        public TimeSpan? LoadDuration { get; set; }
        /// <summary>Prompt processing time reported by the provider.</summary>
        public TimeSpan? PromptDuration { get; set; }
        /// <summary>Generation time reported by the provider.</summary>
        public TimeSpan? CompletionDuration { get; set; }
        /// <summary>Cost in USD, once reported.</summary>
        public decimal? Cost { get; set; }
        /// <summary>True once the provider said the answer is finished.</summary>
        public bool IsDone { get; set; }

        /// <summary>Adds a piece of the answer.</summary>
        [MethodImpl(HotPath.Optimize)]
        public void AppendContent(string? text)
        {
            if (string.IsNullOrEmpty(text)) return;
            Received();
            _content.Append(text);
            _listener?.Invoke(new ChatUpdate(ChatUpdateKind.Content, text!));
        }

        /// <summary>Adds a piece of the model's reasoning.</summary>
        [MethodImpl(HotPath.Optimize)]
        public void AppendThinking(string? text)
        {
            if (string.IsNullOrEmpty(text)) return;
            Received();
            _thinking.Append(text);
            _listener?.Invoke(new ChatUpdate(ChatUpdateKind.Thinking, text!));
        }

        /// <summary>Adds a whole tool call (Ollama sends each call complete, arguments as a JSON object).</summary>
        /// <param name="id">The server's id, or null/empty when it gave none (Ally then makes one).</param>
        /// <param name="name">The tool's name.</param>
        /// <param name="arguments">The arguments as JSON text.</param>
        public void AddToolCall(string? id, string name, string arguments)
        {
            _calls ??= new List<PendingCall>();
            var call = new PendingCall { Index = -1 - _calls.Count, Id = id, Name = name };
            call.Arguments.Append(arguments);
            _calls.Add(call);
            Received();
        }

        /// <summary>
        /// Adds a piece of a streamed tool call (OpenAI-style: the first piece of a call carries its id and
        /// name, later pieces with the same <paramref name="index"/> add to its arguments text).
        /// </summary>
        public void AddToolCallPiece(int index, string? id, string? name, string? arguments)
        {
            _calls ??= new List<PendingCall>();
            PendingCall? call = _calls.Find(c => c.Index == index);
            if (call is null)
            {
                call = new PendingCall { Index = index };
                _calls.Add(call);
            }
            if (!string.IsNullOrEmpty(id)) call.Id = id;
            if (!string.IsNullOrEmpty(name)) call.Name = string.IsNullOrEmpty(call.Name) ? name : call.Name + name;
            if (!string.IsNullOrEmpty(arguments)) call.Arguments.Append(arguments);
            Received();
        }

        /// <summary>Something arrived: a failure from here on is not retried (the user may have seen it).</summary>
        private void Received()
        {
            if (_attempt != null) _attempt.Received = true;
        }

        internal ChatResponse Build(bool streamed)
        {
            string content = _content.ToString();
            string thinking = _thinking.ToString();
            var messages = new List<ChatMessage>(_request.Messages.Count + 1);
            messages.AddRange(_request.Messages);
            messages.Add(_calls is null
                ? new ChatMessage(ChatMessage.Roles.Assistant, content, thinking)
                : new ChatMessage(content, thinking, _calls.ConvertAll(c => c.ToCall())));
            return new ChatResponse(content, thinking, Model, _provider, IsDone ? FinishReason : null, PromptTokens, CompletionTokens,
                TotalDuration, LoadDuration, PromptDuration, CompletionDuration, messages, streamed, IsDone, Cost);
        }

        /// <summary>A tool call as it arrives.</summary>
        private sealed class PendingCall
        {
            public int Index;
            public string? Id;
            public string? Name;
            public readonly StringBuilder Arguments = new StringBuilder();

            /// <summary>The call, with an id of Ally's own where the server gave none (older Ollama, llama.cpp's empty ids).</summary>
            public ToolCall ToCall()
            {
                if (string.IsNullOrEmpty(Id)) Id = "call_" + Guid.NewGuid().ToString("N").Substring(0, 12);
                return new ToolCall(Id!, Name ?? string.Empty, Arguments.Length == 0 ? "{}" : Arguments.ToString());
            }
        }
    }
}
