using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Async
{
    /// <summary>
    /// Runs a command's network work on worker threads while everything the user must see happens on
    /// one thread — the pipeline thread of a cmdlet. Jobs start in the order they are given, at most a
    /// throttle limit at once; what they send back is handed on in job order (a job's messages only once
    /// every earlier job has finished and been handed on), and a job's result or failure goes to its
    /// callbacks there too. A worker can also ask that thread to run something and await the result
    /// (prompts, ShouldProcess, PowerShell commands), which is served at once, whatever the order. Each
    /// job has its own cancellation, linked to the command's (Ctrl+C), so one answer can be stopped
    /// without stopping the command.
    /// </summary>
    /// <remarks>
    /// The owning thread sleeps on one monitor without spinning and is woken by an item — a message, or
    /// the marker a finished job posts — never by cancelling a wait, so the end of a request costs no
    /// exception.
    /// </remarks>
    public sealed class JobPump : IDisposable
    {
        private readonly CancellationToken _stop;
        private readonly SemaphoreSlim _slots;
        private readonly object _gate = new object();
        private readonly Queue<PumpMessage> _inbox = new Queue<PumpMessage>();
        private readonly List<PumpMessage> _batch = new List<PumpMessage>();
        private readonly Queue<PumpJob> _order = new Queue<PumpJob>();
        private readonly CancellationTokenRegistration _wakeOnStop;
        private bool _waiting;

        /// <summary>A pump whose jobs run at most <paramref name="throttleLimit"/> at once; <paramref name="stop"/> is the command's cancellation.</summary>
        public JobPump(CancellationToken stop, int throttleLimit)
        {
            _stop = stop;
            _slots = new SemaphoreSlim(throttleLimit);
            _wakeOnStop = stop.Register(() =>
            {
                lock (_gate) Monitor.PulseAll(_gate);
            });
        }

        /// <summary>Jobs started and not yet handed to their callbacks.</summary>
        public int Pending => _order.Count;

        /// <summary>
        /// Starts a job: it waits for a slot (slots are given in start order), then runs
        /// <paramref name="work"/> on a worker. On the owning thread, after every earlier job,
        /// <paramref name="onResult"/> gets its result or <paramref name="onError"/> its failure.
        /// Called on the owning thread.
        /// </summary>
        public PumpJob Start<T>(Func<JobContext, Task<T>> work, Action<T> onResult, Action<Exception> onError)
        {
            var job = new PumpJob(this, CancellationTokenSource.CreateLinkedTokenSource(_stop));
            var context = new JobContext(this, job);
            CancellationToken token = job.CancellationToken;
            // Queued for a slot here, on the owning thread: SemaphoreSlim serves waiters in order, so
            // jobs start in the order they were given whatever the thread pool does.
            Task slot = _slots.WaitAsync(job.CancellationToken);
            Task<T> task = RunAsync(slot, context, work);
            job.Finish = () =>
            {
                if (task.Status == TaskStatus.RanToCompletion) onResult(task.Result);
                else onError(Unwrap(task.Exception) ?? Canceled(task, token));
            };
            _order.Enqueue(job);
            // The end of the job wakes the owning thread with an item, not with an exception.
            task.ContinueWith((_, state) => ((PumpJob)state!).Post(new CompletedMessage()), job, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return job;
        }

        private async Task<T> RunAsync<T>(Task slot, JobContext context, Func<JobContext, Task<T>> work)
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

        /// <summary>
        /// The exception a canceled job ended with: the one it threw (which may carry what it had done,
        /// e.g. ChatTurnStoppedException), else a plain OperationCanceledException.
        /// </summary>
        private static Exception Canceled(Task task, CancellationToken token)
        {
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException ex)
            {
                return ex;
            }
            return new OperationCanceledException(token);
        }

        /// <summary>Hands on whatever can be handed on now, without waiting. Called on the owning thread.</summary>
        public void Flush() => Pump(int.MaxValue);

        /// <summary>
        /// Hands on everything, waiting until every job has finished and gone to its callbacks. Called on
        /// the owning thread; throws <see cref="OperationCanceledException"/> when the command is stopped.
        /// </summary>
        public void WaitAll() => Pump(0);

        /// <summary>
        /// Hands on what it can, waiting until fewer than <paramref name="maxPending"/> jobs are left: a
        /// producer faster than its jobs waits here, so what is queued (and its memory) stays bounded.
        /// Called on the owning thread; throws <see cref="OperationCanceledException"/> when the command is stopped.
        /// </summary>
        public void WaitForRoom(int maxPending) => Pump(Math.Max(maxPending, 1) - 1);

        [MethodImpl(HotPath.Optimize)]
        /// <summary>Hands on messages; with none waiting, returns once at most <paramref name="pendingAllowed"/> jobs are left, else sleeps.</summary>
        private void Pump(int pendingAllowed)
        {
            while (true)
            {
                lock (_gate)
                {
                    while (_inbox.Count == 0)
                    {
                        if (_order.Count <= pendingAllowed) return;
                        _stop.ThrowIfCancellationRequested();
                        // Sleep at once, without spinning: on a small machine a spinning pipeline thread takes
                        // the core the worker and the server need. A message or a job's end marker wakes it.
                        _waiting = true;
                        Monitor.Wait(_gate);
                        _waiting = false;
                    }
                    // Take everything there is in one go; the workers keep adding while it is written.
                    while (_inbox.Count > 0) _batch.Add(_inbox.Dequeue());
                }
                try
                {
                    foreach (PumpMessage message in _batch) Handle(message);
                }
                finally
                {
                    _batch.Clear();
                }
            }
        }

        [MethodImpl(HotPath.Optimize)]
        private void Handle(PumpMessage message)
        {
            if (message.Job is null)
            {
                message.Run();
                return;
            }
            message.Job.Backlog.Enqueue(message);
            // Hand on the oldest job's messages; when it is done, give it to its callbacks and go on with the next.
            while (_order.Count > 0)
            {
                PumpJob head = _order.Peek();
                while (head.Backlog.Count > 0)
                {
                    PumpMessage next = head.Backlog.Dequeue();
                    if (next is CompletedMessage) head.IsCompleted = true;
                    else next.Run();
                }
                if (!head.IsCompleted) return;
                _order.Dequeue();
                try
                {
                    head.Finish!();
                }
                finally
                {
                    head.Dispose();
                }
            }
        }

        [MethodImpl(HotPath.Optimize)]
        internal void Enqueue(PumpMessage message)
        {
            lock (_gate)
            {
                _inbox.Enqueue(message);
                if (_waiting) Monitor.Pulse(_gate);
            }
        }

        /// <inheritdoc />
        /// <remarks>
        /// Jobs still running when the command ends (a terminating error stopped it) run to their end on
        /// their own; the slots are not disposed under them.
        /// </remarks>
        public void Dispose() => _wakeOnStop.Dispose();
    }

    /// <summary>A job of a <see cref="JobPump"/>: its own cancellation, and its messages waiting for their turn.</summary>
    public sealed class PumpJob : IDisposable
    {
        private readonly JobPump _pump;
        private readonly CancellationTokenSource _cancellation;

        internal PumpJob(JobPump pump, CancellationTokenSource cancellation)
        {
            _pump = pump;
            _cancellation = cancellation;
        }

        /// <summary>Cancelled by <see cref="Cancel"/> or by the command's cancellation.</summary>
        public CancellationToken CancellationToken => _cancellation.Token;

        /// <summary>Stops this job only (e.g. Ctrl+C on one answer of an interactive loop).</summary>
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

        /// <inheritdoc />
        public void Dispose() => _cancellation.Dispose();
    }

    /// <summary>What a job's work gets: its cancellation, and the ways to reach the owning thread.</summary>
    public sealed class JobContext
    {
        private readonly JobPump _pump;
        private readonly PumpJob _job;

        internal JobContext(JobPump pump, PumpJob job)
        {
            _pump = pump;
            _job = job;
        }

        /// <summary>The job's cancellation (its own, and the command's).</summary>
        public CancellationToken CancellationToken => _job.CancellationToken;

        /// <summary>Hands <paramref name="item"/> to <paramref name="handler"/> on the owning thread, in job order.</summary>
        [MethodImpl(HotPath.Optimize)]
        public void Post<T>(T item, Action<T> handler) => _job.Post(new ItemMessage<T>(item, handler));

        /// <summary>
        /// Runs <paramref name="call"/> on the owning thread as soon as it is free (not in job order: the
        /// job waits for the answer) and returns its result or failure.
        /// </summary>
        public Task<T> InvokeAsync<T>(Func<T> call)
        {
            var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            // A job stopped while it waits must not wait for an owning thread that has moved on.
            CancellationTokenRegistration registration = CancellationToken.Register(() => result.TrySetCanceled(CancellationToken));
            _pump.Enqueue(new ItemMessage<Action>(() =>
            {
                registration.Dispose();
                if (result.Task.IsCompleted) return;
                try
                {
                    result.TrySetResult(call());
                }
                catch (Exception ex)
                {
                    result.TrySetException(ex);
                }
            }, action => action()));
            return result.Task;
        }
    }

    /// <summary>Something a worker sends to the owning thread.</summary>
    internal abstract class PumpMessage
    {
        /// <summary>The job it belongs to (handed on in job order), or null for a call served at once.</summary>
        public PumpJob? Job { get; private set; }

        public PumpMessage For(PumpJob job)
        {
            Job = job;
            return this;
        }

        /// <summary>Does it, on the owning thread.</summary>
        public abstract void Run();
    }

    /// <summary>The last message of a job: it has finished.</summary>
    internal sealed class CompletedMessage : PumpMessage
    {
        public override void Run() { }
    }

    /// <summary>An item for a handler (a streamed piece, a warning, a progress line).</summary>
    internal sealed class ItemMessage<T> : PumpMessage
    {
        private readonly T _item;
        private readonly Action<T> _handler;

        public ItemMessage(T item, Action<T> handler)
        {
            _item = item;
            _handler = handler;
        }

        [MethodImpl(HotPath.Optimize)]
        public override void Run() => _handler(_item);
    }
}
