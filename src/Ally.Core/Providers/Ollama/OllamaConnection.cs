using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
using OllamaSharp;
using OllamaSharp.Models;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// One Ollama server as Ally talks to it: the shared HttpClient (with <see cref="OllamaErrorHandler"/>
    /// under it), Ally's own JSON requests (chat, lists, details), OllamaSharp for pull and delete, and
    /// the translation of every failure into an <see cref="AllyException"/> — one connection-failure
    /// mapper and one status mapper (<see cref="OllamaErrors"/>), so chat, model management and
    /// diagnostics fail the same way. Every call takes its cancellation token and makes it reach the
    /// body read itself; callers have nothing else to remember.
    /// </summary>
    internal sealed class OllamaConnection
    {
        private static readonly ConcurrentDictionary<string, OllamaConnection> Connections =
            new ConcurrentDictionary<string, OllamaConnection>(StringComparer.Ordinal);
        private static readonly MediaTypeHeaderValue JsonType = new MediaTypeHeaderValue("application/json");

        // OllamaSharp (and Microsoft.Extensions.AI with it) loads on the first pull or delete only: a field of
        // the client's type costs nothing until it is set, where a Lazy<OllamaApiClient> would load the
        // assembly with the connection, on every session's first chat.
        private OllamaApiClient? _client;

        private OllamaConnection(Uri host, NetworkSettings network)
        {
            Host = host;
            Network = network;
            Http = AllyHttp.For("ollama", host, network, inner => new OllamaErrorHandler(inner));
        }

        /// <summary>The session's connection to the Ollama server of <paramref name="context"/> (its address, normalised to end in '/', and network settings).</summary>
        public static OllamaConnection For(ProviderContext context) => For(context.Endpoint.BaseAddress, context.Network);

        /// <summary>The session's connection to the server at <paramref name="host"/> (normalised, ending in '/') through <paramref name="network"/>.</summary>
        internal static OllamaConnection For(Uri host, NetworkSettings network) =>
            Connections.GetOrAdd(host.AbsoluteUri + " " + network.Key, _ => new OllamaConnection(host, network));

        /// <summary>The server's base address.</summary>
        public Uri Host { get; }

        /// <summary>How requests reach it (proxy, CA bundle).</summary>
        public NetworkSettings Network { get; }

        /// <summary>Ally's HttpClient for the server (no client-wide timeout; errors keep the server's text).</summary>
        public HttpClient Http { get; }

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
            using PooledBuffer buffer = await SendAsync(method, path, body, model, notFoundRemedy, cancellationToken).ConfigureAwait(false);
            if (buffer.Length == 0) return null;
            try
            {
                // The document keeps no reference to the rented bytes: it copies what it parses.
                return JsonDocument.Parse(buffer.Span.ToArray());
            }
            catch (Exception ex) when (Failure(ex, path, model, cancellationToken, notFoundRemedy: notFoundRemedy) is AllyException failure)
            {
                throw failure;
            }
        }

        /// <summary>
        /// Sends a request and returns the whole answer as pooled bytes, for a caller that parses them
        /// itself (large answers); dispose it when done. Failures come back as <see cref="AllyException"/>s.
        /// </summary>
        public async Task<PooledBuffer> SendAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, string? model,
            string? notFoundRemedy, CancellationToken cancellationToken)
        {
            try
            {
                using var request = new HttpRequestMessage(method, path);
                if (body != null) request.Content = JsonBody(body);
                using HttpResponseMessage response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                    .ConfigureAwait(false);
                using Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return await PooledBuffer.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Failure(ex, path, model, cancellationToken, notFoundRemedy: notFoundRemedy) is AllyException failure)
            {
                throw failure;
            }
        }

        /// <summary>
        /// Posts a streaming request and returns the response once its headers are in (status checked);
        /// the caller reads the NDJSON body itself, with <see cref="NdjsonReader"/>.
        /// </summary>
        public async Task<HttpResponseMessage> PostStreamAsync(string path, Action<Utf8JsonWriter> body, string model, CancellationToken cancellationToken)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) };
