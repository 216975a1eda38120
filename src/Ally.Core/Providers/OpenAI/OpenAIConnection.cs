using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;

namespace Ally.Providers.OpenAI
{
    /// <summary>
    /// One OpenAI-compatible API as Ally talks to it — OpenAI itself, OpenRouter, llama.cpp's server,
    /// vLLM, LM Studio: the shared HttpClient for its base address, the key (sent with every request:
    /// chat, model lists, diagnostics) and the provider's extra headers, and the translation of every
    /// failure into an <see cref="AllyException"/> — one connection-failure mapper here and one status
    /// mapper (<see cref="OpenAIErrors"/>), so chat, model lists and checks fail the same way.
    /// </summary>
    internal sealed class OpenAIConnection
    {
        private static readonly MediaTypeWithQualityHeaderValue EventStream = new MediaTypeWithQualityHeaderValue("text/event-stream");
        private static readonly MediaTypeHeaderValue JsonType = new MediaTypeHeaderValue("application/json");

        public OpenAIConnection(ProviderContext context)
        {
            Context = context;
            Http = AllyHttp.For("openai", context.Endpoint.BaseAddress, context.Network);
        }

        /// <summary>The provider, endpoint and key.</summary>
        public ProviderContext Context { get; }

        /// <summary>The API's base address, ending in '/'.</summary>
        public Uri BaseAddress => Context.Endpoint.BaseAddress;

        /// <summary>How messages name the server.</summary>
        public string ServerName => Context.ServerName;

        private HttpClient Http { get; }

        /// <summary>A request to <paramref name="path"/> (relative to the base address) with the key and the provider's headers.</summary>
        public HttpRequestMessage CreateRequest(HttpMethod method, string path, Action<Utf8JsonWriter>? body = null, bool stream = false)
        {
            var message = new HttpRequestMessage(method, path);
            if (Context.Key is { IsEmpty: false } key) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
            foreach (KeyValuePair<string, string> header in Context.Endpoint.Headers)
            {
                if (header.Value.Length > 0) message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            if (stream) message.Headers.Accept.Add(EventStream);
            if (body != null)
            {
                var buffer = new MemoryStream();
                using (var json = new Utf8JsonWriter(buffer)) body(json);
                message.Content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
                message.Content.Headers.ContentType = JsonType;
            }
            return message;
        }

        /// <summary>
        /// Sends a request and returns the response once its headers are in; an error status is read
        /// and thrown as an <see cref="AllyException"/>, as is a failed connection.
        /// </summary>
        /// <param name="request">The request (disposed by the caller).</param>
        /// <param name="model">The model the request is about, for messages.</param>
        /// <param name="cancellationToken">Stops the request.</param>
        public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? model, CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            try
            {
                response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when ((ex is HttpRequestException || ex is IOException) && !cancellationToken.IsCancellationRequested)
            {
                throw ConnectionFailure(ex);
            }
            if (response.IsSuccessStatusCode) return response;
            using (response)
            {
                string body;
                try
                {
                    body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when ((ex is HttpRequestException || ex is IOException) && !cancellationToken.IsCancellationRequested)
                {
                    body = string.Empty;
                }
                throw OpenAIErrors.FromStatus((int)response.StatusCode, response.ReasonPhrase, ErrorBody.Parse(body, response.ReasonPhrase),
                    HttpFailures.RetryAfter(response), model, Context);
            }
        }

        /// <summary>GETs <paramref name="path"/> and parses the JSON answer; failures come back as <see cref="AllyException"/>s.</summary>
        public Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken) => SendJsonAsync(HttpMethod.Get, path, null, null, cancellationToken);

        /// <summary>Sends a request (with a JSON body written by <paramref name="body"/>, or none) and parses the JSON answer; failures come back as <see cref="AllyException"/>s.</summary>
        public async Task<JsonDocument> SendJsonAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, string? model, CancellationToken cancellationToken)
        {
            using HttpRequestMessage request = CreateRequest(method, path, body);
            using HttpResponseMessage response = await SendAsync(request, model, cancellationToken).ConfigureAwait(false);
            try
            {
                using Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw new AllyException(ErrorIds.InvalidResponse, Messages.InvalidResponse(ServerName), Messages.InvalidResponseRemedy, ex);
            }
            catch (Exception ex) when ((ex is HttpRequestException || ex is IOException) && !cancellationToken.IsCancellationRequested)
            {
                throw ConnectionFailure(ex);
            }
        }

        /// <summary>
        /// A connection that failed before any of the answer arrived: "unreachable" only when the server
        /// could not be reached at all; otherwise "lost" — transient, retried. (A break after part of the
        /// answer is the caller's: the partial answer goes with it.)
        /// </summary>
        public AllyException ConnectionFailure(Exception ex)
        {
            string server = Messages.WithAddress(ServerName, BaseAddress);
            if (HttpFailures.Network(ex, Context.Network, BaseAddress, server) is AllyException network) return network;
            string reason = HttpFailures.Reason(ex);
            if (!HttpFailures.IsUnreachable(ex))
            {
                return new AllyException(ErrorIds.ConnectionLost, Messages.ConnectionLost(server, reason), Messages.ConnectionLostRemedy, ex);
            }
            return new AllyException(ErrorIds.ProviderUnreachable, Messages.ProviderUnreachable(server, reason),
                Messages.ProviderUnreachableRemedy(Context.Provider.AddressSetting!.EnvironmentVariable!), ex);
        }
    }
}
