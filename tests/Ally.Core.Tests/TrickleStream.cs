using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Tests
{
    /// <summary>A stream that returns at most <c>chunk</c> bytes per read, like a network body arriving in pieces.</summary>
    internal sealed class TrickleStream : MemoryStream
    {
        private readonly int _chunk;
        public TrickleStream(byte[] data, int chunk) : base(data) => _chunk = chunk;
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            base.ReadAsync(buffer, offset, Math.Min(count, _chunk), ct);
    }
}

namespace Ally.Tests
{
    /// <summary>A body that sends <c>data</c>, then neither ends nor sends more (its reads wait until cancelled), or fails with <c>failure</c>.</summary>
    internal sealed class OpenEndedStream : MemoryStream
    {
        private readonly Exception? _failure;
        public OpenEndedStream(byte[] data, Exception? failure = null) : base(data) => _failure = failure;
        public int ReadsAfterData { get; private set; }
        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            int read = await base.ReadAsync(buffer, offset, count, ct);
            if (read > 0) return read;
            ReadsAfterData++;
            if (_failure != null) throw _failure;
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }
    }
}
