using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
using OllamaSharp;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// One Ollama server as Ally talks to it: the shared HttpClient (with <see cref="OllamaErrorHandler"/>
    /// under it) and OllamaSharp client for that address, plain JSON calls for the endpoints where
    /// OllamaSharp drops fields, and the translation of every failure into an <see cref="AllyException"/>.
    /// Chat and model management both go through here, so they fail the same way.
    /// </summary>
    internal sealed class OllamaConnection
    {
        private static readonly ConcurrentDictionary<string, OllamaConnection> Connections =
            new ConcurrentDictionary<string, OllamaConnection>(StringComparer.Ordinal);

        private OllamaConnection(Uri host)
        {
            Host = host;
            Http = AllyHttp.For(OllamaChatProvider.ProviderName, host, inner => new OllamaErrorHandler(inner));
            Client = new OllamaApiClient(Http);
        }

        /// <summary>The session's connection to the server at <paramref name="host"/> (normalised, ending in '/').</summary>
        public static OllamaConnection For(Uri host) => Connections.GetOrAdd(host.AbsoluteUri, _ => new OllamaConnection(host));

        /// <summary>The server's base address.</summary>
        public Uri Host { get; }

        /// <summary>Ally's HttpClient for the server (no client-wide timeout; errors keep the server's text).</summary>
        public HttpClient Http { get; }

        /// <summary>OllamaSharp over <see cref="Http"/>.</summary>
        public OllamaApiClient Client { get; }

        /// <summary>
        /// Makes <paramref name="cancellationToken"/> able to abort a streamed body of a request sent
        /// after this call in the same async flow (see <see cref="OllamaErrorHandler.RequestCancellation"/>).
        /// </summary>
        public static void FlowCancellation(CancellationToken cancellationToken) => OllamaErrorHandler.RequestCancellation.Value = cancellationToken;

        /// <summary>Sends a request and parses the JSON answer; failures come back as <see cref="AllyException"/>s.</summary>
        /// <param name="method">GET, POST, DELETE.</param>
        /// <param name="path">Relative to the host, e.g. <c>api/tags</c>.</param>
        /// <param name="body">Writes the JSON body, or null for none.</param>
        /// <param name="model">The model the request is about, for "not found" messages.</param>
        /// <param name="notFoundRemedy">What to suggest on a 404, when not the default "install it".</param>
        /// <param name="cancellationToken">Stops the request.</param>
        /// <returns>The parsed body, or null for an empty one.</returns>
        public async Task<JsonDocument?> SendJsonAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, string? model,
            string? notFoundRemedy, CancellationToken cancellationToken)
        {
            FlowCancellation(cancellationToken);
            try
            {
                using var request = new HttpRequestMessage(method, path);
                if (body != null) request.Content = JsonBody(body);
                using HttpResponseMessage response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                    .ConfigureAwait(false);
                using Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
                if (buffer.Length == 0) return null;
                buffer.Position = 0;
                return JsonDocument.Parse(buffer);
            }
            catch (Exception ex) when (Failure(ex, model, cancellationToken, notFoundRemedy: notFoundRemedy) is AllyException failure)
            {
                throw failure;
            }
        }

        private static HttpContent JsonBody(Action<Utf8JsonWriter> write)
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer)) write(writer);
            var content = new ByteArrayContent(buffer.ToArray());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return content;
        }

        /// <summary>
        /// The Ally failure for an exception from a call to this server, or null when it is not one
        /// to translate (a cancellation the caller asked for, or an exception that is already Ally's).
        /// </summary>
        /// <param name="ex">What was thrown.</param>
        /// <param name="model">The model the call was about.</param>
        /// <param name="cancellationToken">The call's token.</param>
        /// <param name="received">True when part of an answer had arrived (a broken connection is then "lost", not "unreachable").</param>
        /// <param name="notFoundRemedy">What to suggest on a 404, when not the default "install it".</param>
        /// <param name="lostRemedy">What to suggest when the connection broke after something arrived.</param>
        public AllyException? Failure(Exception ex, string? model, CancellationToken cancellationToken, bool received = false,
            string? notFoundRemedy = null, string? lostRemedy = null)
        {
            switch (ex)
            {
                case OllamaResponseException response:
                    return Translate(response, model ?? string.Empty, notFoundRemedy);
                case HttpRequestException request when !cancellationToken.IsCancellationRequested:
                    return ConnectionFailure(request, received, lostRemedy);
                case JsonException json:
                    return new AllyException("InvalidResponse", AllyErrorCategory.InvalidData, Messages.InvalidResponse("Ollama", json.Message), null, json);
                default:
                    return null;
            }
        }

        /// <summary>A failed connection: "unreachable" (start Ollama) before anything arrived, "lost" (with <paramref name="lostRemedy"/>) after.</summary>
        public AllyException ConnectionFailure(HttpRequestException ex, bool received, string? lostRemedy)
        {
            string reason = HttpErrors.Reason(ex);
            if (received || !HttpErrors.IsConnectFailure(ex))
            {
                // Ollama was there and the connection broke: telling the user to start it would mislead.
                // Transient: worth a retry, as long as nothing had arrived (ChatService's rule).
                return new AllyException("ConnectionLost", AllyErrorCategory.ConnectionError, Messages.ConnectionLost("Ollama", Host, reason),
                    received ? lostRemedy : null, ex) { IsTransient = true };
            }
            return new AllyException("OllamaUnreachable", AllyErrorCategory.ConnectionError, Messages.OllamaUnreachable(Host, reason),
                Messages.OllamaUnreachableRemedy, ex);
        }

        /// <summary>Maps Ollama's own errors to Ally's, keeping the server's text.</summary>
        /// <param name="ex">The server's error.</param>
        /// <param name="model">The model the request was about.</param>
        /// <param name="notFoundRemedy">What to suggest on a 404; by default, installing <paramref name="model"/>.</param>
        public static AllyException Translate(OllamaResponseException ex, string model, string? notFoundRemedy = null)
        {
            AllyException result;
            if (ex.MidStream)
            {
                result = new AllyException("StreamError", AllyErrorCategory.ProviderError, Messages.StreamError("Ollama", ex.ServerMessage),
                    Messages.PartialKeptRemedy, ex);
            }
            else
            {
                int status = ex.StatusCode ?? 0;
                string text = Messages.OllamaError(status, ex.ServerMessage);
                result = status switch
                {
                    404 => new AllyException("ModelNotFound", AllyErrorCategory.ObjectNotFound, text, notFoundRemedy ?? Messages.ModelNotFoundRemedy(model), ex),
                    400 => new AllyException("InvalidRequest", AllyErrorCategory.InvalidArgument, text, null, ex),
                    401 or 403 => new AllyException("AccessDenied", AllyErrorCategory.PermissionDenied, text, null, ex),
                    503 => new AllyException("ServerBusy", AllyErrorCategory.ResourceBusy, text, Messages.ServerBusyRemedy, ex) { IsTransient = true },
                    429 => new AllyException("RateLimited", AllyErrorCategory.ResourceBusy, text, null, ex) { IsTransient = true },
                    _ => new AllyException("ProviderError", AllyErrorCategory.ProviderError, text, null, ex),
                };
            }
            result.ServerMessage = ex.ServerMessage;
            result.StatusCode = ex.StatusCode;
            result.RetryAfter = ex.RetryAfter;
            return result;
        }
    }
}
