using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// A read-only pass-through over an NDJSON body (read by OllamaSharp: pulls) that hands out whole
    /// lines only, and throws <see cref="OllamaResponseException"/> when the next line is an
    /// <c>{"error":…}</c> line or not JSON at all — after every line before it has been delivered, so
    /// nothing received is lost. Cancelling the
    /// request token disposes the body, which aborts a read stalled on a silent server.
    /// </summary>
    internal sealed class NdjsonErrorGuardStream : Stream
    {
        private readonly Stream _inner;
        private readonly CancellationToken _requestAborted;
        private readonly CancellationTokenRegistration _abort;
        private byte[] _buffer = new byte[16 * 1024];
        private int _start;     // first byte not yet handed out
        private int _checked;   // bytes before this are whole lines known not to be errors
        private int _end;       // end of buffered data
        private bool _eof;

        public NdjsonErrorGuardStream(Stream inner, CancellationToken requestAborted)
        {
            _inner = inner;
            _requestAborted = requestAborted;
            // Fallback for runtimes whose network streams ignore tokens: dispose the body — on a pool
            // thread, because disposing may first try to drain a silent server for a while.
            if (requestAborted.CanBeCanceled)
                _abort = requestAborted.Register(s => ThreadPool.QueueUserWorkItem(o => ((Stream)o!).Dispose(), s), inner);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (count == 0) return 0;
            while (true)
            {
                if (_start < _checked)
                {
                    int n = Math.Min(count, _checked - _start);
                    Buffer.BlockCopy(_buffer, _start, buffer, offset, n);
                    _start += n;
                    return n;
                }

                int newline = Array.IndexOf(_buffer, (byte)'\n', _checked, _end - _checked);
                if (newline >= 0)
                {
                    Check(_checked, newline + 1 - _checked);
                    _checked = newline + 1;
                    continue;
                }

                if (_eof)
                {
                    if (_checked == _end) return 0;
                    Check(_checked, _end - _checked); // a last line without a newline
                    _checked = _end;
                    continue;
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private void Check(int offset, int length)
        {
            var line = new ReadOnlySpan<byte>(_buffer, offset, length);
            // Blank lines carry nothing; every other line must be a JSON object.
            foreach (byte b in line) if (b != (byte)' ' && b != (byte)'\r' && b != (byte)'\n' && b != (byte)'\t') { OllamaErrorHandler.CheckLine(line); return; }
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                // Everything before _start was handed out; slide the rest to the front.
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _checked -= _start;
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2); // a line longer than the buffer
            int read;
            try
            {
                // OllamaSharp reads without a token; the request's own token is what Ctrl+C and -TimeoutSec cancel.
                if (!cancellationToken.CanBeCanceled)
                {
                    read = await _inner.ReadAsync(_buffer, _end, _buffer.Length - _end, _requestAborted).ConfigureAwait(false);
                }
                else
                {
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _requestAborted);
                    read = await _inner.ReadAsync(_buffer, _end, _buffer.Length - _end, linked.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (_requestAborted.IsCancellationRequested && !(ex is OperationCanceledException))
            {
                // The body was disposed under the read to abort it: report that as the cancellation it is.
                throw new OperationCanceledException(_requestAborted);
            }
            if (read == 0) _eof = true;
            _end += read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _abort.Dispose();
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
