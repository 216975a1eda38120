using System;
using Ally.Http;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// A failure Ollama reported itself, or a body Ally could not read: an HTTP error status, an
    /// <c>{"error":…}</c> line in a stream, or a malformed stream line. Thrown below OllamaSharp (by
    /// <see cref="OllamaErrorHandler"/>) so the server's text survives — OllamaSharp drops it for most
    /// statuses and swallows stream error lines — and turned into an <see cref="AllyException"/> by
    /// <see cref="OllamaConnection"/>.
    /// </summary>
    internal sealed class OllamaResponseException : Exception
    {
        public OllamaResponseException(int? statusCode, string? reasonPhrase, ErrorBody body, bool midStream, string? malformedLine = null)
            : base(body.Message)
        {
            StatusCode = statusCode;
            ReasonPhrase = reasonPhrase;
            Body = body;
            MidStream = midStream;
            MalformedLine = malformedLine;
        }

        /// <summary>The HTTP status, or null for a line in a 200 stream.</summary>
        public int? StatusCode { get; }
        /// <summary>The status's reason phrase.</summary>
        public string? ReasonPhrase { get; }
        /// <summary>What the error body said.</summary>
        public ErrorBody Body { get; }
        /// <summary>The server's error text (short).</summary>
        public string ServerMessage => Body.Message;
        /// <summary>True for an error line (or a malformed line) after the stream had started.</summary>
        public bool MidStream { get; }
        /// <summary>An excerpt of a line that was not JSON, or null.</summary>
        public string? MalformedLine { get; }
        /// <summary>The server's Retry-After, if it sent one.</summary>
        public TimeSpan? RetryAfter { get; set; }
    }
}
