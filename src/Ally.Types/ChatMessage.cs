using System.Collections.Generic;
using System.Linq;

namespace Ally
{
    /// <summary>One turn of a conversation.</summary>
    public sealed class ChatMessage
    {
        /// <summary>Creates a message.</summary>
        /// <param name="role">system, user, assistant or tool.</param>
        /// <param name="content">The text of the turn.</param>
        /// <param name="thinking">The model's reasoning for an assistant turn, if it sent any.</param>
        public ChatMessage(string role, string content, string? thinking = null)
        {
            Role = role;
            Content = content;
            Thinking = string.IsNullOrEmpty(thinking) ? null : thinking;
        }

        /// <summary>Creates an assistant message that calls tools.</summary>
        /// <param name="content">What the model said beside the calls (often nothing).</param>
        /// <param name="thinking">The model's reasoning, if it sent any.</param>
        /// <param name="toolCalls">The calls it made.</param>
        public ChatMessage(string content, string? thinking, IEnumerable<ToolCall> toolCalls)
            : this(Roles.Assistant, content, thinking)
        {
            List<ToolCall> calls = toolCalls?.ToList() ?? new List<ToolCall>();
            ToolCalls = calls.Count == 0 ? null : calls;
        }

        /// <summary>Creates the result of a tool call, answering the call <paramref name="toolCallId"/>.</summary>
        public static ChatMessage ToolResult(string toolCallId, string toolName, string content) =>
            new ChatMessage(Roles.Tool, content) { ToolCallId = toolCallId, ToolName = toolName };

        /// <summary>system, user, assistant or tool.</summary>
        public string Role { get; }
        /// <summary>The text of the turn.</summary>
        public string Content { get; }
        /// <summary>The model's reasoning, for assistant turns of thinking models.</summary>
        public string? Thinking { get; }
        /// <summary>For an assistant message, the tools it called (null when none).</summary>
        public IReadOnlyList<ToolCall>? ToolCalls { get; }
        /// <summary>For a tool message, the id of the call it answers.</summary>
        public string? ToolCallId { get; private set; }
        /// <summary>For a tool message, the tool that produced it.</summary>
        public string? ToolName { get; private set; }

        /// <summary>The role names Ally uses.</summary>
        public static class Roles
        {
            /// <summary>Instructions for the model.</summary>
            public const string System = "system";
            /// <summary>The user's turn.</summary>
            public const string User = "user";
            /// <summary>The model's turn.</summary>
            public const string Assistant = "assistant";
            /// <summary>A tool's result.</summary>
            public const string Tool = "tool";
        }

        /// <inheritdoc />
        public override string ToString() => Role + ": " + Content;
    }
}
