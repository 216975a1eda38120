using System;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// A failure Ollama reported itself: an HTTP error status or an <c>{"error":…}</c> line in a
    /// stream. Thrown below OllamaSharp (by <see cref="OllamaErrorHandler"/>) so the server's text
    /// survives — OllamaSharp drops it for most statuses and swallows stream error lines.
    /// </summary>
    internal sealed class OllamaResponseException : Exception
    {
        public OllamaResponseException(int? statusCode, string serverMessage, bool midStream)
            : base(serverMessage)
        {
            StatusCode = statusCode;
            ServerMessage = serverMessage;
            MidStream = midStream;
        }

        /// <summary>The HTTP status, or null for an error line in a 200 stream.</summary>
        public int? StatusCode { get; }
        public string ServerMessage { get; }
        /// <summary>True for an error line that arrived after the stream had started.</summary>
        public bool MidStream { get; }
        /// <summary>The server's Retry-After, if it sent one.</summary>
        public TimeSpan? RetryAfter { get; set; }
    }
}
