using System;
using System.Collections.Generic;
using System.Linq;

namespace Ally
{
    /// <summary>
    /// A chat so far: its messages (the system prompt, then user and assistant turns), and the provider
    /// and model it was held with. Invoke-AllyChat continues one (-Conversation, or a piped ChatResponse
    /// or Conversation); Export-/Import-AllyConversation save and load one. It never holds an API key.
    /// </summary>
    public sealed class Conversation
    {
        /// <summary>Creates a conversation from its messages.</summary>
        public Conversation(IEnumerable<ChatMessage> messages, string? provider = null, string? model = null)
        {
            if (messages is null) throw new ArgumentNullException(nameof(messages));
            Messages = messages.ToList();
            Provider = string.IsNullOrEmpty(provider) ? null : provider;
            Model = string.IsNullOrEmpty(model) ? null : model;
        }

        /// <summary>The conversation a response ends: its request's messages and the answer.</summary>
        public static Conversation From(ChatResponse response) =>
            new Conversation((response ?? throw new ArgumentNullException(nameof(response))).Messages, response.Provider, response.Model);

        /// <summary>Every message, in order.</summary>
        public IReadOnlyList<ChatMessage> Messages { get; }
        /// <summary>The provider it was held with (ollama, openrouter, openai), or null.</summary>
        public string? Provider { get; }
        /// <summary>The model it was held with, or null.</summary>
        public string? Model { get; }
        /// <summary>The system prompt (the first message when it is a system message), or null.</summary>
        public string? SystemPrompt => Messages.Count > 0 && Messages[0].Role == ChatMessage.Roles.System ? Messages[0].Content : null;
        /// <summary>How many user turns it has.</summary>
        public int Turns => Messages.Count(m => m.Role == ChatMessage.Roles.User);
        /// <summary>The last assistant answer, or null.</summary>
        public string? LastAnswer => Messages.LastOrDefault(m => m.Role == ChatMessage.Roles.Assistant)?.Content;

        /// <inheritdoc />
        public override string ToString() => LastAnswer ?? string.Empty;
    }
}
