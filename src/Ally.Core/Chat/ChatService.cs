using System;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;

namespace Ally
{
    /// <summary>Tells the caller that a failed attempt will be retried.</summary>
    public sealed class RetryNotice
    {
        internal RetryNotice(int retry, int maxRetries, TimeSpan delay, AllyException failure)
        {
            Retry = retry;
            MaxRetries = maxRetries;
            Delay = delay;
            Failure = failure;
        }

        /// <summary>Which retry this is (1-based).</summary>
        public int Retry { get; }
        /// <summary>The most retries allowed.</summary>
        public int MaxRetries { get; }
        /// <summary>How long Ally waits first.</summary>
        public TimeSpan Delay { get; }
        /// <summary>What failed.</summary>
        public AllyException Failure { get; }

        /// <summary>A line for the user.</summary>
        public override string ToString() => Messages.Retrying(Failure.Problem, Delay, Retry, MaxRetries);
    }

    /// <summary>
    /// Runs one chat turn through a provider: applies the time limit and the retry policy, and makes
    /// sure every failure leaves as an <see cref="AllyException"/> carrying what was received so far.
    /// </summary>
    public static class ChatService
    {
        /// <summary>Sends <paramref name="request"/> and returns the complete answer.</summary>
        /// <param name="provider">The backend to use.</param>
        /// <param name="request">What to send.</param>
        /// <param name="onUpdate">Called with each piece as it arrives (on a worker thread), or null.</param>
        /// <param name="cancellationToken">Stops the request (Ctrl+C).</param>
        /// <param name="retryPolicy">When to try again; null never retries.</param>
        /// <param name="onRetry">Told before each retry (on a worker thread), or null.</param>
        public static async Task<ChatResponse> CompleteAsync(IChatProvider provider, ChatRequest request, Action<ChatUpdate>? onUpdate,
            CancellationToken cancellationToken, RetryPolicy? retryPolicy = null, Action<RetryNotice>? onRetry = null)
        {
            bool streamed = onUpdate != null;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            TimeSpan? timeout = request.Timeout;
            if (timeout is TimeSpan t && t > TimeSpan.Zero) limit.CancelAfter(t);

            for (int attempt = 1; ; attempt++)
            {
                var answer = new ChatAccumulator(request, provider.Name, onUpdate);
                try
                {
                    await provider.CompleteAsync(request, answer, limit.Token).ConfigureAwait(false);
                    return answer.Build(streamed);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
                {
                    throw new AllyException("RequestTimeout", AllyErrorCategory.OperationTimeout, Messages.Timeout(timeout!.Value.TotalSeconds),
                        Messages.TimeoutRemedy, ex) { PartialResponse = Partial(answer, streamed), Attempts = attempt };
                }
                catch (AllyException ex)
                {
                    ex.Attempts = attempt;
                    if (ex.PartialResponse is null) ex.PartialResponse = Partial(answer, streamed);
                    // Once part of an answer has been shown, a retry would print it twice: only retry clean failures.
                    TimeSpan? delay = answer.HasReceived || retryPolicy is null ? null : retryPolicy.NextDelay(attempt, ex);
                    if (delay is null) throw;
                    onRetry?.Invoke(new RetryNotice(attempt, retryPolicy!.MaxRetries, delay.Value, ex));
                    try
                    {
                        await retryPolicy.WaitAsync(delay.Value, limit.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
                    {
                        throw ex; // the time limit ran out while waiting: the last failure is the useful error
                    }
                }
            }
        }

        private static ChatResponse? Partial(ChatAccumulator answer, bool streamed) => answer.HasReceived ? answer.Build(streamed) : null;
    }
}
