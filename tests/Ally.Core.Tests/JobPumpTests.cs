using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ally.Async;
using Xunit;

namespace Ally.Tests
{
    /// <summary>The cmdlet pump's engine: order, throttling, calls to the owning thread, per-job cancellation.</summary>
    public class JobPumpTests
    {
        [Fact]
        public void MessagesAndResultsComeOutInJobOrderWhateverOrderJobsFinishIn()
        {
            using var pump = new JobPump(CancellationToken.None, throttleLimit: 4);
            var written = new List<string>();
            var owner = Thread.CurrentThread;
            var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource<bool>()).ToArray();
            for (int i = 0; i < 4; i++)
            {
                int n = i;
                pump.Start(async job =>
                {
                    job.Post("start " + n, written.Add);
                    await gates[n].Task.ConfigureAwait(false);
                    job.Post("end " + n, written.Add);
                    return n;
                }, result =>
                {
                    Assert.Same(owner, Thread.CurrentThread);
                    written.Add("result " + result);
                }, ex => throw ex);
            }
            // The last job finishes first; nothing of it may be written before the earlier ones.
            for (int i = 3; i >= 0; i--) gates[i].SetResult(true);
            pump.WaitAll();
            var expected = Enumerable.Range(0, 4).SelectMany(n => new[] { "start " + n, "end " + n, "result " + n });
            Assert.Equal(expected, written);
            Assert.Equal(0, pump.Pending);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void NoMoreJobsRunAtOnceThanTheThrottleAndTheyStartInOrder(int throttle)
        {
            using var pump = new JobPump(CancellationToken.None, throttleLimit: throttle);
            int running = 0, most = 0;
            var started = new ConcurrentQueue<int>();
            for (int i = 0; i < 12; i++)
            {
                int n = i;
                pump.Start(async job =>
                {
                    started.Enqueue(n);
                    int now = Interlocked.Increment(ref running);
                    InterlockedMax(ref most, now);
                    await Task.Delay(5).ConfigureAwait(false);
                    Interlocked.Decrement(ref running);
                    return n;
                }, _ => { }, ex => throw ex);
            }
            pump.WaitAll();
            Assert.True(most <= throttle, $"{most} ran at once");
            int[] order = started.ToArray();
            Assert.Equal(Enumerable.Range(0, 12), order.OrderBy(n => n));
            // Slots are handed out in start order: one at a time, that is the order they run in;
            // with more, jobs given slots together may begin in either order, but never before an earlier batch.
            for (int i = 0; i < order.Length; i++) Assert.True(Math.Abs(order[i] - i) < throttle, string.Join(",", order));
        }

        [Fact]
        public void AFailureGoesToItsOwnCallbackAndTheOthersGoOn()
        {
            using var pump = new JobPump(CancellationToken.None, throttleLimit: 3);
            var outcomes = new List<string>();
            for (int i = 0; i < 3; i++)
            {
                int n = i;
                pump.Start<int>(job => n == 1 ? Task.FromException<int>(new InvalidOperationException("boom")) : Task.FromResult(n),
                    result => outcomes.Add("ok " + result), ex => outcomes.Add("failed " + ex.Message));
            }
            pump.WaitAll();
            Assert.Equal(new[] { "ok 0", "failed boom", "ok 2" }, outcomes);
        }

        [Fact]
        public void AWorkerCanRunSomethingOnTheOwningThreadEvenWhileEarlierJobsAreBusy()
        {
            using var pump = new JobPump(CancellationToken.None, throttleLimit: 2);
            var owner = Thread.CurrentThread;
            var firstMayEnd = new TaskCompletionSource<bool>();
            var results = new List<string>();
            pump.Start(async job => { await firstMayEnd.Task.ConfigureAwait(false); return "first"; }, results.Add, ex => throw ex);
            pump.Start(async job =>
            {
                // Served at once although the first job has not finished (a prompt, ShouldProcess, a tool call).
                string answer = await job.InvokeAsync(() => Thread.CurrentThread == owner ? "on the owning thread" : "elsewhere").ConfigureAwait(false);
                firstMayEnd.SetResult(true);
                return answer;
            }, results.Add, ex => throw ex);
            pump.WaitAll();
            Assert.Equal(new[] { "first", "on the owning thread" }, results);
        }

        [Fact]
        public void FlushWritesWhatIsReadyWithoutWaiting()
        {
            using var pump = new JobPump(CancellationToken.None, throttleLimit: 1);
            var never = new TaskCompletionSource<int>();
            var written = new List<string>();
            PumpJob job = pump.Start(async j => { j.Post("early", written.Add); return await never.Task.ConfigureAwait(false); }, _ => { }, _ => written.Add("cancelled"));
            SpinWait.SpinUntil(() => { pump.Flush(); return written.Count == 1; }, TimeSpan.FromSeconds(5));
            Assert.Equal(new[] { "early" }, written);
            Assert.Equal(1, pump.Pending);
            never.SetCanceled();
            pump.WaitAll();
            Assert.Equal(new[] { "early", "cancelled" }, written);
        }

        [Fact]
        public void CancellingOneJobStopsItAndNotTheOthers()
        {
            using var pump = new JobPump(CancellationToken.None, throttleLimit: 2);
            var outcomes = new List<string>();
            PumpJob slow = pump.Start(async job => { await Task.Delay(Timeout.Infinite, job.CancellationToken).ConfigureAwait(false); return "slow"; },
                outcomes.Add, ex => outcomes.Add(ex is OperationCanceledException ? "slow stopped" : ex.Message));
            pump.Start(job => Task.FromResult("quick"), outcomes.Add, ex => throw ex);
            slow.Cancel();
            pump.WaitAll();
            Assert.Equal(new[] { "slow stopped", "quick" }, outcomes);
        }

        [Fact]
        public void StoppingTheCommandEndsTheWaitAtOnce()
        {
            using var stop = new CancellationTokenSource();
            using var pump = new JobPump(stop.Token, throttleLimit: 1);
            pump.Start(async job => { await Task.Delay(Timeout.Infinite, CancellationToken.None).ConfigureAwait(false); return 0; }, _ => { }, _ => { });
            stop.CancelAfter(100);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(() => pump.WaitAll());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }
}
