using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ally.Async;

namespace Ally.Embeddings
{
    /// <summary>
    /// Saves a set of embeddings to a stream and reads it back (Export-AllyEmbedding,
    /// Import-AllyEmbedding): the vectors as raw numbers, the texts and where they came from as JSON,
    /// with a checksum over all of it.
    /// </summary>
    /// <remarks>
    /// <para>The format, version 1 (all numbers little-endian):</para>
    /// <list type="table">
    /// <item><term>header, 20 bytes</term><description>the signature <c>ALLYEMB\0</c>; the format
    /// version (uint32, 1); the dimensions (int32); the number of items (int32).</description></item>
    /// <item><term>vectors</term><description>each item's vector in turn, as float32: items ×
    /// dimensions × 4 bytes, starting at byte 20, so that a reader can take the block as it is.</description></item>
    /// <item><term>descriptions</term><description>the set's, then each item's: a uint32 length and that
    /// many bytes of a UTF-8 JSON object. The set's has <c>provider</c> and <c>model</c>; an item's
    /// has <c>text</c> and, when it has them, <c>source</c>, <c>startLine</c>, <c>endLine</c>,
    /// <c>chunkIndex</c>, <c>usesTaskPrefix</c> (only when true) and <c>contentHash</c>. A reader
    /// skips fields it does not know: a later Ally may add some without a new version; any other
    /// change makes a new version.</description></item>
    /// <item><term>checksum</term><description>the CRC-32 (that of zip and PNG) of every byte
    /// before it, as uint32; nothing follows.</description></item>
    /// </list>
    /// <para>
    /// A set is uniform: one provider, one model, one vector length (a search compares only such
    /// vectors). <see cref="Embedding.InputObject"/> is not saved. A string that is not valid UTF-16
    /// (a lone surrogate) is saved with U+FFFD in its place.
    /// </para>
    /// </remarks>
    public static class EmbeddingSetFile
    {
        /// <summary>The format version this Ally writes, and the newest it reads.</summary>
        public const int FormatVersion = 1;

        /// <summary>The longest vector a set holds: far more than any embedding model makes.</summary>
        public const int MaxDimensions = 1 << 20;

        private const int HeaderLength = 20;
        private const int ChecksumLength = 4;
        // The smallest description: a length and {"text":""}.
        private const int MinItemDescriptionLength = 4 + 11;
        private const int BufferLength = 1 << 16;

        // "ALLYEMB" and a zero byte.
        private static ReadOnlySpan<byte> Signature => new byte[] { 0x41, 0x4C, 0x4C, 0x59, 0x45, 0x4D, 0x42, 0x00 };

        private static readonly JsonWriterOptions JsonOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        /// <summary>Writes <paramref name="items"/> to <paramref name="stream"/> as one set (which may be empty).</summary>
        /// <param name="stream">Where to write, from its current position.</param>
        /// <param name="items">The embeddings: all of one provider, one model and one vector length.</param>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="items"/> is null.</exception>
        /// <exception cref="ArgumentException">An item is null.</exception>
        /// <exception cref="IOException">The stream cannot be written.</exception>
        /// <exception cref="AllyException">
        /// <see cref="ErrorIds.IncompatibleEmbeddings"/>: the items are of different providers, models or
        /// vector lengths, or a vector is longer than <see cref="MaxDimensions"/>.
        /// </exception>
        public static void Write(Stream stream, IReadOnlyList<Embedding> items)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            if (items is null) throw new ArgumentNullException(nameof(items));
            for (int i = 0; i < items.Count; i++)
            {
                if (items[i] is null) throw new ArgumentException("The item at index " + i + " is null.", nameof(items));
            }
            Embedding? first = items.Count > 0 ? items[0] : null;
            int dimensions = first?.Dimensions ?? 0;
            CheckUniform(items);

