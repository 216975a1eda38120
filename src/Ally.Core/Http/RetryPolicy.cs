using System;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Http
{
    /// <summary>
    /// When and how long to wait before trying a failed request again: exponential backoff with full
    /// jitter, honouring the server's Retry-After, for transient failures only and a bounded number of
    /// times. The clock and the random source are injectable so tests check the schedule without sleeping.
    /// </summary>
    public sealed class RetryPolicy
    {
        /// <summary>Retries when nothing else is configured.</summary>
        public const int DefaultMaxRetries = 3;

        private readonly Func<double> _random;
        private readonly Func<TimeSpan, CancellationToken, Task> _delay;

        /// <summary>Creates a policy.</summary>
        /// <param name="maxRetries">Retries after the first attempt (0 = never retry).</param>
        /// <param name="baseDelay">The first backoff step (default 1 s).</param>
        /// <param name="maxDelay">The largest backoff step, and the longest Retry-After honoured (default 60 s).</param>
        /// <param name="random">Returns a number in [0, 1) for jitter; defaults to a shared Random.</param>
        /// <param name="delay">Waits; defaults to Task.Delay.</param>
        public RetryPolicy(int maxRetries = DefaultMaxRetries, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null,
            Func<double>? random = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
        {
            if (maxRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxRetries));
            MaxRetries = maxRetries;
            BaseDelay = baseDelay ?? TimeSpan.FromSeconds(1);
            MaxDelay = maxDelay ?? TimeSpan.FromSeconds(60);
            _random = random ?? SharedRandom;
            _delay = delay ?? Task.Delay;
        }

        /// <summary>Retries after the first attempt.</summary>
        public int MaxRetries { get; }
        /// <summary>The first backoff step.</summary>
        public TimeSpan BaseDelay { get; }
        /// <summary>The largest backoff step and Retry-After honoured.</summary>
        public TimeSpan MaxDelay { get; }

        /// <summary>
        /// The wait before retry number <paramref name="retry"/> (1-based) after <paramref name="failure"/>,
        /// or null when it must not be retried.
        /// </summary>
        public TimeSpan? NextDelay(int retry, AllyException failure)
        {
            if (!failure.IsTransient || retry > MaxRetries) return null;
            if (failure.RetryAfter is TimeSpan asked && asked >= TimeSpan.Zero)
            {
                // The server knows best, within reason: a Retry-After of an hour is not worth blocking on.
                return asked <= MaxDelay ? asked : (TimeSpan?)null;
            }
            // Full jitter: uniformly between 0 and base * 2^(retry-1), capped — spreads clients apart.
            double ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1));
            return TimeSpan.FromMilliseconds(ceiling * _random());
        }

        /// <summary>Waits for <paramref name="delay"/> (through the injectable delay).</summary>
        public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => _delay(delay, cancellationToken);

        private static readonly Random Shared = new Random();
        private static double SharedRandom()
        {
            lock (Shared) return Shared.NextDouble();
        }
    }
}
