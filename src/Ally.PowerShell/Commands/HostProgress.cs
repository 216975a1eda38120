using System.Management.Automation;
using System.Threading;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// Progress records that always end: each writer has a source id of its own (high bits "Ally"), and
    /// a record written after Ctrl+C — when PowerShell refuses the cmdlet's own writes — goes to the
    /// host directly under that id, so a bar is never left behind.
    /// </summary>
    internal static class HostProgress
    {
        private static long s_lastSourceId = 0x416C6C79L << 32;

        /// <summary>A source id no other writer uses.</summary>
        public static long NewSourceId() => Interlocked.Increment(ref s_lastSourceId);

        /// <summary>Writes <paramref name="record"/>, through the host when the pipeline has stopped.</summary>
        public static void Write(PSCmdlet cmdlet, long sourceId, ProgressRecord record)
        {
            try
            {
                cmdlet.CommandRuntime.WriteProgress(sourceId, record);
            }
            catch (PipelineStoppedException)
            {
                // Ctrl+C: the pipeline takes no more writes, but a bar must not be left behind.
                cmdlet.Host?.UI?.WriteProgress(sourceId, record);
            }
        }
    }
}