            var output = new Output(stream);
            output.Reserve(HeaderLength);
            Signature.CopyTo(output.Free);
            BinaryPrimitives.WriteUInt32LittleEndian(output.Free.Slice(8), FormatVersion);
            BinaryPrimitives.WriteInt32LittleEndian(output.Free.Slice(12), dimensions);
            BinaryPrimitives.WriteInt32LittleEndian(output.Free.Slice(16), items.Count);
            output.Advance(HeaderLength);

            for (int i = 0; i < items.Count; i++) output.WriteFloats(items[i].Vector);

            using (var json = new MemoryStream())
            using (var writer = new Utf8JsonWriter(json, JsonOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("provider", first?.Provider ?? string.Empty);
                writer.WriteString("model", first?.Model ?? string.Empty);
                writer.WriteEndObject();
                output.WriteRecord(json, writer);
                foreach (Embedding item in items)
                {
                    writer.Reset(json);
                    WriteDescription(writer, item);
                    output.WriteRecord(json, writer);
                }
            }

            uint checksum = output.FlushAndChecksum();
            output.Reserve(ChecksumLength);
            BinaryPrimitives.WriteUInt32LittleEndian(output.Free, checksum);
            output.Advance(ChecksumLength);
            output.Flush();
        }

        private static void CheckUniform(IReadOnlyList<Embedding> items)
        {
            if (items.Count == 0) return;
            Embedding first = items[0];
            for (int i = 0; i < items.Count; i++)
            {
                Embedding item = items[i];
                if (item.Dimensions > MaxDimensions)
                    throw new AllyException(ErrorIds.IncompatibleEmbeddings, Messages.EmbeddingTooLong(i, item.Dimensions, MaxDimensions), Messages.EmbeddingTooLongRemedy);
                if (!string.Equals(item.Provider, first.Provider, StringComparison.Ordinal) || !string.Equals(item.Model, first.Model, StringComparison.Ordinal)
                    || item.Dimensions != first.Dimensions)
                {
                    throw new AllyException(ErrorIds.IncompatibleEmbeddings,
                        Messages.IncompatibleEmbeddingSet(i, item.Provider, item.Model, item.Dimensions, first.Provider, first.Model, first.Dimensions),
                        Messages.IncompatibleEmbeddingSetRemedy);
                }
            }
        }

        private static void WriteDescription(Utf8JsonWriter writer, Embedding item)
        {
            writer.WriteStartObject();
            writer.WriteString("text", item.Text);
            if (item.Source != null) writer.WriteString("source", item.Source);
            if (item.StartLine is int startLine) writer.WriteNumber("startLine", startLine);
            if (item.EndLine is int endLine) writer.WriteNumber("endLine", endLine);
            if (item.ChunkIndex is int chunkIndex) writer.WriteNumber("chunkIndex", chunkIndex);
            if (item.UsesTaskPrefix) writer.WriteBoolean("usesTaskPrefix", true);
            if (item.ContentHash.Length > 0) writer.WriteString("contentHash", item.ContentHash);
            writer.WriteEndObject();
        }

        /// <summary>Reads a set that <see cref="Write"/> wrote.</summary>
        /// <param name="stream">What to read, from its current position to its end.</param>
        /// <param name="displayPath">The file's name as the user gave it, for messages.</param>
        /// <returns>The embeddings, in the order they were written.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="displayPath"/> is null.</exception>
        /// <exception cref="AllyException">
        /// <see cref="ErrorIds.NotAnEmbeddingFile"/>: the stream does not hold a set (another kind of
        /// file); <see cref="ErrorIds.UnsupportedEmbeddingFile"/>: a newer Ally wrote it;
        /// <see cref="ErrorIds.EmbeddingFileDamaged"/>: it is cut short, does not match its checksum,
        /// or gives impossible lengths.
        /// </exception>
        /// <exception cref="IOException">The stream cannot be read.</exception>
        public static List<Embedding> Read(Stream stream, string displayPath)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            if (displayPath is null) throw new ArgumentNullException(nameof(displayPath));
            var input = new Input(stream, displayPath);

