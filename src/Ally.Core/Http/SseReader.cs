using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Http
{
    /// <summary>
    /// Reads Server-Sent Events as the HTML spec defines them: lines end in CRLF, LF or CR; lines
    /// starting with ':' are comments (OpenRouter's keep-alive <c>: OPENROUTER PROCESSING</c>);
    /// <c>data:</c> fields of one event are joined with '\n'; a blank line dispatches the event.
    /// Only the data matters to Ally; <c>event</c>, <c>id</c> and <c>retry</c> fields are skipped.
    /// </summary>
    public sealed class SseReader
    {
        private readonly Stream _stream;
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private readonly byte[] _bytes = new byte[8192];
        private readonly char[] _chars = new char[8192 + 1];
        private int _charPos;
        private int _charLen;
        private bool _eof;
        private bool _skipLeadingLf;
        private readonly StringBuilder _line = new StringBuilder();
        private readonly StringBuilder _data = new StringBuilder();
        private bool _hasData;

        /// <summary>Reads events from <paramref name="stream"/>.</summary>
        public SseReader(Stream stream) => _stream = stream;

        /// <summary>The next event's data, or null at the end of the stream. An event without data lines is skipped.</summary>
        public async Task<string?> ReadEventAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                string? line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null)
                {
                    // End of stream: the spec discards an event that was not terminated by a blank line.
                    return null;
                }
                if (line.Length == 0)
                {
                    if (!_hasData) continue;
                    string data = _data.ToString();
                    _data.Clear();
                    _hasData = false;
                    return data;
                }
                if (line[0] == ':') continue;

                int colon = line.IndexOf(':');
                string field = colon < 0 ? line : line.Substring(0, colon);
                if (field != "data") continue;
                int start = colon < 0 ? line.Length : colon + 1;
                if (start < line.Length && line[start] == ' ') start++;
                if (_hasData) _data.Append('\n');
                _data.Append(line, start, line.Length - start);
                _hasData = true;
            }
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            _line.Clear();
            while (true)
            {
                if (_charPos == _charLen)
                {
                    if (_eof) return _line.Length > 0 ? TakeLine() : null;
                    int read = await _stream.ReadAsync(_bytes, 0, _bytes.Length, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        _eof = true;
                        _charLen = _decoder.GetChars(_bytes, 0, 0, _chars, 0, flush: true);
                    }
                    else
                    {
                        _charLen = _decoder.GetChars(_bytes, 0, read, _chars, 0, flush: false);
                    }
                    _charPos = 0;
                    continue;
                }

                char c = _chars[_charPos++];
                if (_skipLeadingLf)
                {
                    _skipLeadingLf = false;
                    if (c == '\n') continue; // the LF of a CRLF that straddled two reads
                }
                if (c == '\n') return TakeLine();
                if (c == '\r')
                {
                    if (_charPos < _charLen) { if (_chars[_charPos] == '\n') _charPos++; }
                    else _skipLeadingLf = true;
                    return TakeLine();
                }
                _line.Append(c);
            }
        }

        private string TakeLine()
        {
            string line = _line.ToString();
            _line.Clear();
            return line;
        }
    }
}
