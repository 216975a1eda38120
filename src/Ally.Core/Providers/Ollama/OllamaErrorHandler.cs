using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;

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
        /// that it disposes once headers arrive, so a streamed body read by OllamaSharp (which reads
        /// without a token) could no longer be aborted by it; <see cref="OllamaConnection"/> sets this
        /// before each OllamaSharp call (it flows with the async call) so the body stays cancellable.
        /// </summary>
        internal static readonly AsyncLocal<CancellationToken> RequestCancellation = new AsyncLocal<CancellationToken>();

        /// <summary>Marks a request whose NDJSON body Ally reads itself (no guard stream needed).</summary>
        internal const string RawBodyProperty = "Ally.RawBody";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    string body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    throw new OllamaResponseException((int)response.StatusCode, response.ReasonPhrase, ErrorBody.Parse(body, response.ReasonPhrase), midStream: false)
                    {
                        RetryAfter = HttpFailures.RetryAfter(response),
                    };
                }
            }

#pragma warning disable CS0618 // HttpRequestMessage.Options does not exist on netstandard2.0
            bool raw = request.Properties.ContainsKey(RawBodyProperty);
#pragma warning restore CS0618
            string? mediaType = response.Content?.Headers.ContentType?.MediaType;
            if (!raw && response.Content != null && string.Equals(mediaType, "application/x-ndjson", StringComparison.OrdinalIgnoreCase))
            {
                Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var guarded = new StreamContent(new NdjsonErrorGuardStream(body, RequestCancellation.Value));
                foreach (var header in response.Content.Headers) guarded.Headers.TryAddWithoutValidation(header.Key, header.Value);
                response.Content = guarded;
            }
            return response;
        }

        /// <summary>
        /// Checks one NDJSON line: an <c>{"error":…}</c> line or a line that is not JSON throws
        /// <see cref="OllamaResponseException"/> (mid-stream); any other line passes.
        /// </summary>
        internal static void CheckLine(ReadOnlySpan<byte> line)
        {
            string? error = null;
            try
            {
                var reader = new Utf8JsonReader(line);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isError = reader.ValueTextEquals(ErrorName);
                    reader.Read();
                    if (isError && error is null)
                    {
                        error = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(line.ToArray());
                    }
                    reader.Skip();
                }
                if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) throw new JsonException();
            }
            catch (JsonException)
            {
                throw Malformed(line);
            }
            if (error != null) throw new OllamaResponseException(null, null, new ErrorBody { Message = Messages.Excerpt(error) }, midStream: true);
        }

        /// <summary>The failure for a stream line that is not JSON, with a short excerpt of it.</summary>
        internal static OllamaResponseException Malformed(ReadOnlySpan<byte> line) =>
            new OllamaResponseException(null, null, new ErrorBody { Message = Messages.MalformedLine }, midStream: true,
                malformedLine: Messages.Excerpt(Encoding.UTF8.GetString(line.ToArray()), 120));

        private static readonly byte[] ErrorName = Encoding.UTF8.GetBytes("error");
    }
}
