using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// Sits under OllamaSharp in Ally's HttpClient and keeps what OllamaSharp loses (protocols §2.4):
    /// an error status becomes an <see cref="OllamaResponseException"/> with the server's text, and a
    /// streamed body is wrapped so that an <c>{"error":…}</c> line fails the read instead of being
    /// yielded as an empty chunk.
    /// </summary>
    internal sealed class OllamaErrorHandler : DelegatingHandler
    {
        public OllamaErrorHandler(HttpMessageHandler inner) : base(inner) { }

        /// <summary>
        /// The caller's token for the request being sent. HttpClient hands the handler a linked token
        /// that it disposes once headers arrive, so a streamed body could no longer be aborted by it;
        /// the provider sets this (it flows with the async call) so the body stays cancellable.
        /// </summary>
        internal static readonly AsyncLocal<CancellationToken> RequestCancellation = new AsyncLocal<CancellationToken>();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    string body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    throw new OllamaResponseException((int)response.StatusCode, ReadErrorText(body, response.ReasonPhrase), midStream: false)
                    {
                        RetryAfter = Ally.Http.HttpErrors.RetryAfter(response),
                    };
                }
            }

            string? mediaType = response.Content?.Headers.ContentType?.MediaType;
            if (response.Content != null && string.Equals(mediaType, "application/x-ndjson", StringComparison.OrdinalIgnoreCase))
            {
                Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var guarded = new StreamContent(new NdjsonErrorGuardStream(body, RequestCancellation.Value));
                foreach (var header in response.Content.Headers) guarded.Headers.TryAddWithoutValidation(header.Key, header.Value);
                response.Content = guarded;
            }
            return response;
        }

        /// <summary>The <c>error</c> string of an Ollama error body, or the raw body when it is not one.</summary>
        internal static string ReadErrorText(string body, string? reasonPhrase)
        {
            string trimmed = body.Trim();
            if (trimmed.StartsWith("{", StringComparison.Ordinal))
            {
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(trimmed);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out JsonElement error))
                    {
                        return error.ValueKind == JsonValueKind.String ? error.GetString() ?? string.Empty : error.GetRawText();
                    }
                }
                catch (JsonException)
                {
                    // Not JSON after all: fall through to the raw text.
                }
            }
            return trimmed.Length > 0 ? trimmed : reasonPhrase ?? "no details";
        }

        /// <summary>If <paramref name="line"/> is an Ollama error line, its message; otherwise null.</summary>
        internal static string? TryReadErrorLine(ReadOnlySpan<byte> line)
        {
            // Cheap pre-filter: in a normal chunk the bytes "error" with a closing quote only appear as
            // a property name — inside a string value the quotes would be escaped.
            if (line.IndexOf(ErrorProperty) < 0) return null;
            try
            {
                var reader = new Utf8JsonReader(line);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isError = reader.ValueTextEquals(ErrorName);
                    reader.Read();
                    if (isError)
                    {
                        return reader.TokenType == JsonTokenType.String
                            ? reader.GetString()
                            : Encoding.UTF8.GetString(line.ToArray());
                    }
                    reader.Skip();
                }
            }
            catch (JsonException)
            {
                // A malformed line is OllamaSharp's to report.
            }
            return null;
        }

        private static readonly byte[] ErrorProperty = Encoding.UTF8.GetBytes("\"error\"");
        private static readonly byte[] ErrorName = Encoding.UTF8.GetBytes("error");
    }
}
