using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;

namespace Ally.Http
{
    /// <summary>
    /// Facts about failed HTTP exchanges that every connection needs the same way: whether a failure
    /// means the server could not be reached at all or a connection to it broke, the Retry-After
    /// header, and a short cause for messages.
    /// </summary>
    internal static class HttpFailures
    {
        /// <summary>The Retry-After header as a delay (seconds or an HTTP date), if the response has one.</summary>
        public static TimeSpan? RetryAfter(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            if (header is null) return null;
            if (header.Delta is TimeSpan delta) return delta;
            if (header.Date is DateTimeOffset date)
            {
                TimeSpan wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
            return null;
        }

        /// <summary>
        /// The innermost cause's message, shortened: "Connection refused" says more than "An error
        /// occurred while sending the request". An address with credentials in it (a proxy's, as a
        /// platform message might quote it) keeps only what follows the '@'.
        /// </summary>
        public static string Reason(Exception ex)
        {
            Exception cause = ex;
            while (cause.InnerException != null) cause = cause.InnerException;
            return Messages.Excerpt(Credentials.Replace(cause.Message, "$1" + Messages.ProxyPasswordMask + "@"));
        }

        private static readonly Regex Credentials = new Regex(@"\b([A-Za-z][A-Za-z0-9+.-]*://)[^\s/@'""]+@", RegexOptions.CultureInvariant);

        /// <summary>
        /// True only when the server could not be reached at all: the connection was refused, the name
        /// did not resolve, the address is unroutable, or TLS could not be set up. Anything else — a
        /// reset or a close after the request went out, a response that ended early — means the server
        /// was reached and the connection was lost: a transient failure, worth a retry while nothing of
        /// the answer has arrived. (A pooled keep-alive connection the server closed fails this way.)
        /// </summary>
        public static bool IsUnreachable(Exception ex)
        {
            for (Exception? cause = ex; cause != null; cause = cause.InnerException)
            {
                if (cause is AuthenticationException) return true;
                if (cause is SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case SocketError.ConnectionRefused:
                        case SocketError.HostNotFound:
                        case SocketError.HostUnreachable:
                        case SocketError.NetworkUnreachable:
                        case SocketError.NetworkDown:
                        case SocketError.TryAgain:
                        case SocketError.NoData:
                        case SocketError.AddressNotAvailable:
                        case SocketError.TimedOut:
                            return true;
                        default:
                            return false;
                    }
                }
            }
            return false;
        }

        /// <summary>
        /// The failures that are the network's, not the server's, for every connection the same way:
        /// UntrustedCertificate when the certificate chain of <paramref name="server"/> ends at a CA
        /// that is neither a system root nor in ALLY_CA_BUNDLE (what a TLS-inspecting corporate proxy
        /// causes); ProxyFailed when the request went through a proxy that could not be reached or
        /// could not open the tunnel (a 407 included). Otherwise null.
        /// </summary>
        /// <param name="ex">What the request threw.</param>
        /// <param name="network">The network settings the request was sent with.</param>
        /// <param name="target">The server's address.</param>
        /// <param name="server">How messages name the server.</param>
        public static AllyException? Network(Exception ex, NetworkSettings network, Uri target, string server)
        {
            bool tunnel = false;
            bool unreachable = false;
            for (Exception? cause = ex; cause != null; cause = cause.InnerException)
            {
                if (cause is UntrustedCertificateException untrusted)
                    return new AllyException(ErrorIds.UntrustedCertificate, Messages.UntrustedCertificate(server, untrusted.Detail), Messages.UntrustedCertificateRemedy, ex);
                if (cause is AuthenticationException) return null;
                tunnel |= IsProxyTunnelError(cause);
                unreachable |= cause is SocketException;
            }
            if (!tunnel && !(unreachable && IsUnreachable(ex))) return null;
            // With a proxy, the connection that failed is the one to the proxy (or the proxy's tunnel).
            if (network.ProxyFor(target) is not string proxy) return null;
            return new AllyException(ErrorIds.ProxyFailed, Messages.ProxyFailed(proxy, server, Reason(ex)),
                Reason(ex).IndexOf("407", StringComparison.Ordinal) >= 0 ? Messages.ProxyAuthenticationRemedy : Messages.ProxyFailedRemedy, ex);
        }

        /// <summary>A 407 answer: a proxy between Ally and the server wants credentials (or refused them).</summary>
        public static AllyException ProxyRefused(string text, Exception? inner = null) =>
            new AllyException(ErrorIds.ProxyFailed, text, Messages.ProxyAuthenticationRemedy, inner);

        // HttpRequestException.HttpRequestError (.NET 8 and later) is not part of netstandard2.0.
        private static bool IsProxyTunnelError(Exception ex) =>
            ex is HttpRequestException && ex.GetType().GetProperty("HttpRequestError")?.GetValue(ex)?.ToString() == "ProxyTunnelError";

        public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
    }
}
