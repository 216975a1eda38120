using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading;

namespace Ally.Http
{
    /// <summary>
    /// Ally's own HttpClients: one per base address for the whole session (connection reuse), with
    /// no client-wide timeout — long generations and pulls are bounded by cancellation tokens
    /// (-TimeoutSec, Ctrl+C), never by HttpClient's 100-second default.
    /// </summary>
    internal static class AllyHttp
    {
        private static readonly ConcurrentDictionary<string, HttpClient> Clients = new ConcurrentDictionary<string, HttpClient>(StringComparer.Ordinal);

        internal static string UserAgent { get; } = "Ally/" + typeof(AllyHttp).Assembly.GetName().Version?.ToString(3) + " (PowerShell)";

        /// <summary>Why a request could not be sent, in the system's words: the innermost cause (e.g. "Connection refused") says more than the wrapper.</summary>
        internal static string FailureReason(HttpRequestException ex, out Exception cause)
        {
            cause = ex;
            while (cause.InnerException != null) cause = cause.InnerException;
            return cause is System.Net.Sockets.SocketException socket ? socket.Message : ex.Message;
        }

        /// <summary>The shared client of <paramref name="provider"/> for <paramref name="baseAddress"/>; <paramref name="handlerFactory"/> wraps the socket handler.</summary>
        internal static HttpClient For(string provider, Uri baseAddress, Func<HttpMessageHandler, HttpMessageHandler>? handlerFactory = null)
        {
            return Clients.GetOrAdd(provider + " " + baseAddress.AbsoluteUri, _ =>
            {
                HttpMessageHandler handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
                if (handlerFactory != null) handler = handlerFactory(handler);
                var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
                client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
                return client;
            });
        }
    }
}
