using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.FakeServers.Infrastructure;

/// <summary>The fakes' response delay (responseDelayMs): a lower bound tests rely on.</summary>
internal static class FakeDelay
{
    /// <summary>
    /// Waits at least <paramref name="milliseconds"/>. Task.Delay runs on a millisecond tick count and
    /// can end up to a tick early, which a test measuring the round trip would see as a server faster
    /// than its configured delay.
    /// </summary>
    public static async Task AtLeastAsync(int milliseconds, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        await Task.Delay(milliseconds, cancellationToken).ConfigureAwait(false);
        while (waited.Elapsed.TotalMilliseconds < milliseconds)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }
}
