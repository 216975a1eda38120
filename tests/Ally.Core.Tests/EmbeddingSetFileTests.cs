using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Ally.Embeddings;
using Xunit;

namespace Ally.Tests
{
    /// <summary>Saved embedding sets: the round trip, the byte layout, and every way a file can be wrong.</summary>
    public class EmbeddingSetFileTests
    {
        private const string Path = "notes/set.allyemb";

        /// <summary>A stream that cannot seek and hands out a few bytes per read, like a pipe.</summary>
        private sealed class PipeStream : Stream
        {
            private readonly byte[] _data;
            private readonly int _chunk;
            private int _position;

            public PipeStream(byte[] data, int chunk = 7)
            {
                _data = data;
                _chunk = chunk;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = Math.Min(Math.Min(count, _chunk), _data.Length - _position);
                Array.Copy(_data, _position, buffer, offset, n);
                _position += n;
                return n;
            }
        }

        private static Embedding Item(string text, float[] vector, string? source = null, int? startLine = null, int? endLine = null,
            int? chunkIndex = null, bool usesTaskPrefix = false, string? contentHash = null, string provider = "ollama", string model = "nomic-embed-text") =>
            new Embedding(text, vector, provider, model, new object(), source, startLine, endLine, chunkIndex, usesTaskPrefix, contentHash);

        private static List<Embedding> Sample() => new List<Embedding>
        {
            Item("The first chunk of a file.\nIts second line.", new[] { 1f, -2.5f, 0f, float.Epsilon }, "C:\\notes\\café.md", 1, 12, 0, true, "sha256:abc"),
            Item("日本語のテキスト 😀 \"quoted\" \\ \t tab \u0001 control \u2028", new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f },
                "/home/ünïcode/a b.txt", 13, 13, 1),
            Item("A string without a file.", new[] { 0.1f, 0.2f, 0.3f, 0.4f }),
        };

        private static byte[] Save(IReadOnlyList<Embedding> items)
        {
            var stream = new MemoryStream();
            EmbeddingSetFile.Write(stream, items);
            return stream.ToArray();
        }

        private static List<Embedding> Load(byte[] bytes, bool seekable = true) =>
            EmbeddingSetFile.Read(seekable ? new MemoryStream(bytes) : new PipeStream(bytes), Path);

        private static AllyException Fails(byte[] bytes, bool seekable = true) => Assert.Throws<AllyException>(() => Load(bytes, seekable));

