using System;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Http
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

    /// <summary>One attempt of an operation run by <see cref="RetryRunner"/>.</summary>
    public sealed class RetryAttempt
    {
        internal RetryAttempt(int number, CancellationToken cancellationToken)
        {
            Number = number;
            CancellationToken = cancellationToken;
        }

        /// <summary>1 for the first attempt, 2 for the first retry, …</summary>
        public int Number { get; }
        /// <summary>Cancelled by the caller's token and by the time limit.</summary>
        public CancellationToken CancellationToken { get; }
        /// <summary>Set by the attempt once part of a result has been handed on: from then on a failure is never retried (it would be seen twice).</summary>
        public bool Received { get; set; }
    }

    /// <summary>
    /// Retry with a time limit, for any operation: runs an attempt, and when it fails with a transient
    /// <see cref="AllyException"/> before anything was received, waits as the <see cref="RetryPolicy"/>
    /// says (telling the caller first) and tries again. The time limit covers all attempts and waits;
    /// running out of it is RequestTimeout, while the caller's own cancellation (Ctrl+C) passes through
    /// as a cancellation.
    /// </summary>
    public static class RetryRunner
    {
        /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails for good, or time runs out.</summary>
        /// <param name="policy">When to retry; null never retries.</param>
        /// <param name="timeLimit">The limit for the whole operation; null for none.</param>
        /// <param name="attempt">One try; it reads its token from the <see cref="RetryAttempt"/>.</param>
        /// <param name="onRetry">Told before each wait (on a worker thread), or null.</param>
        /// <param name="cancellationToken">The caller's cancellation (Ctrl+C).</param>
        public static async Task<T> RunAsync<T>(RetryPolicy? policy, TimeSpan? timeLimit, Func<RetryAttempt, Task<T>> attempt,
            Action<RetryNotice>? onRetry, CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeLimit is TimeSpan t && t > TimeSpan.Zero) limit.CancelAfter(t);

            for (int number = 1; ; number++)
            {
                var current = new RetryAttempt(number, limit.Token);
                try
                {
                    return await attempt(current).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
                {
                    throw new AllyException(ErrorIds.RequestTimeout, Messages.Timeout(timeLimit!.Value.TotalSeconds), Messages.TimeoutRemedy, ex) { Attempts = number };
                }
                catch (AllyException ex)
                {
                    ex.Attempts = number;
                    TimeSpan? delay = current.Received || policy is null ? null : policy.NextDelay(number, ex);
                    if (delay is null) throw;
                    onRetry?.Invoke(new RetryNotice(number, policy!.MaxRetries, delay.Value, ex));
                    try
                    {
                        await policy!.WaitAsync(delay.Value, limit.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
                    {
                        // The time limit ran out while waiting: the last failure is the useful error.
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();
                    }
                }
            }
        }
    }
}
