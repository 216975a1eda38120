using System.Collections.Generic;
using System.Management.Automation;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// Writes the progress of one pull on the pipeline thread: a parent record for the model and one
    /// child record per layer (bytes so far, percent only when the size is known). A record is
    /// rewritten only when what it shows changes, and <see cref="Complete"/> ends every record
    /// that was started, children first — also after Ctrl+C (see <see cref="HostProgress"/>).
    /// </summary>
    internal sealed class PullProgressWriter
    {
        /// <summary>The pull's own activity; layers are this plus their index.</summary>
        public const int ActivityId = 1;

        private readonly long _sourceId = HostProgress.NewSourceId();
        private readonly PSCmdlet _cmdlet;
        private readonly PullProgress _progress;
        private readonly Dictionary<int, (string Text, int Percent)> _shown = new Dictionary<int, (string, int)>();

        public PullProgressWriter(PSCmdlet cmdlet, PullProgress progress)
        {
            _cmdlet = cmdlet;
            _progress = progress;
        }

        /// <summary>Shows the pull as it is now, after <paramref name="changed"/> (null: a step of the whole pull).</summary>
        public void Update(PullLayer? changed)
        {
            if (changed != null)
            {
                Write(ActivityId + changed.Index, Messages.PullLayerActivity(changed.ShortDigest), changed.Describe(), changed.Percent, ActivityId);
            }
            Write(ActivityId, Messages.PullActivity(_progress.Model), _progress.Describe(), _progress.Percent, -1);
        }

        private void Write(int id, string activity, string text, int? percent, int parent)
        {
            int shownPercent = percent ?? -1;
            if (_shown.TryGetValue(id, out var last) && last.Text == text && last.Percent == shownPercent) return;
            _shown[id] = (text, shownPercent);
            var record = new ProgressRecord(id, activity, text) { PercentComplete = shownPercent, ParentActivityId = parent };
            _cmdlet.CommandRuntime.WriteProgress(_sourceId, record);
        }

        /// <summary>Ends every record this pull started (also after a failure or Ctrl+C).</summary>
        public void Complete()
        {
            var ids = new List<int>(_shown.Keys);
            ids.Sort((a, b) => b.CompareTo(a));
            foreach (int id in ids)
            {
                PullLayer? layer = id == ActivityId ? null : _progress.Layers[id - ActivityId - 1];
                string activity = layer is null ? Messages.PullActivity(_progress.Model) : Messages.PullLayerActivity(layer.ShortDigest);
                var record = new ProgressRecord(id, activity, layer is null ? _progress.Describe() : layer.Describe())
                {
                    RecordType = ProgressRecordType.Completed,
                    ParentActivityId = id == ActivityId ? -1 : ActivityId,
                };
                HostProgress.Write(_cmdlet, _sourceId, record);
            }
            _shown.Clear();
        }
    }
}
