using System;
using System.Threading;
using System.Threading.Tasks;

namespace Ally
{
    /// <summary>
    /// Runs one chat turn through a provider: applies the time limit and makes sure every failure
    /// leaves as an <see cref="AllyException"/> carrying what was received so far.
    /// </summary>
    public static class ChatService
    {
        /// <summary>Sends <paramref name="request"/> and returns the complete answer.</summary>
        /// <param name="provider">The backend to use.</param>
        /// <param name="request">What to send.</param>
        /// <param name="onUpdate">Called with each piece as it arrives (on a worker thread), or null.</param>
        /// <param name="cancellationToken">Stops the request (Ctrl+C).</param>
        public static async Task<ChatResponse> CompleteAsync(IChatProvider provider, ChatRequest request, Action<ChatUpdate>? onUpdate,
            CancellationToken cancellationToken)
        {
            var answer = new ChatAccumulator(request, provider.Name, onUpdate);
            bool streamed = onUpdate != null;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            TimeSpan? timeout = request.Timeout;
            if (timeout is TimeSpan t && t > TimeSpan.Zero) limit.CancelAfter(t);
            try
            {
                await provider.CompleteAsync(request, answer, limit.Token).ConfigureAwait(false);
                return answer.Build(streamed);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
            {
                throw new AllyException("RequestTimeout", AllyErrorCategory.OperationTimeout, Messages.Timeout(timeout!.Value.TotalSeconds),
                    Messages.TimeoutRemedy, ex) { PartialResponse = Partial(answer, streamed) };
            }
            catch (AllyException ex)
            {
                if (ex.PartialResponse is null) ex.PartialResponse = Partial(answer, streamed);
                throw;
            }
        }

        private static ChatResponse? Partial(ChatAccumulator answer, bool streamed) => answer.HasReceived ? answer.Build(streamed) : null;
    }
}