            ReadHeader(input, out int dimensions, out int count);

            // Each item's vector; not allocated ahead of the data where the stream's length is unknown.
            var vectors = new List<float[]>(input.Length is null ? Math.Min(count, 4096) : count);
            for (int i = 0; i < count; i++)
            {
                var vector = dimensions == 0 ? Array.Empty<float>() : new float[dimensions];
                input.ReadFloats(vector, i);
                vectors.Add(vector);
            }

            // The descriptions are read as they come; a problem with one is reported only once the
            // checksum is known to match, since damage explains it better.
            string? problem = null;
            ReadOnlySpan<byte> record = input.ReadRecord(null);
            if (!TryReadSetDescription(record, out string provider, out string model)) problem = Messages.EmbeddingFileUnreadable(Messages.EmbeddingFileSetDescription);
            var items = new List<Embedding>(vectors.Count);
            for (int i = 0; i < count; i++)
            {
                record = input.ReadRecord(i);
                if (problem != null) continue;
                if (TryReadItem(record, vectors[i], provider, model, out Embedding? item)) items.Add(item!);
                else problem = Messages.EmbeddingFileUnreadable(Messages.EmbeddingFileItemDescription(i));
            }

            uint computed = input.Checksum;
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(input.ReadExactly(ChecksumLength, Messages.EmbeddingFileChecksumPart));
            if (stored != computed) throw input.Damaged(Messages.EmbeddingFileChecksumMismatch);
            if (problem != null) throw input.Damaged(problem);
            long trailing = input.CountRest();
            if (trailing > 0) throw input.Damaged(Messages.EmbeddingFileTrailingBytes(trailing));
            return items;
        }

        private static void ReadHeader(Input input, out int dimensions, out int count)
        {
            ReadOnlySpan<byte> signature = input.ReadUpTo(Signature.Length);
            if (signature.Length == 0) throw new AllyException(ErrorIds.NotAnEmbeddingFile, Messages.EmptyEmbeddingFile(input.Path), Messages.NotAnEmbeddingFileRemedy);
            if (!signature.SequenceEqual(Signature.Slice(0, signature.Length)))
                throw new AllyException(ErrorIds.NotAnEmbeddingFile, Messages.NotAnEmbeddingFile(input.Path), Messages.NotAnEmbeddingFileRemedy);
            if (signature.Length < Signature.Length) throw input.Damaged(Messages.EmbeddingFileEndsBefore(Messages.EmbeddingFileHeaderPart));

            // The version first: a newer format may change everything after it.
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(input.ReadExactly(4, Messages.EmbeddingFileHeaderPart));
            if (version > FormatVersion)
                throw new AllyException(ErrorIds.UnsupportedEmbeddingFile, Messages.UnsupportedEmbeddingFile(input.Path, version, FormatVersion), Messages.UnsupportedEmbeddingFileRemedy);
            ReadOnlySpan<byte> sizes = input.ReadExactly(8, Messages.EmbeddingFileHeaderPart);
            dimensions = BinaryPrimitives.ReadInt32LittleEndian(sizes);
            count = BinaryPrimitives.ReadInt32LittleEndian(sizes.Slice(4));
            if (version == 0 || dimensions < 0 || dimensions > MaxDimensions || count < 0 || (count > 0 && dimensions == 0))
                throw input.Damaged(Messages.EmbeddingFileImpossibleHeader(version, dimensions, count));

            if (input.Length is long length)
            {
                // What the header calls for at the least: the vectors, the set's description and the
                // items' (the shortest possible), and the checksum.
                long needed = HeaderLength + (long)count * dimensions * sizeof(float) + 4 + 2 + (long)count * MinItemDescriptionLength + ChecksumLength;
                if (length < needed) throw input.Damaged(Messages.EmbeddingFileTooShort(length, needed));
            }
        }

