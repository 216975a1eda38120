using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Ally.Async;

namespace Ally.Http
{
    /// <summary>
    /// Reads newline-delimited JSON as whole lines of UTF-8 bytes, without decoding them to strings:
    /// each line is parsed in place by the caller. Blank lines are skipped; a last line without a
    /// newline still counts. A chat provider reads it with <see cref="ReadAsync"/>, taking the
    /// buffered lines with <see cref="TryReadLine"/> in an optimised loop (see <see cref="Utf8LineReader"/>).
    /// </summary>
    internal sealed class NdjsonReader
    {
        private readonly Utf8LineReader _lines;

        public NdjsonReader(Stream stream) => _lines = new Utf8LineReader(stream, bareCarriageReturn: false);

        /// <summary>The current line (without its newline).</summary>
        public ReadOnlySpan<byte> Line => _lines.Line;

        /// <summary>True once the stream has ended and every line has been read.</summary>
        public bool AtEnd => _lines.AtEnd;

        /// <summary>Moves to the next non-blank line already in the buffer, without waiting.</summary>
        [MethodImpl(HotPath.Optimize)]
        public bool TryReadLine()
        {
            while (_lines.TryReadLine())
            {
                if (!IsBlank(_lines.Line)) return true;
            }
            return false;
        }

        /// <summary>Reads more of the stream.</summary>
        public Task FillAsync(CancellationToken cancellationToken) => _lines.FillAsync(cancellationToken);

        /// <summary>Moves to the next non-blank line, reading as needed; false at the end of the stream.</summary>
        public async Task<bool> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (!TryReadLine())
            {
                if (AtEnd) return false;
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            return true;
        }

        /// <summary>Reads the body through (see <see cref="Utf8LineReader.ReadAsync"/>): <paramref name="readBuffered"/> takes the lines already read and returns true once the answer is complete.</summary>
        public Task ReadAsync(Func<bool> readBuffered, CancellationToken cancellationToken) => _lines.ReadAsync(readBuffered, cancellationToken);

        private static bool IsBlank(ReadOnlySpan<byte> line)
        {
            foreach (byte b in line)
            {
                if (b != (byte)' ' && b != (byte)'\t') return false;
            }
            return true;
        }
    }
}
