using System;
using System.Threading;
using System.Threading.Tasks;
using Ally.PowerShell.Async;
using Ally.Tools;

namespace Ally.PowerShell.Tools
{
    /// <summary>
    /// A tool runner whose calls are also shown to the user: each result is handed to <c>show</c> on the
    /// pipeline thread, in order with the answer's streamed pieces (a [tool] line between them).
    /// </summary>
    internal sealed class ShownToolRunner : IToolRunner
    {
        private readonly IToolRunner _inner;
        private readonly CmdletJob _worker;
        private readonly Action<ToolCallResult> _show;

        public ShownToolRunner(IToolRunner inner, CmdletJob worker, Action<ToolCallResult> show)
        {
            _inner = inner;
            _worker = worker;
            _show = show;
        }

        public async Task<ToolCallResult> RunAsync(ToolCall call, CancellationToken cancellationToken)
        {
            ToolCallResult result = await _inner.RunAsync(call, cancellationToken).ConfigureAwait(false);
            _worker.Post(result, _show);
            return result;
        }
    }
}
