using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Http
{
    /// <summary>
    /// Reads newline-delimited JSON as whole lines of UTF-8 bytes, without decoding them to strings:
    /// each line is parsed in place by the caller. Blank lines are skipped; a last line without a
    /// newline still counts. One buffer, grown only for a line longer than it.
    /// </summary>
    internal sealed class NdjsonReader
    {
        private readonly Stream _stream;
        private byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;
        private int _lineStart;
        private int _lineLength;
        private bool _eof;

        public NdjsonReader(Stream stream) => _stream = stream;

        /// <summary>The current line (without its newline).</summary>
        public ReadOnlySpan<byte> Line => new ReadOnlySpan<byte>(_buffer, _lineStart, _lineLength);

        /// <summary>Moves to the next non-blank line; false at the end of the stream.</summary>
        public async Task<bool> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    if (SetLine(_start, newline - _start)) { _start = newline + 1; return true; }
                    _start = newline + 1;
                    continue;
                }
                if (_eof)
                {
                    bool any = _end > _start && SetLine(_start, _end - _start);
                    _start = _end;
                    return any;
                }
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private bool SetLine(int start, int length)
        {
            int end = start + length;
            if (end > start && _buffer[end - 1] == (byte)'\r') end--;
            int first = start;
            while (first < end && (_buffer[first] == (byte)' ' || _buffer[first] == (byte)'\t')) first++;
            if (first == end) return false;
            _lineStart = start;
            _lineLength = end - start;
            return true;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
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
