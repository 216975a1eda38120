using System;

namespace Ally
{
    /// <summary>How every provider reports an answer that stopped before it was complete.</summary>
    internal static class ChatFailures
    {
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
