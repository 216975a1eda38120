using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

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

        /// <summary>The innermost cause's message, shortened: "Connection refused" says more than "An error occurred while sending the request".</summary>
        public static string Reason(Exception ex)
        {
            Exception cause = ex;
            while (cause.InnerException != null) cause = cause.InnerException;
            return Messages.Excerpt(cause.Message);
        }

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
        /// UntrustedCertificate when <paramref name="ex"/> failed because the certificate chain of
        /// <paramref name="server"/> ends at a CA that is neither a system root nor in ALLY_CA_BUNDLE
        /// (what a TLS-inspecting corporate proxy causes); otherwise null.
        /// </summary>
        public static AllyException? Untrusted(Exception ex, string server)
        {
            for (Exception? cause = ex; cause != null; cause = cause.InnerException)
            {
                if (cause is UntrustedCertificateException untrusted)
                    return new AllyException(ErrorIds.UntrustedCertificate, Messages.UntrustedCertificate(server, untrusted.Detail), Messages.UntrustedCertificateRemedy, ex);
            }
            return null;
        }

        public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
    }
}
