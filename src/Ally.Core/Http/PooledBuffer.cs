using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Http
{
    /// <summary>
    /// A whole response body in an array rented from the shared pool: a large answer (a batch of
    /// embeddings is hundreds of kilobytes) is read without allocating on the large-object heap on
    /// every request. Dispose returns the array.
    /// </summary>
    internal sealed class PooledBuffer : IDisposable
    {
        private byte[] _array;

        private PooledBuffer(byte[] array, int length)
        {
            _array = array;
            Length = length;
        }

        /// <summary>How many bytes were read.</summary>
        public int Length { get; }

        /// <summary>The bytes read.</summary>
        public ReadOnlySpan<byte> Span => new ReadOnlySpan<byte>(_array, 0, Length);

        /// <summary>Reads <paramref name="stream"/> to its end.</summary>
        public static async Task<PooledBuffer> ReadAsync(Stream stream, CancellationToken cancellationToken)
        {
            byte[] array = ArrayPool<byte>.Shared.Rent(64 * 1024);
            int length = 0;
            try
            {
                while (true)
                {
                    if (length == array.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(array.Length * 2);
                        Buffer.BlockCopy(array, 0, larger, 0, length);
                        ArrayPool<byte>.Shared.Return(array);
                        array = larger;
                    }
                    int read = await stream.ReadAsync(array, length, array.Length - length, cancellationToken).ConfigureAwait(false);
                    if (read == 0) return new PooledBuffer(array, length);
                    length += read;
                }
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(array);
                throw;
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            byte[] array = _array;
            if (array.Length == 0) return;
            _array = Array.Empty<byte>();
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
