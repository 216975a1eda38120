using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// Base of Ally's cmdlets: owns the cancellation that Ctrl+C (StopProcessing) triggers, waits for
    /// library work on the pipeline thread, and turns <see cref="AllyException"/>s into ErrorRecords.
    /// </summary>
    public abstract class AllyCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        protected CancellationToken CancellationToken => _cancellation.Token;

        /// <inheritdoc />
        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Releases the cancellation source (Dispose runs even when Ctrl+C skips EndProcessing).</summary>
        public void Dispose()
        {
            _cancellation.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>
        /// Waits for <paramref name="task"/> on the pipeline thread. Ctrl+C returns at once, even if
        /// the task were slow to notice its token.
        /// </summary>
        protected T Await<T>(Task<T> task)
        {
            try
            {
                task.Wait(CancellationToken);
            }
            catch (AggregateException)
            {
                // Rethrown unwrapped below.
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>An ErrorRecord for an Ally failure: stable id, category, remedy as the recommended action.</summary>
        protected static ErrorRecord ToErrorRecord(AllyException exception, object? target)
        {
            var record = new ErrorRecord(exception, exception.ErrorId, ToCategory(exception.Category), target);
            // Shown as the message plus a separate "Recommendation:" line; the exception's Message keeps both for logs.
            if (exception.Remedy != null) record.ErrorDetails = new ErrorDetails(exception.Problem) { RecommendedAction = exception.Remedy };
            return record;
        }

        /// <summary>Stops the command with an Ally failure (nothing else can go on).</summary>
        protected void ThrowAllyError(AllyException exception, object? target = null) => ThrowTerminatingError(ToErrorRecord(exception, target));

        private static ErrorCategory ToCategory(AllyErrorCategory category) => category switch
        {
            AllyErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
            AllyErrorCategory.ConnectionError => ErrorCategory.ConnectionError,
            AllyErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
            AllyErrorCategory.OperationTimeout => ErrorCategory.OperationTimeout,
            AllyErrorCategory.ResourceBusy => ErrorCategory.ResourceBusy,
            AllyErrorCategory.AuthenticationError => ErrorCategory.AuthenticationError,
            AllyErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
            AllyErrorCategory.InvalidData => ErrorCategory.InvalidData,
            _ => ErrorCategory.InvalidResult,
        };
    }
}