        private static bool TryReadSetDescription(ReadOnlySpan<byte> json, out string provider, out string model)
        {
            provider = string.Empty;
            model = string.Empty;
            try
            {
                var reader = new Utf8JsonReader(json);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("provider")) provider = ReadString(ref reader);
                    else if (reader.ValueTextEquals("model")) model = ReadString(ref reader);
                    else reader.Skip();
                }
                return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is FormatException)
            {
                return false;
            }
        }

        private static bool TryReadItem(ReadOnlySpan<byte> json, float[] vector, string provider, string model, out Embedding? item)
        {
            item = null;
            string? text = null, source = null, contentHash = null;
            int? startLine = null, endLine = null, chunkIndex = null;
            bool usesTaskPrefix = false;
            try
            {
                var reader = new Utf8JsonReader(json);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("text")) text = ReadString(ref reader);
                    else if (reader.ValueTextEquals("source")) source = ReadString(ref reader);
                    else if (reader.ValueTextEquals("startLine")) startLine = ReadInt(ref reader);
                    else if (reader.ValueTextEquals("endLine")) endLine = ReadInt(ref reader);
                    else if (reader.ValueTextEquals("chunkIndex")) chunkIndex = ReadInt(ref reader);
                    else if (reader.ValueTextEquals("usesTaskPrefix")) usesTaskPrefix = ReadBool(ref reader);
                    else if (reader.ValueTextEquals("contentHash")) contentHash = ReadString(ref reader);
                    else reader.Skip();
                }
                if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || text is null) return false;
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is FormatException)
            {
                return false;
            }
            item = new Embedding(text, vector, provider, model, null, source, startLine, endLine, chunkIndex, usesTaskPrefix, contentHash);
            return true;
        }

        // Each reads a property's value, or throws InvalidOperationException for one of another kind.
        private static string ReadString(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new InvalidOperationException();
        }

        private static int ReadInt(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.GetInt32();
        }

        private static bool ReadBool(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.GetBoolean();
        }

        /// <summary>Writes through one buffer, keeping the CRC-32 of everything written.</summary>
        private sealed class Output
        {
            private readonly Stream _stream;
            private readonly byte[] _buffer = new byte[BufferLength];
            private int _used;
            private uint _crc = Crc32.Start;

            public Output(Stream stream) => _stream = stream;

            /// <summary>Writes out the buffer; the CRC-32 of everything written so far.</summary>
            public uint FlushAndChecksum()
            {
                Flush();
                return Crc32.Finish(_crc);
            }

            /// <summary>The free part of the buffer, after <see cref="Reserve"/>.</summary>
            public Span<byte> Free => _buffer.AsSpan(_used);

            /// <summary>Makes room for <paramref name="length"/> bytes (at most the buffer's length).</summary>
            public void Reserve(int length)
            {
                if (_buffer.Length - _used < length) Flush();
            }

            public void Advance(int length) => _used += length;

            public void Flush()
            {
                if (_used == 0) return;
                _crc = Crc32.Update(_crc, _buffer.AsSpan(0, _used));
                _stream.Write(_buffer, 0, _used);
                _used = 0;
            }

            /// <summary>Writes the numbers as float32, little-endian whatever the machine.</summary>
            public void WriteFloats(float[] values)
            {
                int done = 0;
                while (done < values.Length)
                {
                    Reserve(sizeof(float));
                    int n = Math.Min(values.Length - done, (_buffer.Length - _used) / sizeof(float));
                    Span<byte> target = Free.Slice(0, n * sizeof(float));
                    MemoryMarshal.AsBytes(values.AsSpan(done, n)).CopyTo(target);
                    if (!BitConverter.IsLittleEndian) ReverseEach(MemoryMarshal.Cast<byte, int>(target));
                    Advance(target.Length);
                    done += n;
                }
            }

            /// <summary>Writes the JSON object in <paramref name="json"/> as a record: its length, then its bytes.</summary>
            public void WriteRecord(MemoryStream json, Utf8JsonWriter writer)
            {
                writer.Flush();
                int length = (int)json.Length;
                Reserve(4);
                BinaryPrimitives.WriteUInt32LittleEndian(Free, (uint)length);
                Advance(4);
                byte[] bytes = json.GetBuffer();
                for (int done = 0; done < length;)
                {
                    Reserve(1);
                    int n = Math.Min(length - done, _buffer.Length - _used);
                    bytes.AsSpan(done, n).CopyTo(Free);
                    Advance(n);
                    done += n;
                }
                json.SetLength(0);
            }
        }

        /// <summary>
        /// Reads through one buffer, keeping the CRC-32 of everything read, and never allocates for more
        /// data than the stream has: against its length where it has one, else step by step.
        /// </summary>
        private sealed class Input
        {
            private readonly Stream _stream;
            private byte[] _buffer = new byte[BufferLength];
            private uint _crc = Crc32.Start;
            // Bytes read since the start.
            private long _position;

            public Input(Stream stream, string path)
            {
                _stream = stream;
                Path = path;
                Length = stream.CanSeek ? stream.Length - stream.Position : (long?)null;
            }

            public string Path { get; }

            /// <summary>How many bytes there were to read, when the stream can tell.</summary>
            public long? Length { get; }

            /// <summary>The CRC-32 of what was read so far.</summary>
            public uint Checksum => Crc32.Finish(_crc);

            public AllyException Damaged(string why) =>
                new AllyException(ErrorIds.EmbeddingFileDamaged, Messages.EmbeddingFileDamaged(Path, why), Messages.EmbeddingFileDamagedRemedy);

            /// <summary>Up to <paramref name="length"/> bytes (fewer only at the end of the stream), counted in the checksum.</summary>
            public ReadOnlySpan<byte> ReadUpTo(int length)
            {
                int read = Fill(_buffer, 0, length);
                _crc = Crc32.Update(_crc, _buffer.AsSpan(0, read));
                return _buffer.AsSpan(0, read);
            }

            /// <summary>Exactly <paramref name="length"/> bytes (at most the buffer's), counted in the checksum; damaged if the stream ends first.</summary>
            public ReadOnlySpan<byte> ReadExactly(int length, string part)
            {
                int read = Fill(_buffer, 0, length);
                if (read < length) throw Damaged(Messages.EmbeddingFileEndsBefore(part));
                _crc = Crc32.Update(_crc, _buffer.AsSpan(0, length));
                return _buffer.AsSpan(0, length);
            }

            /// <summary>Fills <paramref name="values"/>, the vector of item <paramref name="index"/>, with float32s, little-endian in the stream.</summary>
            [MethodImpl(HotPath.Optimize)]
            public void ReadFloats(float[] values, int index)
            {
                Span<byte> target = MemoryMarshal.AsBytes(values.AsSpan());
                while (target.Length > 0)
                {
                    int wanted = Math.Min(target.Length, _buffer.Length);
                    int n = Fill(_buffer, 0, wanted);
                    if (n < wanted) throw Damaged(Messages.EmbeddingFileEndsBefore(Messages.EmbeddingFileVectorPart(index)));
                    _crc = Crc32.Update(_crc, _buffer.AsSpan(0, n));
                    _buffer.AsSpan(0, n).CopyTo(target);
                    target = target.Slice(n);
                }
                if (!BitConverter.IsLittleEndian) ReverseEach(MemoryMarshal.Cast<float, int>(values.AsSpan()));
            }

            /// <summary>
            /// A record, the description of item <paramref name="index"/> or (null) of the set: its length,
            /// checked against what is left, then its bytes (valid until the next read).
            /// </summary>
            public ReadOnlySpan<byte> ReadRecord(int? index)
            {
                int read = Fill(_buffer, 0, 4);
                if (read < 4) throw EndsBefore(index);
                _crc = Crc32.Update(_crc, _buffer.AsSpan(0, 4));
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer);
                long left = Length is long total ? total - _position : long.MaxValue;
                if (length > int.MaxValue - 64 || length > left)
                {
                    string description = index is int i ? Messages.EmbeddingFileItemDescription(i) : Messages.EmbeddingFileSetDescription;
                    throw Damaged(Messages.EmbeddingFileImpossibleLength(description, length));
                }
                read = 0;
                while (read < (int)length)
                {
                    // Grown as the data comes, where the stream's length is unknown.
                    if (_buffer.Length < (int)length) Array.Resize(ref _buffer, (int)Math.Min(length, Math.Max(2L * _buffer.Length, read + (long)BufferLength)));
                    int n = Fill(_buffer, read, Math.Min((int)length, _buffer.Length) - read);
                    if (n == 0) throw EndsBefore(index);
                    read += n;
                }
                _crc = Crc32.Update(_crc, _buffer.AsSpan(0, (int)length));
                return _buffer.AsSpan(0, (int)length);
            }

            private AllyException EndsBefore(int? index) =>
                Damaged(Messages.EmbeddingFileEndsBefore(index is int i ? Messages.EmbeddingFileItemPart(i) : Messages.EmbeddingFileSetPart));

            /// <summary>How many bytes are left after the set.</summary>
            public long CountRest()
            {
                if (Length is long total) return total - _position;
                long rest = 0;
                int n;
                while ((n = _stream.Read(_buffer, 0, _buffer.Length)) > 0) rest += n;
                return rest;
            }

            /// <summary>Reads until <paramref name="count"/> bytes are in or the stream ends; how many came.</summary>
            private int Fill(byte[] buffer, int offset, int count)
            {
                int read = 0;
                while (read < count)
                {
                    int n = _stream.Read(buffer, offset + read, count - read);
                    if (n == 0) break;
                    read += n;
                }
                _position += read;
                return read;
            }
        }

        private static void ReverseEach(Span<int> values)
        {
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReverseEndianness(values[i]);
        }

        /// <summary>
        /// CRC-32 with the polynomial of zip, PNG and Ethernet (reflected 0xEDB88320), eight bytes a
        /// step with eight tables ("slicing by 8").
        /// </summary>
        internal static class Crc32
        {
            public const uint Start = 0xFFFFFFFFu;

            private static readonly uint[] Table = BuildTable();

            private static uint[] BuildTable()
            {
                var table = new uint[8 * 256];
                for (uint i = 0; i < 256; i++)
                {
                    uint c = i;
                    for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                    table[i] = c;
                }
                for (int i = 0; i < 256; i++)
                {
                    for (int t = 1; t < 8; t++)
                    {
                        uint previous = table[(t - 1) * 256 + i];
                        table[t * 256 + i] = (previous >> 8) ^ table[previous & 0xFF];
                    }
                }
                return table;
            }

            /// <summary>The CRC of <paramref name="data"/> run on from <paramref name="crc"/> (<see cref="Start"/> at first).</summary>
            [MethodImpl(HotPath.Optimize)]
            public static uint Update(uint crc, ReadOnlySpan<byte> data)
            {
                uint[] table = Table;
                while (data.Length >= 8)
                {
                    uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
                    uint two = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
                    crc = table[7 * 256 + (one & 0xFF)] ^ table[6 * 256 + ((one >> 8) & 0xFF)]
                        ^ table[5 * 256 + ((one >> 16) & 0xFF)] ^ table[4 * 256 + (one >> 24)]
                        ^ table[3 * 256 + (two & 0xFF)] ^ table[2 * 256 + ((two >> 8) & 0xFF)]
                        ^ table[1 * 256 + ((two >> 16) & 0xFF)] ^ table[two >> 24];
                    data = data.Slice(8);
                }
                foreach (byte b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
                return crc;
            }

            /// <summary>The CRC of everything run through <see cref="Update"/>.</summary>
            public static uint Finish(uint crc) => ~crc;
        }
    }
}
