namespace Ally
{
    /// <summary>What kind of text a streamed piece is.</summary>
    public enum ChatUpdateKind
    {
        /// <summary>Part of the answer.</summary>
        Content,
        /// <summary>Part of the model's reasoning.</summary>
        Thinking,
    }

    /// <summary>A piece of an answer as it streams in.</summary>
    public readonly struct ChatUpdate
    {
        /// <summary>Creates an update.</summary>
        public ChatUpdate(ChatUpdateKind kind, string text)
        {
            Kind = kind;
            Text = text;
        }

        /// <summary>Content or thinking.</summary>
        public ChatUpdateKind Kind { get; }
        /// <summary>The text received.</summary>
        public string Text { get; }
    }
}
