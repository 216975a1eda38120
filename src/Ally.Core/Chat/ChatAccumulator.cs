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

        internal ChatAccumulator(ChatRequest request, string provider, Action<ChatUpdate>? listener, Http.RetryAttempt? attempt = null)
        {
            _request = request;
            _provider = provider;
            _listener = listener;
            _attempt = attempt;
            Model = request.Model;
        }

        /// <summary>True once any content or thinking has arrived.</summary>
        public bool HasReceived => _content.Length > 0 || _thinking.Length > 0;

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
            if (_attempt != null) _attempt.Received = true;
            _content.Append(text);
            _listener?.Invoke(new ChatUpdate(ChatUpdateKind.Content, text!));
        }

        /// <summary>Adds a piece of the model's reasoning.</summary>
        [MethodImpl(HotPath.Optimize)]
        public void AppendThinking(string? text)
        {
            if (string.IsNullOrEmpty(text)) return;
            if (_attempt != null) _attempt.Received = true;
            _thinking.Append(text);
            _listener?.Invoke(new ChatUpdate(ChatUpdateKind.Thinking, text!));
        }

        internal ChatResponse Build(bool streamed)
        {
            string content = _content.ToString();
            string thinking = _thinking.ToString();
            var messages = new List<ChatMessage>(_request.Messages.Count + 1);
            messages.AddRange(_request.Messages);
            messages.Add(new ChatMessage(ChatMessage.Roles.Assistant, content, thinking));
            return new ChatResponse(content, thinking, Model, _provider, IsDone ? FinishReason : null, PromptTokens, CompletionTokens,
                TotalDuration, LoadDuration, PromptDuration, CompletionDuration, messages, streamed, IsDone, Cost);
        }
    }
}