        private static void AssertSame(IReadOnlyList<Embedding> expected, IReadOnlyList<Embedding> actual)
        {
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Embedding e = expected[i], a = actual[i];
                Assert.Equal(e.Text, a.Text);
                Assert.Equal(e.Vector.Select(BitConverter.SingleToInt32Bits), a.Vector.Select(BitConverter.SingleToInt32Bits));
                Assert.Equal((e.Provider, e.Model, e.Dimensions), (a.Provider, a.Model, a.Dimensions));
                Assert.Equal((e.Source, e.StartLine, e.EndLine, e.ChunkIndex), (a.Source, a.StartLine, a.EndLine, a.ChunkIndex));
                Assert.Equal((e.UsesTaskPrefix, e.ContentHash, e.Location), (a.UsesTaskPrefix, a.ContentHash, a.Location));
                Assert.Null(a.InputObject);
            }
        }

        /// <summary>The CRC-32 of zip and PNG, one bit at a time: the plain definition, to check the fast one against.</summary>
        private static uint ReferenceCrc32(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in data)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return ~crc;
        }

        /// <summary>Sets the checksum of a changed file right again, so that only the change itself is judged.</summary>
        private static byte[] Reseal(byte[] bytes)
        {
            byte[] copy = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), ReferenceCrc32(copy.AsSpan(0, copy.Length - 4)));
            return copy;
        }

        /// <summary>A file put together by hand: header values, the vectors' bytes, and records of JSON text.</summary>
        private static byte[] Forge(uint version, int dimensions, int count, float[] floats, params string[] records)
        {
            var bytes = new List<byte>();
            bytes.AddRange(Encoding.ASCII.GetBytes("ALLYEMB\0"));
            var number = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(number, version);
            bytes.AddRange(number);
            BinaryPrimitives.WriteInt32LittleEndian(number, dimensions);
            bytes.AddRange(number);
            BinaryPrimitives.WriteInt32LittleEndian(number, count);
            bytes.AddRange(number);
            foreach (float f in floats)
            {
                BinaryPrimitives.WriteSingleLittleEndian(number, f);
                bytes.AddRange(number);
            }
            foreach (string record in records)
            {
                byte[] json = Encoding.UTF8.GetBytes(record);
                BinaryPrimitives.WriteInt32LittleEndian(number, json.Length);
                bytes.AddRange(number);
                bytes.AddRange(json);
            }
            bytes.AddRange(new byte[4]);
            return Reseal(bytes.ToArray());
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void ASetComesBackWithEveryFieldButTheInputObject(bool seekable)
        {
            List<Embedding> items = Sample();
            AssertSame(items, Load(Save(items), seekable));
        }

        [Fact]
        public void AnEmptySetComesBackEmpty()
        {
            byte[] bytes = Save(Array.Empty<Embedding>());
            Assert.Empty(Load(bytes));
            Assert.Empty(Load(bytes, seekable: false));
            Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)));
        }

        [Fact]
        public void ALargeSetComesBackWhole()
        {
            var random = new Random(5);
            List<Embedding> items = Enumerable.Range(0, 300)
                .Select(i => Item(new string('x', random.Next(0, 70_000)) + i, Enumerable.Range(0, 768).Select(_ => (float)random.NextDouble()).ToArray(), chunkIndex: i))
                .ToList();
            byte[] bytes = Save(items);
            AssertSame(items, Load(bytes));
            AssertSame(items, Load(bytes, seekable: false));
        }

        [Fact]
        public void ALoneSurrogateIsSavedAsTheReplacementCharacter()
        {
            Embedding loaded = Assert.Single(Load(Save(new[] { Item("a\uD800b", new[] { 1f }) })));
            Assert.Equal("a\uFFFDb", loaded.Text);
        }

        [Fact]
        public void TheSetIsReadFromTheStreamsPosition()
        {
            byte[] set = Save(Sample());
            var stream = new MemoryStream(new byte[] { 1, 2, 3 }.Concat(set).ToArray());
            stream.Position = 3;
            AssertSame(Sample(), EmbeddingSetFile.Read(stream, Path));
        }

        [Fact]
        public void TheLayoutIsTheDocumentedOneInLittleEndian()
        {
            var items = new[] { Item("a", new[] { 1f, -2.5f }), Item("b", new[] { 0.5f, 3f }) };
            byte[] bytes = Save(items);

            Assert.Equal(Encoding.ASCII.GetBytes("ALLYEMB\0"), bytes.Take(8));
            Assert.Equal(new byte[] { 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0 }, bytes.Skip(8).Take(12));
            // 1.0f is 0x3F800000: its low byte first.
            Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F }, bytes.Skip(20).Take(4));
            Assert.Equal(new[] { 1f, -2.5f, 0.5f, 3f }, Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(20 + 4 * i))));

            int at = 20 + 16;
            var records = new List<string>();
            for (int r = 0; r < 3; r++)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
                records.Add(Encoding.UTF8.GetString(bytes, at + 4, length));
                at += 4 + length;
            }
            Assert.Equal(new[] { "{\"provider\":\"ollama\",\"model\":\"nomic-embed-text\"}", "{\"text\":\"a\"}", "{\"text\":\"b\"}" }, records);
            Assert.Equal(bytes.Length - 4, at);
            Assert.Equal(ReferenceCrc32(bytes.AsSpan(0, at)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)));
        }

        [Fact]
        public void TheChecksumIsCrc32()
        {
            Assert.Equal(0xCBF43926u, EmbeddingSetFile.Crc32.Finish(EmbeddingSetFile.Crc32.Update(EmbeddingSetFile.Crc32.Start, Encoding.ASCII.GetBytes("123456789"))));
            var random = new Random(3);
            foreach (int length in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 1000, 65_537 })
            {
                var data = new byte[length];
                random.NextBytes(data);
                // In one piece, and in pieces of awkward sizes.
                Assert.Equal(ReferenceCrc32(data), EmbeddingSetFile.Crc32.Finish(EmbeddingSetFile.Crc32.Update(EmbeddingSetFile.Crc32.Start, data)));
                uint crc = EmbeddingSetFile.Crc32.Start;
                for (int at = 0; at < length; at += 13) crc = EmbeddingSetFile.Crc32.Update(crc, data.AsSpan(at, Math.Min(13, length - at)));
                Assert.Equal(ReferenceCrc32(data), EmbeddingSetFile.Crc32.Finish(crc));
            }
        }

        [Theory]
        [InlineData("ollama", "all-minilm", 4)]
        [InlineData("openai", "nomic-embed-text", 4)]
        [InlineData("ollama", "nomic-embed-text", 3)]
        public void MixedModelsOrSizesAreNotSavedInOneSet(string provider, string model, int dimensions)
        {
            var items = new List<Embedding>(Sample()) { Item("odd one", new float[dimensions], provider: provider, model: model) };
            var stream = new MemoryStream();
            var ex = Assert.Throws<AllyException>(() => EmbeddingSetFile.Write(stream, items));
            Assert.Equal(ErrorIds.IncompatibleEmbeddings, ex.Id);
            Assert.Contains("index 3", ex.Message);
            Assert.Contains(model, ex.Message);
            Assert.NotNull(ex.Remedy);
            Assert.Equal(0, stream.Length);
        }

        [Fact]
        public void ArgumentsAreChecked()
        {
            Assert.Throws<ArgumentNullException>(() => EmbeddingSetFile.Write(null!, Sample()));
            Assert.Throws<ArgumentNullException>(() => EmbeddingSetFile.Write(new MemoryStream(), null!));
            Assert.Throws<ArgumentException>(() => EmbeddingSetFile.Write(new MemoryStream(), new Embedding[] { Sample()[0], null! }));
            Assert.Throws<ArgumentNullException>(() => EmbeddingSetFile.Read(null!, Path));
            Assert.Throws<ArgumentNullException>(() => EmbeddingSetFile.Read(new MemoryStream(), null!));
            var huge = Item("too long", new float[EmbeddingSetFile.MaxDimensions + 1]);
            Assert.Equal(ErrorIds.IncompatibleEmbeddings, Assert.Throws<AllyException>(() => EmbeddingSetFile.Write(new MemoryStream(), new[] { huge })).Id);
        }

        public static IEnumerable<object[]> ForeignFiles() => new[]
        {
            new object[] { Encoding.UTF8.GetBytes("Just some notes.\nNothing more.\n") },
            new object[] { new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52 } },
            new object[] { Encoding.UTF8.GetBytes("[{\"Text\":\"a\",\"Vector\":[0.1,0.2]}]") },
            new object[] { Encoding.ASCII.GetBytes("ALLYEMX\0 almost the signature") },
            new object[] { new byte[] { 0x41 + 0x20 } },
            new object[] { Array.Empty<byte>() },
        };

        [Theory]
        [MemberData(nameof(ForeignFiles))]
        public void AnotherKindOfFileIsNotAnEmbeddingFile(byte[] bytes)
        {
            foreach (bool seekable in new[] { true, false })
            {
                AllyException ex = Fails(bytes, seekable);
                Assert.Equal(ErrorIds.NotAnEmbeddingFile, ex.Id);
                Assert.Contains(Path, ex.Message);
                Assert.Contains("Export-AllyEmbedding", ex.Remedy);
            }
        }

        [Fact]
        public void AFileCutShortAnywhereIsDamaged()
        {
            byte[] bytes = Save(Sample());
            for (int length = 1; length < bytes.Length; length++)
            {
                foreach (bool seekable in new[] { true, false })
                {
                    AllyException ex = Fails(bytes.Take(length).ToArray(), seekable);
                    Assert.True(ex.Id == ErrorIds.EmbeddingFileDamaged, $"cut at {length} of {bytes.Length} ({(seekable ? "seekable" : "pipe")}): {ex.ErrorId} {ex.Message}");
                    Assert.Contains(Path, ex.Message);
                    Assert.Contains("Export", ex.Remedy);
                }
            }
        }

        [Fact]
        public void AnyChangedByteIsCaught()
        {
            byte[] bytes = Save(Sample());
            for (int at = 0; at < bytes.Length; at++)
            {
                byte[] changed = (byte[])bytes.Clone();
                changed[at] ^= 0xFF;
                AllyException ex = Fails(changed);
                AllyErrorId expected = at < 8 ? ErrorIds.NotAnEmbeddingFile : at < 12 ? ErrorIds.UnsupportedEmbeddingFile : ErrorIds.EmbeddingFileDamaged;
                Assert.True(ex.Id == expected, $"byte {at}: {ex.ErrorId} {ex.Message}");
            }
            // One bit anywhere in the vectors or descriptions.
            for (int at = 20; at < bytes.Length; at += 5)
            {
                byte[] changed = (byte[])bytes.Clone();
                changed[at] ^= 0x10;
                Assert.Equal(ErrorIds.EmbeddingFileDamaged, Fails(changed).Id);
            }
            byte[] vectorChanged = (byte[])bytes.Clone();
            vectorChanged[21] ^= 1;
            Assert.Contains("checksum", Fails(vectorChanged).Message);
        }

        [Fact]
        public void BytesAfterTheEndAreDamage()
        {
            byte[] bytes = Save(Sample()).Concat(new byte[] { 0 }).ToArray();
            Assert.Equal(ErrorIds.EmbeddingFileDamaged, Fails(bytes).Id);
            Assert.Equal(ErrorIds.EmbeddingFileDamaged, Fails(bytes, seekable: false).Id);
        }

        [Fact]
        public void ANewerVersionAsksForANewerAlly()
        {
            byte[] bytes = Save(Sample());
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
            // Whatever follows the version may mean something else in version 2: it is not read.
            bytes = bytes.Take(12).Concat(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }).ToArray();
            AllyException ex = Fails(bytes);
            Assert.Equal(ErrorIds.UnsupportedEmbeddingFile, ex.Id);
            Assert.Contains("version 2", ex.Message);
            Assert.Contains(Path, ex.Message);
            Assert.Contains("Update", ex.Remedy);
        }

        [Theory]
        [InlineData(0u, 4, 1)]                        // version 0 was never written
        [InlineData(1u, -1, 1)]
        [InlineData(1u, 4, -1)]
        [InlineData(1u, EmbeddingSetFile.MaxDimensions + 1, 1)]
        [InlineData(1u, 0, 5)]                        // items without vectors
        [InlineData(1u, 4, 2)]                        // more items than the file has room for
        [InlineData(1u, EmbeddingSetFile.MaxDimensions, int.MaxValue)]
        [InlineData(1u, 1000, int.MaxValue)]
        public void AForgedHeaderIsDamageAndAllocatesNothingLarge(uint version, int dimensions, int count)
        {
            byte[] bytes = Forge(version, dimensions, count, new[] { 1f, 2f, 3f, 4f }, "{\"provider\":\"p\",\"model\":\"m\"}", "{\"text\":\"a\"}");
            foreach (bool seekable in new[] { true, false })
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                AllyException ex = Fails(bytes, seekable);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.Equal(ErrorIds.EmbeddingFileDamaged, ex.Id);
                Assert.True(allocated < 8_000_000, $"{allocated} bytes allocated for a {bytes.Length}-byte file");
            }
        }

        [Fact]
        public void AForgedRecordLengthIsDamageAndAllocatesNothingLarge()
        {
            byte[] bytes = Forge(1, 1, 1, new[] { 1f }, "{\"provider\":\"p\",\"model\":\"m\"}", "{\"text\":\"a\"}");
            // The set's description claims two gigabytes.
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), int.MaxValue - 100);
            bytes = Reseal(bytes);
            foreach (bool seekable in new[] { true, false })
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                Assert.Equal(ErrorIds.EmbeddingFileDamaged, Fails(bytes, seekable).Id);
                Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8_000_000);
            }
        }

        [Fact]
        public void UnknownFieldsAreSkipped()
        {
            byte[] bytes = Forge(1, 2, 1, new[] { 1f, 2f },
                "{\"provider\":\"simple\",\"created\":\"2030-01-01\",\"model\":\"hash-v1\",\"extra\":{\"a\":[1,2]}}",
                "{\"future\":[1,{\"x\":null}],\"text\":\"kept\",\"startLine\":3,\"tags\":[\"a\"],\"usesTaskPrefix\":false}");
            Embedding item = Assert.Single(Load(bytes));
            Assert.Equal(("kept", "simple", "hash-v1", 3, (int?)null), (item.Text, item.Provider, item.Model, item.StartLine ?? 0, item.EndLine));
        }

        [Theory]
        [InlineData("{\"source\":\"no text\"}")]
        [InlineData("{\"text\":\"a\",\"startLine\":\"three\"}")]
        [InlineData("{\"text\":\"a\",\"chunkIndex\":12345678901}")]
        [InlineData("{\"text\":7}")]
        [InlineData("{\"text\":\"a\",\"usesTaskPrefix\":\"yes\"}")]
        [InlineData("{\"text\":\"a\"")]
        [InlineData("{\"text\":\"a\"} {}")]
        [InlineData("[\"text\"]")]
        [InlineData("")]
        public void AnUnreadableDescriptionIsDamage(string record)
        {
            AllyException ex = Fails(Forge(1, 1, 1, new[] { 1f }, "{\"provider\":\"p\",\"model\":\"m\"}", record));
            Assert.Equal(ErrorIds.EmbeddingFileDamaged, ex.Id);
            Assert.Contains("item 0", ex.Message);
        }

        [Fact]
        public void AnUnreadableSetDescriptionIsDamage()
        {
            AllyException ex = Fails(Forge(1, 1, 1, new[] { 1f }, "{\"provider\":1}", "{\"text\":\"a\"}"));
            Assert.Equal(ErrorIds.EmbeddingFileDamaged, ex.Id);
            Assert.Contains("set's description", ex.Message);
        }
    }
}
