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

        /// <summary>system, user, assistant or tool.</summary>
        public string Role { get; }
        /// <summary>The text of the turn.</summary>
        public string Content { get; }
        /// <summary>The model's reasoning, for assistant turns of thinking models.</summary>
        public string? Thinking { get; }

        /// <summary>The role names Ally uses.</summary>
        public static class Roles
        {
            /// <summary>Instructions for the model.</summary>
            public const string System = "system";
            /// <summary>The user's turn.</summary>
            public const string User = "user";
            /// <summary>The model's turn.</summary>
            public const string Assistant = "assistant";
        }

        /// <inheritdoc />
        public override string ToString() => Role + ": " + Content;
    }
}
