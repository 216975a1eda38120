using System;
using System.Collections.Generic;
using Ally.Tools;

namespace Ally
{
    /// <summary>A provider-neutral chat request.</summary>
    public sealed class ChatRequest
    {
        /// <summary>Creates a request.</summary>
        public ChatRequest(string model, IReadOnlyList<ChatMessage> messages)
        {
            Model = model;
            Messages = messages;
        }

        /// <summary>The model to ask.</summary>
        public string Model { get; }
        /// <summary>The conversation, ending with the user's turn.</summary>
        public IReadOnlyList<ChatMessage> Messages { get; }
        /// <summary>Most tokens to generate (Ollama num_predict).</summary>
        public int? MaxTokens { get; set; }
        /// <summary>Sampling temperature, 0–2.</summary>
        public double? Temperature { get; set; }
        /// <summary>Provider options (for Ollama, the keys of its <c>options</c> object).</summary>
        public IReadOnlyDictionary<string, object?>? Options { get; set; }
        /// <summary>Whole-request time limit; null or zero means none.</summary>
        public TimeSpan? Timeout { get; set; }
        /// <summary>Ollama's keep_alive ("10m", "-1", "0"), or null for the server's default.</summary>
        public string? KeepAlive { get; set; }
        /// <summary>Tools the model may call, or null.</summary>
        public IReadOnlyList<ToolDefinition>? Tools { get; set; }
        /// <summary>The answer's form: null for text, "json" for any JSON, else JSON Schema text the answer must match.</summary>
        public string? Format { get; set; }

        /// <summary>The same request with other messages (and, when given, other options).</summary>
        public ChatRequest With(IReadOnlyList<ChatMessage> messages, IReadOnlyDictionary<string, object?>? options = null) => new ChatRequest(Model, messages)
        {
            MaxTokens = MaxTokens,
            Temperature = Temperature,
            Options = options ?? Options,
            Timeout = Timeout,
            KeepAlive = KeepAlive,
            Tools = Tools,
            Format = Format,
        };
    }
}
