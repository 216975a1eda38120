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
