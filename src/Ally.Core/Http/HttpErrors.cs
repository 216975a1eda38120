using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;

namespace Ally.Http
{
    /// <summary>Facts about failed HTTP exchanges that every provider needs the same way.</summary>
    internal static class HttpErrors
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

        /// <summary>The innermost cause's message: "Connection refused" says more than "An error occurred while sending the request".</summary>
        public static string Reason(Exception ex)
        {
            Exception cause = ex;
            while (cause.InnerException != null) cause = cause.InnerException;
            return cause is SocketException socket ? socket.Message : ex.Message;
        }

        /// <summary>
        /// True when the server could not be reached at all (refused, unknown host, unroutable) rather
        /// than reached and then lost: the first means "start it / fix the address", the second is transient.
        /// </summary>
        public static bool IsConnectFailure(Exception ex)
        {
            Exception cause = ex;
            while (cause.InnerException != null) cause = cause.InnerException;
            if (!(cause is SocketException socket)) return true;
            switch (socket.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                case SocketError.HostNotFound:
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                case SocketError.NetworkDown:
                case SocketError.TryAgain:
                case SocketError.NoData:
                case SocketError.TimedOut:
                case SocketError.AddressNotAvailable:
                    return true;
                default:
                    return false;
            }
        }

        public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
    }
}