#pragma warning disable CS0618 // HttpRequestMessage.Options does not exist on netstandard2.0
            request.Properties[OllamaErrorHandler.RawBodyProperty] = true;
#pragma warning restore CS0618
            try
            {
                return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Failure(ex, path, model, cancellationToken) is AllyException failure)
            {
                throw failure;
            }
            finally
            {
                request.Dispose();
            }
        }

        /// <summary>Pulls a model through OllamaSharp; each line as the server sent it (error and malformed lines throw <see cref="OllamaResponseException"/>).</summary>
        public IAsyncEnumerable<PullModelResponse?> PullAsync(string model, CancellationToken cancellationToken)
        {
            OllamaErrorHandler.RequestCancellation.Value = cancellationToken;
            return Client().PullModelAsync(new PullModelRequest { Model = model, Stream = true }, cancellationToken);
        }

        /// <summary>Deletes a model through OllamaSharp.</summary>
        public async Task DeleteAsync(string model, string notFoundRemedy, CancellationToken cancellationToken)
        {
            OllamaErrorHandler.RequestCancellation.Value = cancellationToken;
            try
            {
                await Client().DeleteModelAsync(new DeleteModelRequest { Model = model }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Failure(ex, "api/delete", model, cancellationToken, notFoundRemedy: notFoundRemedy) is AllyException failure)
            {
                throw failure;
            }
        }

        private OllamaApiClient Client()
        {
            OllamaApiClient? client = Volatile.Read(ref _client);
            if (client != null) return client;
            Interlocked.CompareExchange(ref _client, new OllamaApiClient(Http), null);
            return _client!;
        }

        private static HttpContent JsonBody(Action<Utf8JsonWriter> write)
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer)) write(writer);
            var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
            content.Headers.ContentType = JsonType;
            return content;
        }

        /// <summary>
        /// The Ally failure for an exception from a call to this server, or null when it is not one to
        /// translate (a cancellation the caller asked for, or an exception that is already Ally's).
        /// </summary>
        /// <param name="ex">What was thrown.</param>
        /// <param name="path">The endpoint called (for "this is not Ollama").</param>
        /// <param name="model">The model the call was about.</param>
        /// <param name="cancellationToken">The call's token.</param>
        /// <param name="notFoundRemedy">What to suggest on a 404, when not the default "install it".</param>
        public AllyException? Failure(Exception ex, string path, string? model, CancellationToken cancellationToken, string? notFoundRemedy = null)
        {
            switch (ex)
            {
                case OllamaResponseException response:
                    return OllamaErrors.FromResponse(response, Host, path, model ?? string.Empty, notFoundRemedy);
                case OperationCanceledException:
                case AllyException:
                    return null;
                case HttpRequestException or IOException when !cancellationToken.IsCancellationRequested:
                    return ConnectionFailure(ex);
                case JsonException json:
                    return new AllyException(ErrorIds.InvalidResponse, Messages.InvalidResponse("Ollama"), Messages.InvalidResponseRemedy, json);
                default:
                    return null;
            }
        }

        /// <summary>
        /// A connection that failed before any of the answer arrived: "unreachable" (start Ollama, check
        /// OLLAMA_HOST) only when the server could not be reached at all; otherwise "lost" — transient,
        /// retried. (A break after part of the answer is the caller's: the partial answer goes with it.)
        /// </summary>
        public AllyException ConnectionFailure(Exception ex)
        {
            if (HttpFailures.Network(ex, Network, Host, Messages.WithAddress("Ollama", Host)) is AllyException network) return network;
            string reason = HttpFailures.Reason(ex);
            if (!HttpFailures.IsUnreachable(ex))
            {
                return new AllyException(ErrorIds.ConnectionLost, Messages.ConnectionLost(Messages.WithAddress("Ollama", Host), reason), Messages.ConnectionLostRemedy, ex);
            }
            return new AllyException(ErrorIds.OllamaUnreachable, Messages.OllamaUnreachable(Host, reason), Messages.OllamaUnreachableRemedy, ex);
        }
    }
}
