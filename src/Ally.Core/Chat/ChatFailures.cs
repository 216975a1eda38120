using System;
using System.IO;
using System.Net.Http;
using System.Threading;

namespace Ally
{
    /// <summary>How every provider reports an answer that stopped before it was complete.</summary>
    internal static class ChatFailures
    {
        /// <summary>
        /// What to throw for a failure while reading an answer's body, or null when it is not one to
        /// translate: a read aborted by the cancellation is the cancellation; a broken connection is
        /// the connection's failure while nothing had arrived (transient), StreamTruncated after.
        /// </summary>
        public static Exception? WhileReading(Exception ex, ChatAccumulator answer, CancellationToken cancellationToken, string server,
            Func<Exception, AllyException> connectionFailure)
        {
            if (ex is OperationCanceledException || ex is AllyException) return null;
            if (cancellationToken.IsCancellationRequested) return new OperationCanceledException(cancellationToken);
            if (!(ex is IOException || ex is HttpRequestException)) return null;
            return answer.HasReceived ? Truncated(server, answer, ex) : connectionFailure(ex);
        }

        /// <summary>
        /// StreamTruncated: the answer ended early (the connection broke or the body ended without the
        /// final chunk). Transient only while nothing had arrived; the part that did is kept.
        /// </summary>
        public static AllyException Truncated(string server, ChatAccumulator answer, Exception? inner) =>
            new AllyException(ErrorIds.StreamTruncated, Messages.StreamTruncated(server),
                answer.HasReceived ? Messages.PartialKeptRemedy : Messages.RunAgainRemedy, inner)
            {
                IsTransient = !answer.HasReceived,
            };
    }
}
