using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Http
{
    /// <summary>
    /// Reads newline-delimited JSON as whole lines of UTF-8 bytes, without decoding them to strings:
    /// each line is parsed in place by the caller. Blank lines are skipped; a last line without a
    /// newline still counts.
    /// </summary>
    internal sealed class NdjsonReader
    {
        private readonly Utf8LineReader _lines;

        public NdjsonReader(Stream stream) => _lines = new Utf8LineReader(stream, bareCarriageReturn: false);

        /// <summary>The current line (without its newline).</summary>
        public ReadOnlySpan<byte> Line => _lines.Line;

        /// <summary>Moves to the next non-blank line; false at the end of the stream.</summary>
        public async Task<bool> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!IsBlank(_lines.Line)) return true;
            }
            return false;
        }

        /// <summary>After the last line of an answer: reads on to the end of the body (see <see cref="Utf8LineReader.FinishAsync"/>).</summary>
        public Task FinishAsync(CancellationToken cancellationToken) => _lines.FinishAsync(cancellationToken);

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
