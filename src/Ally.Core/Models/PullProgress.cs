using System;
using System.Collections.Generic;
using System.Linq;

namespace Ally
{
    /// <summary>
    /// One line of <c>/api/pull</c> progress as the server sent it. Ollama omits <c>total</c> and
    /// <c>completed</c> when they are zero, so both are null until known.
    /// </summary>
    public sealed class PullStatus
    {
        /// <summary>Creates a progress line.</summary>
        public PullStatus(string status, string? digest = null, long? total = null, long? completed = null)
        {
            Status = status;
            Digest = string.IsNullOrEmpty(digest) ? null : digest;
            Total = total > 0 ? total : null;
            Completed = completed > 0 ? completed : null;
        }

        /// <summary>e.g. "pulling manifest", "pulling 6a0746a1ec1a", "verifying sha256 digest", "success".</summary>
        public string Status { get; }
        /// <summary>The layer this line is about (sha256:…), or null for a step of the whole pull.</summary>
        public string? Digest { get; }
        /// <summary>The layer's size in bytes, when known.</summary>
        public long? Total { get; }
        /// <summary>Bytes of the layer present so far (including bytes from an earlier, interrupted pull).</summary>
        public long? Completed { get; }
    }

    /// <summary>One layer (blob) of a pull: its bytes so far and, when known, its size.</summary>
    public sealed class PullLayer
    {
        internal PullLayer(int index, string digest)
        {
            Index = index;
            Digest = digest;
            int colon = digest.IndexOf(':');
            string hex = colon >= 0 ? digest.Substring(colon + 1) : digest;
            ShortDigest = hex.Length > 12 ? hex.Substring(0, 12) : hex;
        }

        /// <summary>1 for the first layer the server mentioned, 2 for the next, …</summary>
        public int Index { get; }
        /// <summary>The layer's digest, sha256:….</summary>
        public string Digest { get; }
        /// <summary>The first 12 hex digits, as <c>ollama pull</c> shows them.</summary>
        public string ShortDigest { get; }
        /// <summary>The layer's size, when the server has said.</summary>
        public long? Total { get; internal set; }
        /// <summary>Bytes present so far.</summary>
        public long Completed { get; internal set; }
        /// <summary>Percent done, only when the size is known (never 100 for a line without a size).</summary>
        public int? Percent => Total is long t ? (int)Math.Min(100, Completed * 100 / t) : (int?)null;
        /// <summary>True when every byte is present.</summary>
        public bool IsComplete => Total is long t && Completed >= t;
        /// <summary>"1.2 GB of 4.9 GB", or the bytes so far when the size is unknown.</summary>
        public string Describe() => ModelFormat.Transfer(Completed, Total);
    }

    /// <summary>
    /// Folds the progress lines of one pull into per-layer state, the way the ollama CLI keeps one
    /// bar per digest: lines of several layers interleave; a layer's first line may have no
    /// <c>completed</c> (0 bytes, not 100 %); a line without <c>total</c> leaves the size unknown;
    /// progress never goes backwards; lines without a digest are steps of the whole pull.
    /// </summary>
    public sealed class PullProgress
    {
        private const string SuccessStatus = "success";
        private readonly List<PullLayer> _layers = new List<PullLayer>();
        private bool _statusIsLatest = true;

        /// <summary>Starts tracking a pull of <paramref name="model"/>.</summary>
        public PullProgress(string model) => Model = model;

        /// <summary>The model being pulled.</summary>
        public string Model { get; }
        /// <summary>The latest step of the whole pull ("pulling manifest", "verifying sha256 digest", …).</summary>
        public string Status { get; private set; } = Messages.PullStarting;
        /// <summary>The layers in the order the server first mentioned them.</summary>
        public IReadOnlyList<PullLayer> Layers => _layers;
        /// <summary>True once the server reported success.</summary>
        public bool Succeeded { get; private set; }
        /// <summary>Bytes present over all layers.</summary>
        public long CompletedBytes => _layers.Sum(l => l.Completed);
        /// <summary>Bytes of all layers, when every layer's size is known.</summary>
        public long? TotalBytes => _layers.Count > 0 && _layers.All(l => l.Total.HasValue) ? _layers.Sum(l => l.Total!.Value) : (long?)null;
        /// <summary>Percent of all bytes, when every size is known.</summary>
        public int? Percent => TotalBytes is long t && t > 0 ? (int)Math.Min(100, CompletedBytes * 100 / t) : (int?)null;

        /// <summary>Applies one line; returns the layer it changed, or null for a step of the whole pull.</summary>
        public PullLayer? Apply(PullStatus line)
        {
            if (line.Digest is null)
            {
                Status = line.Status;
                _statusIsLatest = true;
                if (string.Equals(line.Status, SuccessStatus, StringComparison.OrdinalIgnoreCase)) Succeeded = true;
                return null;
            }

            _statusIsLatest = false;
            PullLayer? layer = _layers.Find(l => string.Equals(l.Digest, line.Digest, StringComparison.Ordinal));
            if (layer is null)
            {
                layer = new PullLayer(_layers.Count + 1, line.Digest);
                _layers.Add(layer);
            }
            if (line.Total is long total) layer.Total = total;
            if (line.Completed is long completed && completed > layer.Completed) layer.Completed = completed;
            return layer;
        }

        /// <summary>The whole pull in a few words: "1 of 3 layers, 1.2 GB of 4.9 GB" while layers arrive, else the latest step.</summary>
        public string Describe()
        {
            if (_statusIsLatest) return Status;
            return Messages.PullLayerCount(_layers.Count(l => l.IsComplete), _layers.Count, ModelFormat.Transfer(CompletedBytes, TotalBytes));
        }
    }
}
