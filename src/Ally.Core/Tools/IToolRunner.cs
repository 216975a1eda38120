using System.Threading;
using System.Threading.Tasks;

namespace Ally.Tools
{
    /// <summary>
    /// Runs the tool calls a model makes. The PowerShell layer's runner runs each offered command on the
    /// pipeline thread, asks for confirmation where it must, and renders the output for the model.
    /// </summary>
    public interface IToolRunner
    {
        /// <summary>Runs <paramref name="call"/> and says what became of it; never throws for a failing tool (the error goes back to the model).</summary>
        Task<ToolCallResult> RunAsync(ToolCall call, CancellationToken cancellationToken);
    }
}
