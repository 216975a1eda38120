using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.PowerShell.Async
{
    /// <summary>Something a worker sends to the pipeline thread: it runs there, with the cmdlet at hand.</summary>
    internal abstract class PumpMessage
    {
        /// <summary>The job that sent it (null for messages served at once).</summary>
        internal PumpJob? Job { get; private set; }

        /// <summary>True for messages served as soon as the pipeline thread is free, not in job order.</summary>
        internal virtual bool RunsAtOnce => false;

        internal PumpMessage For(PumpJob job)
        {
            Job = job;
            return this;
        }

        /// <summary>Does it, on the pipeline thread.</summary>
        internal abstract void Run(PSCmdlet cmdlet);
    }

    /// <summary>The last message of a job: it has finished.</summary>
    internal sealed class CompletedMessage : PumpMessage
    {
        internal override void Run(PSCmdlet cmdlet) { }
    }

    internal sealed class HostTextMessage : PumpMessage
    {
        private readonly HostInformationMessage _message;
        private readonly string[] _tags;

        public HostTextMessage(HostInformationMessage message, string[] tags)
        {
            _message = message;
            _tags = tags;
        }

        internal override void Run(PSCmdlet cmdlet) => cmdlet.WriteInformation(_message, _tags);
    }

    internal sealed class WarningMessage : PumpMessage
    {
        private readonly string _text;
        public WarningMessage(string text) => _text = text;
        internal override void Run(PSCmdlet cmdlet) => cmdlet.WriteWarning(_text);
    }

    internal sealed class VerboseMessage : PumpMessage
    {
        private readonly string _text;
        public VerboseMessage(string text) => _text = text;
        internal override void Run(PSCmdlet cmdlet) => cmdlet.WriteVerbose(_text);
    }

    internal sealed class ProgressMessage : PumpMessage
    {
        private readonly ProgressRecord _record;
        public ProgressMessage(ProgressRecord record) => _record = record;
        internal override void Run(PSCmdlet cmdlet) => cmdlet.WriteProgress(_record);
    }

    /// <summary>An item for a handler of the cmdlet's (a streamed piece, a progress line), in job order.</summary>
    internal sealed class ItemMessage<T> : PumpMessage
    {
        private readonly T _item;
        private readonly Action<T> _handler;

        public ItemMessage(T item, Action<T> handler)
        {
            _item = item;
            _handler = handler;
        }

        internal override void Run(PSCmdlet cmdlet) => _handler(_item);
    }

    /// <summary>A call a worker waits for: run on the pipeline thread at once, its result (or failure) handed back.</summary>
    internal sealed class InvokeMessage<T> : PumpMessage
    {
        private readonly Func<T> _call;
        private readonly TaskCompletionSource<T> _result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);

        public InvokeMessage(Func<T> call, CancellationToken cancellationToken)
        {
            _call = call;
            // A worker stopped while it waits must not wait for a pipeline thread that has moved on.
            if (cancellationToken.CanBeCanceled) cancellationToken.Register(() => _result.TrySetCanceled(cancellationToken));
        }

        public Task<T> Result => _result.Task;

        internal override bool RunsAtOnce => true;

        internal override void Run(PSCmdlet cmdlet)
        {
            if (_result.Task.IsCompleted) return;
            try
            {
                _result.TrySetResult(_call());
            }
            catch (Exception ex)
            {
                _result.TrySetException(ex);
            }
        }
    }
}
