using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading;

namespace Ally.Http
{
    /// <summary>
    /// Ally's own HttpClients: one per base address and network configuration (proxy, CA bundle) for
    /// the whole session (connection reuse; a changed ALLY_PROXY gets a client of its own), with
    /// no client-wide timeout — long generations and pulls are bounded by cancellation tokens
    /// (-TimeoutSec, Ctrl+C), never by HttpClient's 100-second default.
    /// </summary>
    internal static class AllyHttp
    {
        private static readonly ConcurrentDictionary<string, HttpClient> Clients = new ConcurrentDictionary<string, HttpClient>(StringComparer.Ordinal);

        internal static string UserAgent { get; } = "Ally/" + typeof(AllyHttp).Assembly.GetName().Version?.ToString(3) + " (PowerShell)";

        /// <summary>
        /// The shared client of <paramref name="provider"/> for <paramref name="baseAddress"/> through
        /// <paramref name="network"/>; <paramref name="handlerFactory"/> wraps the socket handler.
        /// </summary>
        internal static HttpClient For(string provider, Uri baseAddress, NetworkSettings network, Func<HttpMessageHandler, HttpMessageHandler>? handlerFactory = null)
        {
            return Clients.GetOrAdd(provider + " " + baseAddress.AbsoluteUri + " " + network.Key, _ =>
            {
                HttpMessageHandler handler = network.CreateHandler();
                if (handlerFactory != null) handler = handlerFactory(handler);
                var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
                client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
                return client;
            });
        }
    }
}
