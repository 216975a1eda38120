using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Ally.Async;

namespace Ally.Http
{
    /// <summary>
    /// Reads a stream as lines of UTF-8 bytes, without decoding them to strings: the caller parses each
    /// line in place (<see cref="Line"/> is valid until the next read). Lines end in LF or CRLF, and with
    /// <c>bareCarriageReturn</c> also in a lone CR (Server-Sent Events), a CRLF split across two reads
    /// included. Blank lines are returned; a last line without an ending still counts. One buffer, grown
    /// only for a line longer than it.
    /// </summary>
    internal sealed class Utf8LineReader
    {
        private readonly Stream _stream;
        private readonly bool _bareCarriageReturn;
        private byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;
        private int _lineStart;
        private int _lineLength;
        private bool _eof;
        private bool _skipLineFeed;

        /// <param name="stream">What to read.</param>
        /// <param name="bareCarriageReturn">Whether a CR alone ends a line (SSE); otherwise a CR before LF is dropped and any other CR is text.</param>
        public Utf8LineReader(Stream stream, bool bareCarriageReturn)
        {
            _stream = stream;
            _bareCarriageReturn = bareCarriageReturn;
        }

        /// <summary>The current line, without its ending.</summary>
        public ReadOnlySpan<byte> Line => new ReadOnlySpan<byte>(_buffer, _lineStart, _lineLength);

        /// <summary>True once the stream has ended and every line has been read.</summary>
        public bool AtEnd => _eof && _start == _end;

        /// <summary>
        /// Moves to the next line already in the buffer, without waiting; false when the buffer holds no
        /// whole line (<see cref="FillAsync"/> reads more) or the stream has ended (<see cref="AtEnd"/>).
        /// Callers loop over it in an optimised method and await only to fill: the per-line work never
        /// runs in an async state machine, which starts as unoptimised code.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        public bool TryReadLine()
        {
            if (_skipLineFeed && _start < _end)
            {
                // The LF of a CRLF whose CR ended the previous line at the end of a read.
                _skipLineFeed = false;
                if (_buffer[_start] == (byte)'\n') _start++;
            }
            var pending = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
            int ending = _bareCarriageReturn ? pending.IndexOfAny((byte)'\n', (byte)'\r') : pending.IndexOf((byte)'\n');
            if (ending < 0)
            {
                if (!_eof || _end == _start) return false;
                // A last line without an ending.
                SetLine(_start, _end - _start);
                _start = _end;
                return true;
            }
            int at = _start + ending;
            int length = ending;
            int next = at + 1;
            if (_buffer[at] == (byte)'\r')
            {
                if (next < _end) { if (_buffer[next] == (byte)'\n') next++; }
                else _skipLineFeed = true;
            }
            else if (!_bareCarriageReturn && length > 0 && _buffer[at - 1] == (byte)'\r')
            {
                length--;
            }
            SetLine(_start, length);
            _start = next;
            return true;
        }

        /// <summary>Moves to the next line, reading as needed; false at the end of the stream.</summary>
        public async Task<bool> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (!TryReadLine())
            {
                if (_eof) return false;
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            return true;
        }

        /// <summary>
        /// Reads the body through: <paramref name="readBuffered"/> takes the lines already in the buffer
        /// (with <see cref="TryReadLine"/>, in an optimised loop) and returns true once the answer is
        /// complete, after which the rest of the body is read (<see cref="FinishAsync"/>); otherwise more
        /// is read, until the stream ends.
        /// </summary>
        public async Task ReadAsync(Func<bool> readBuffered, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (readBuffered())
                {
                    await FinishAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                if (AtEnd) return;
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// After the last line of an answer, reads on to the end of the body, which a server sends right
        /// after it: a body read to its end hands the connection back to the pool at once, where one left
        /// unread is first drained in the background (a thread-pool round trip on every request). Waits at
        /// most <see cref="EndWait"/>; a server that keeps the body open is left to the response's disposal.
        /// Nothing that happens here can spoil the answer already read: failures are ignored.
        /// </summary>
        public async Task FinishAsync(CancellationToken cancellationToken)
        {
            Task<bool> next;
            try
            {
                next = ReadLineAsync(cancellationToken);
            }
            catch (Exception)
            {
                return;
            }
            if (!next.IsCompleted)
            {
                Task first;
                try
                {
                    first = await Task.WhenAny(next, Task.Delay(EndWait, cancellationToken)).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    first = Task.CompletedTask;
                }
                if (first != next)
                {
                    // Still reading: the disposal of the response ends it; its failure is observed here.
                    _ = next.ContinueWith(t => _ = t.Exception, CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    return;
                }
            }
            try
            {
                await next.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A connection dropped or a read stopped after the answer was complete.
            }
        }

        /// <summary>How long <see cref="FinishAsync"/> waits for the end of the body.</summary>
        internal static readonly TimeSpan EndWait = TimeSpan.FromMilliseconds(200);

        private void SetLine(int start, int length)
        {
            _lineStart = start;
            _lineLength = length;
        }

        /// <summary>Reads more of the stream into the buffer (at the end of the stream, <see cref="AtEnd"/> follows once the lines are read).</summary>
        public async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int read = await _stream.ReadAsync(_buffer, _end, _buffer.Length - _end, cancellationToken).ConfigureAwait(false);
            if (read == 0) _eof = true;
            _end += read;
        }
    }
}
