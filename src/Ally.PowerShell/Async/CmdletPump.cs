using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Ally.Async;

namespace Ally.PowerShell.Async
{
    /// <summary>
    /// A cmdlet's <see cref="JobPump"/>: jobs run on workers, and their warnings, verbose lines, host
    /// text and progress are written by the cmdlet on the pipeline thread, in job order. A stop
    /// (Ctrl+C) while waiting becomes the PipelineStoppedException PowerShell expects.
    /// </summary>
    internal sealed class CmdletPump : IDisposable
    {
        private readonly JobPump _pump;
        private readonly CancellationToken _stop;

        public CmdletPump(PSCmdlet cmdlet, CancellationToken stop, int throttleLimit)
        {
            _pump = new JobPump(stop, throttleLimit);
            _stop = stop;
            WriteWarning = cmdlet.WriteWarning;
            WriteVerbose = cmdlet.WriteVerbose;
            WriteProgress = cmdlet.WriteProgress;
        }

        internal Action<string> WriteWarning { get; }
        internal Action<string> WriteVerbose { get; }
        internal Action<ProgressRecord> WriteProgress { get; }

        /// <summary>Jobs started and not yet handed to their callbacks.</summary>
        public int Pending => _pump.Pending;

        /// <summary>Starts a job (see <see cref="JobPump.Start"/>); called on the pipeline thread.</summary>
        public PumpJob Start<T>(Func<CmdletJob, Task<T>> work, Action<T> onResult, Action<Exception> onError) =>
            _pump.Start(context => work(new CmdletJob(this, context)), onResult, onError);

        /// <summary>Writes whatever can be written now, without waiting.</summary>
        public void Flush() => Stoppable(_pump.Flush);

        /// <summary>Writes everything, waiting until every job has finished; Ctrl+C stops the wait at once.</summary>
        public void WaitAll() => Stoppable(_pump.WaitAll);

        /// <summary>Writes what it can, waiting until fewer than <paramref name="maxPending"/> jobs are left (bounded memory for a fast producer).</summary>
        public void WaitForRoom(int maxPending) => Stoppable(() => _pump.WaitForRoom(maxPending));

        private void Stoppable(Action pump)
        {
            try
            {
                pump();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        public void Dispose() => _pump.Dispose();
    }

    /// <summary>What a cmdlet's job gets on its worker: its cancellation and the cmdlet's writes, queued for the pipeline thread.</summary>
    internal sealed class CmdletJob
    {
        private readonly CmdletPump _pump;
        private readonly JobContext _context;

        public CmdletJob(CmdletPump pump, JobContext context)
        {
            _pump = pump;
            _context = context;
        }

        /// <summary>The job's cancellation (its own, and Ctrl+C).</summary>
        public CancellationToken CancellationToken => _context.CancellationToken;

        /// <summary>Writes a warning (in job order).</summary>
        public void WriteWarning(string text) => _context.Post(text, _pump.WriteWarning);

        /// <summary>Writes a verbose line (in job order).</summary>
        public void WriteVerbose(string text) => _context.Post(text, _pump.WriteVerbose);

        /// <summary>Writes a progress record (in job order).</summary>
        public void WriteProgress(ProgressRecord record) => _context.Post(record, _pump.WriteProgress);

        /// <summary>Hands <paramref name="item"/> to <paramref name="handler"/> on the pipeline thread (in job order).</summary>
        public void Post<T>(T item, Action<T> handler) => _context.Post(item, handler);

        /// <summary>Runs <paramref name="call"/> on the pipeline thread as soon as it is free and returns its result.</summary>
        public Task<T> InvokeAsync<T>(Func<T> call) => _context.InvokeAsync(call);
    }
}
