using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using Ally.Async;

namespace Ally
{
    /// <summary>
    /// Streamed pieces on their way from a worker to the thread that writes them. Pieces that arrive
    /// while the writer is still busy with earlier ones are joined (content with content, thinking with
    /// thinking, order kept), so a fast stream costs one write per batch instead of one per token, and an
    /// answer at a model's usual pace is still written piece by piece as it comes.
    /// </summary>
    public sealed class ChatUpdateBatch
    {
        private readonly object _gate = new object();
        private List<ChatUpdate> _pending = new List<ChatUpdate>();
        private List<ChatUpdate> _writing = new List<ChatUpdate>();
        private readonly StringBuilder _joined = new StringBuilder();
        private ChatUpdateKind _lastKind;
        private string? _last;
        private bool _scheduled;

        /// <summary>
        /// Adds a piece (on the worker). True when the writer must be asked to <see cref="Drain"/>: no drain
        /// is waiting yet. False when one is, and will take this piece with the others.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        public bool Add(ChatUpdate update)
        {
            lock (_gate)
            {
                if (_last != null && update.Kind == _lastKind)
                {
                    if (_joined.Length == 0) _joined.Append(_last);
                    _joined.Append(update.Text);
                }
                else
                {
                    EndPiece();
                    _last = update.Text;
                    _lastKind = update.Kind;
                }
                if (_scheduled) return false;
                _scheduled = true;
                return true;
            }
        }

        /// <summary>Writes every piece added so far (on the writer's thread), joined where they came together.</summary>
        [MethodImpl(HotPath.Optimize)]
        public void Drain(Action<ChatUpdate> write)
        {
            List<ChatUpdate> batch;
            lock (_gate)
            {
                EndPiece();
                batch = _pending;
                _pending = _writing;
                _writing = batch;
                _scheduled = false;
            }
            try
            {
                foreach (ChatUpdate update in batch) write(update);
            }
            finally
            {
                batch.Clear();
            }
        }

        private void EndPiece()
        {
            if (_last is null) return;
            _pending.Add(new ChatUpdate(_lastKind, _joined.Length == 0 ? _last : _joined.ToString()));
            _joined.Clear();
            _last = null;
        }
    }
}
