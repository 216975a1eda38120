using System;
using System.Collections.Generic;

namespace Ally
{
    /// <summary>
    /// The answer to one chat turn. <see cref="ToString"/> is the answer's text, so piping a
    /// response to Set-Content writes the answer.
    /// </summary>
    public sealed class ChatResponse
    {
        internal ChatResponse(string content, string? thinking, string model, string provider, string? finishReason,
            int? promptTokens, int? completionTokens, TimeSpan? totalDuration, TimeSpan? loadDuration, TimeSpan? promptDuration,
            TimeSpan? completionDuration, IReadOnlyList<ChatMessage> messages, bool streamed, bool complete, decimal? cost)
        {
            Content = content;
            Thinking = string.IsNullOrEmpty(thinking) ? null : thinking;
            Model = model;
            Provider = provider;
            FinishReason = finishReason;
            PromptTokens = promptTokens;
            CompletionTokens = completionTokens;
            TotalDuration = totalDuration;
            LoadDuration = loadDuration;
            PromptDuration = promptDuration;
            CompletionDuration = completionDuration;
            Messages = messages;
            Streamed = streamed;
            IsComplete = complete;
            Cost = cost;
        }

        /// <summary>The answer.</summary>
        public string Content { get; }
        /// <summary>The model's reasoning, for thinking models.</summary>
        public string? Thinking { get; }
        /// <summary>The model that answered.</summary>
        public string Model { get; }
        /// <summary>The provider that served the request (ollama).</summary>
        public string Provider { get; }
        /// <summary>Why generation stopped: stop, length, … (null for an incomplete answer).</summary>
        public string? FinishReason { get; }
        /// <summary>Tokens in the prompt, as the provider counted them.</summary>
        public int? PromptTokens { get; }
        /// <summary>Tokens generated.</summary>
        public int? CompletionTokens { get; }
        /// <summary>Prompt plus completion tokens.</summary>
        public int? TotalTokens => PromptTokens is null && CompletionTokens is null ? null : (PromptTokens ?? 0) + (CompletionTokens ?? 0);
        /// <summary>What the request cost in USD (credits), where the provider reports it (OpenRouter).</summary>
        public decimal? Cost { get; }
        /// <summary>Time the provider spent on the whole request.</summary>
        public TimeSpan? TotalDuration { get; }
        /// <summary>Time spent loading the model.</summary>
        public TimeSpan? LoadDuration { get; }
        /// <summary>Time spent reading the prompt.</summary>
        public TimeSpan? PromptDuration { get; }
        /// <summary>Time spent generating the answer.</summary>
        public TimeSpan? CompletionDuration { get; }
        /// <summary>Generation speed, from the provider's own counts.</summary>
        public double? TokensPerSecond => CompletionTokens is int n && CompletionDuration is TimeSpan d && d > TimeSpan.Zero ? n / d.TotalSeconds : null;
        /// <summary>The conversation, including this answer as its last turn.</summary>
        public IReadOnlyList<ChatMessage> Messages { get; }
        /// <summary>True when the answer was already written to the host as it streamed.</summary>
        public bool Streamed { get; }
        /// <summary>False for the partial answer kept on an error.</summary>
        public bool IsComplete { get; }
        /// <summary>The tool calls made on the way to this answer (-Tool), in order, each with its outcome; empty when none.</summary>
        public IReadOnlyList<ToolCallResult> ToolCalls { get; internal set; } = Array.Empty<ToolCallResult>();
        /// <summary>With -Format json or -Schema: the answer's JSON, checked (without a code fence the model may have put around it).</summary>
        public string? Json { get; internal set; }
        /// <summary>True when the model still wanted tools after -MaxToolCalls calls: the answer may be unfinished.</summary>
        public bool ToolCallLimitReached { get; internal set; }

        /// <summary>
        /// This answer as the last round of a turn with tool calls: the whole conversation, every call,
        /// and the token counts and cost of all rounds together.
        /// </summary>
        internal ChatResponse AfterTools(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolCallResult> calls, bool limitReached,
            int? earlierPromptTokens, int? earlierCompletionTokens, decimal? earlierCost) =>
            new ChatResponse(Content, Thinking, Model, Provider, FinishReason, Sum(PromptTokens, earlierPromptTokens), Sum(CompletionTokens, earlierCompletionTokens),
                TotalDuration, LoadDuration, PromptDuration, CompletionDuration, messages, Streamed, IsComplete, Sum(Cost, earlierCost))
            {
                ToolCalls = calls,
                ToolCallLimitReached = limitReached,
            };

        /// <summary>A total of counts that may be unknown: unknown only when both are.</summary>
        internal static int? Sum(int? a, int? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);

        /// <summary>A total of costs that may be unknown: unknown only when both are.</summary>
        internal static decimal? Sum(decimal? a, decimal? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);

        /// <summary>The answer's text.</summary>
        public override string ToString() => Content;
    }
}
