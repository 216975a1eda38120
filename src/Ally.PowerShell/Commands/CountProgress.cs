using System.Diagnostics;
using System.Management.Automation;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// A progress bar for work of unknown size: how many are done and how many per second, rewritten at
    /// most a few times a second, and completed at the end — also after Ctrl+C (see <see cref="HostProgress"/>).
    /// </summary>
    internal sealed class CountProgress
    {
        private static readonly long Interval = Stopwatch.Frequency / 4;
        private readonly PSCmdlet _cmdlet;
        private readonly string _activity;
        private readonly long _sourceId = HostProgress.NewSourceId();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        // The first record after a quarter of a second: work that is over by then shows no bar at all.
        private long _lastShown;
        private bool _started;

        public CountProgress(PSCmdlet cmdlet, string activity)
        {
            _cmdlet = cmdlet;
            _activity = activity;
        }

        /// <summary>How many are done.</summary>
        public long Done { get; private set; }

        /// <summary>Counts <paramref name="count"/> more as done (on the pipeline thread).</summary>
        public void Add(int count)
        {
            Done += count;
            long now = _clock.ElapsedTicks;
            if (now - _lastShown < Interval) return;
            _lastShown = now;
            _started = true;
            HostProgress.Write(_cmdlet, _sourceId, new ProgressRecord(1, _activity, Describe()));
        }

        private string Describe() => Messages.EmbeddingProgress(Done, Done / System.Math.Max(_clock.Elapsed.TotalSeconds, 0.001));

        /// <summary>Ends the bar, if one was shown.</summary>
        public void Complete()
        {
            if (!_started) return;
            _started = false;
            HostProgress.Write(_cmdlet, _sourceId, new ProgressRecord(1, _activity, Describe()) { RecordType = ProgressRecordType.Completed });
        }
    }
}
