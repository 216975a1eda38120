using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Ally.Async;

namespace Ally.Http
{
    /// <summary>
    /// Reads Server-Sent Events as the HTML spec defines them: lines end in CRLF, LF or CR; lines
    /// starting with ':' are comments (OpenRouter's keep-alive <c>: OPENROUTER PROCESSING</c>);
    /// <c>data:</c> fields of one event are joined with '\n'; a blank line dispatches the event; a
    /// leading byte-order mark is dropped. Only the data matters to Ally; <c>event</c>, <c>id</c> and
    /// <c>retry</c> fields are skipped. The data stays UTF-8 bytes, parsed in place by the caller.
    /// </summary>
    internal sealed class SseReader
    {
        private static readonly byte[] DataField = { (byte)'d', (byte)'a', (byte)'t', (byte)'a' };
        private readonly Utf8LineReader _lines;
        private byte[] _data = new byte[1024];
        private int _dataLength;
        private bool _hasData;
        private bool _first = true;
        private bool _dispatched;

        /// <summary>Reads events from <paramref name="stream"/>.</summary>
        public SseReader(Stream stream) => _lines = new Utf8LineReader(stream, bareCarriageReturn: true);

        /// <summary>The current event's data (valid until the next read).</summary>
        public ReadOnlyMemory<byte> Data => new ReadOnlyMemory<byte>(_data, 0, _dataLength);

        /// <summary>The current event's data as text (for messages).</summary>
        public string DataText => Encoding.UTF8.GetString(_data, 0, _dataLength);

        /// <summary>True once the stream has ended and every line has been read (an event not ended by a blank line is dropped, as the spec says).</summary>
        public bool AtEnd => _lines.AtEnd;

        /// <summary>
        /// Moves to the next event with data whose lines are already in the buffer, without waiting; false
        /// when more must be read (<see cref="FillAsync"/>) or the stream has ended (<see cref="AtEnd"/>).
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        public bool TryReadEvent()
        {
            if (_dispatched)
            {
                _dataLength = 0;
                _hasData = false;
                _dispatched = false;
            }
            while (_lines.TryReadLine())
            {
                if (Dispatch(_lines.Line))
                {
                    _dispatched = true;
                    return true;
                }
            }
            return false;
        }

        /// <summary>Reads more of the stream.</summary>
        public Task FillAsync(CancellationToken cancellationToken) => _lines.FillAsync(cancellationToken);

        /// <summary>Moves to the next event with data, reading as needed; false at the end of the stream.</summary>
        public async Task<bool> ReadEventAsync(CancellationToken cancellationToken)
        {
            while (!TryReadEvent())
            {
                if (AtEnd)
                {
                    _dataLength = 0;
                    return false;
                }
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            return true;
        }

        /// <summary>Reads the body through (see <see cref="Utf8LineReader.ReadAsync"/>): <paramref name="readBuffered"/> takes the events already read and returns true once the answer is complete.</summary>
        public Task ReadAsync(Func<bool> readBuffered, CancellationToken cancellationToken) => _lines.ReadAsync(readBuffered, cancellationToken);

        /// <summary>Takes in one line; true when it ends an event that has data.</summary>
        private bool Dispatch(ReadOnlySpan<byte> line)
        {
            if (_first)
            {
                _first = false;
                if (line.Length >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF) line = line.Slice(3);
            }
            if (line.Length == 0) return _hasData;
            if (line[0] == (byte)':') return false;

            int colon = line.IndexOf((byte)':');
            ReadOnlySpan<byte> field = colon < 0 ? line : line.Slice(0, colon);
            if (!field.SequenceEqual(DataField)) return false;
            ReadOnlySpan<byte> value = colon < 0 ? default : line.Slice(colon + 1);
            if (value.Length > 0 && value[0] == (byte)' ') value = value.Slice(1);
            if (_hasData) Append((byte)'\n');
            Append(value);
            _hasData = true;
            return false;
        }

        private void Append(byte b)
        {
            if (_dataLength == _data.Length) Array.Resize(ref _data, _data.Length * 2);
            _data[_dataLength++] = b;
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            if (_dataLength + bytes.Length > _data.Length) Array.Resize(ref _data, Math.Max(_data.Length * 2, _dataLength + bytes.Length));
            bytes.CopyTo(new Span<byte>(_data, _dataLength, bytes.Length));
            _dataLength += bytes.Length;
        }
    }
}
