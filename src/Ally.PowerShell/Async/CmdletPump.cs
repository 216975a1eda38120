using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.PowerShell.Async
{
    /// <summary>
    /// Runs a cmdlet's network work on worker threads while everything PowerShell must see happens on
    /// the pipeline thread. Jobs start in the order they are given, at most a throttle limit at once;
    /// what they send back (host text, warnings, verbose lines, progress, actions) is written in job
    /// order — a job's messages only once every earlier job has finished and been written — and a
    /// job's result or failure is handed to its callbacks there too. A worker can also ask the pipeline
    /// thread to run something and await the result (prompts, ShouldProcess, PowerShell commands),
    /// which is served at once, whatever the order. Each job has its own cancellation, linked to the
    /// command's (Ctrl+C), so one answer can be stopped without stopping the command.
    /// </summary>
    /// <remarks>
    /// The pipeline thread sleeps on one monitor and is woken by an item — a message, or the marker a
    /// finished job posts — never by cancelling a wait, so a request's end costs no exception.
    /// </remarks>
    internal sealed class CmdletPump : IDisposable
    {
        private readonly PSCmdlet _cmdlet;
        private readonly CancellationToken _stop;
        private readonly SemaphoreSlim _slots;
        private readonly CancellationTokenRegistration _wakeOnStop;
        private readonly object _gate = new object();
        private readonly Queue<PumpMessage> _inbox = new Queue<PumpMessage>();
        private readonly Queue<PumpJob> _order = new Queue<PumpJob>();

        /// <summary>A pump for <paramref name="cmdlet"/>; <paramref name="stop"/> is the command's cancellation.</summary>
        public CmdletPump(PSCmdlet cmdlet, CancellationToken stop, int throttleLimit)
        {
            _cmdlet = cmdlet;
            _stop = stop;
            _slots = new SemaphoreSlim(throttleLimit);
            _wakeOnStop = stop.Register(() =>
            {
                lock (_gate) Monitor.PulseAll(_gate);
            });
        }

        /// <summary>The cmdlet the messages are written through.</summary>
        public PSCmdlet Cmdlet => _cmdlet;

        /// <summary>Jobs started and not yet handed to their callbacks.</summary>
        public int Pending => _order.Count;

        /// <summary>
        /// Starts a job: it waits for a slot (slots are given in start order), then runs
        /// <paramref name="work"/> on a worker. On the pipeline thread, after every earlier job,
        /// <paramref name="onResult"/> gets its result or <paramref name="onError"/> its failure.
        /// Called on the pipeline thread.
        /// </summary>
        public PumpJob Start<T>(Func<PumpJobContext, Task<T>> work, Action<T> onResult, Action<Exception> onError)
        {
            var job = new PumpJob(this, CancellationTokenSource.CreateLinkedTokenSource(_stop));
            var context = new PumpJobContext(this, job);
            // Queued for a slot here, on the pipeline thread: SemaphoreSlim serves waiters in order, so
            // jobs start in the order they were given whatever the thread pool does.
            Task slot = _slots.WaitAsync(job.CancellationToken);
            Task<T> task = RunAsync(slot, context, work);
            job.Finish = () =>
            {
                // On the pipeline thread, once every earlier job is done.
                if (task.Status == TaskStatus.RanToCompletion) onResult(task.Result);
                else onError(Unwrap(task.Exception) ?? new OperationCanceledException(job.CancellationToken));
            };
            _order.Enqueue(job);
            // The end of the job wakes the pipeline thread with an item, not with an exception.
            task.ContinueWith((_, state) => ((PumpJob)state!).Post(new CompletedMessage()), job, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return job;
        }

        private async Task<T> RunAsync<T>(Task slot, PumpJobContext context, Func<PumpJobContext, Task<T>> work)
        {
            await slot.ConfigureAwait(false);
            try
            {
                return await work(context).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }

        private static Exception? Unwrap(AggregateException? ex) => ex is null ? null : ex.InnerExceptions.Count == 1 ? ex.InnerExceptions[0] : ex;

        /// <summary>Writes whatever can be written now, without waiting. Called on the pipeline thread.</summary>
        public void Flush() => Pump(untilIdle: false);

        /// <summary>Writes everything, waiting until every job has finished and been handed to its callbacks. Called on the pipeline thread.</summary>
        public void WaitAll() => Pump(untilIdle: true);

        private void Pump(bool untilIdle)
        {
            while (true)
            {
                PumpMessage? message;
                lock (_gate)
                {
                    while (_inbox.Count == 0)
                    {
                        if (!untilIdle || _order.Count == 0) return;
                        if (_stop.IsCancellationRequested) throw new PipelineStoppedException();
                        Monitor.Wait(_gate);
                    }
                    message = _inbox.Dequeue();
                }
                Handle(message);
            }
        }

        private void Handle(PumpMessage message)
        {
            if (message.RunsAtOnce)
            {
                message.Run(_cmdlet);
                return;
            }
            PumpJob job = message.Job!;
            job.Backlog.Enqueue(message);
            // Write the oldest job's messages; when it is done, hand it over and go on with the next.
            while (_order.Count > 0)
            {
                PumpJob head = _order.Peek();
                while (head.Backlog.Count > 0)
                {
                    PumpMessage next = head.Backlog.Dequeue();
                    if (next is CompletedMessage) head.IsCompleted = true;
                    else next.Run(_cmdlet);
                }
                if (!head.IsCompleted) return;
                _order.Dequeue();
                head.Dispose();
                head.Finish!();
            }
        }

        internal void Enqueue(PumpMessage message)
        {
            lock (_gate)
            {
                _inbox.Enqueue(message);
                Monitor.Pulse(_gate);
            }
        }

        /// <summary>Cancels every job still running (the command is ending).</summary>
        public void CancelAll()
        {
            foreach (PumpJob job in _order) job.Cancel();
        }

        public void Dispose()
        {
            _wakeOnStop.Dispose();
            _slots.Dispose();
        }
    }

    /// <summary>A job of a <see cref="CmdletPump"/>: its own cancellation, and its messages waiting for their turn.</summary>
    internal sealed class PumpJob : IDisposable
    {
        private readonly CmdletPump _pump;
        private readonly CancellationTokenSource _cancellation;

        internal PumpJob(CmdletPump pump, CancellationTokenSource cancellation)
        {
            _pump = pump;
            _cancellation = cancellation;
        }

        /// <summary>Cancelled by <see cref="Cancel"/> or by the command's cancellation.</summary>
        public CancellationToken CancellationToken => _cancellation.Token;

        /// <summary>Stops this job only (Ctrl+C on one answer of an interactive loop).</summary>
        public void Cancel()
        {
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }

        internal Queue<PumpMessage> Backlog { get; } = new Queue<PumpMessage>();
        internal bool IsCompleted { get; set; }
        internal Action? Finish { get; set; }

        internal void Post(PumpMessage message) => _pump.Enqueue(message.For(this));

        public void Dispose() => _cancellation.Dispose();
    }

    /// <summary>What a job's work gets: its cancellation, and the ways to reach the pipeline thread.</summary>
    internal sealed class PumpJobContext
    {
        private readonly CmdletPump _pump;
        private readonly PumpJob _job;

        internal PumpJobContext(CmdletPump pump, PumpJob job)
        {
            _pump = pump;
            _job = job;
        }

        /// <summary>The job's cancellation (its own, and the command's Ctrl+C).</summary>
        public CancellationToken CancellationToken => _job.CancellationToken;

        /// <summary>Writes text to the host through the information stream (in job order).</summary>
        public void WriteHost(HostInformationMessage message, string[] tags) => _job.Post(new HostTextMessage(message, tags));

        /// <summary>Writes a warning (in job order).</summary>
        public void WriteWarning(string text) => _job.Post(new WarningMessage(text));

        /// <summary>Writes a verbose line (in job order).</summary>
        public void WriteVerbose(string text) => _job.Post(new VerboseMessage(text));

        /// <summary>Writes a progress record (in job order).</summary>
        public void WriteProgress(ProgressRecord record) => _job.Post(new ProgressMessage(record));

        /// <summary>Hands <paramref name="item"/> to <paramref name="handler"/> on the pipeline thread (in job order).</summary>
        public void Post<T>(T item, Action<T> handler) => _job.Post(new ItemMessage<T>(item, handler));

        /// <summary>
        /// Runs <paramref name="call"/> on the pipeline thread as soon as it is free (not in job order:
        /// the job waits for the answer) and returns its result or failure.
        /// </summary>
        public Task<T> InvokeAsync<T>(Func<T> call)
        {
            var message = new InvokeMessage<T>(call, _job.CancellationToken);
            _pump.Enqueue(message);
            return message.Result;
        }
    }
}
