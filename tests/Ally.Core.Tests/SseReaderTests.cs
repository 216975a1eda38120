using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
using Xunit;

namespace Ally.Tests
{
    public class SseReaderTests
    {
        private static async Task<List<string>> Events(string body, int chunk = 4096)
        {
            var reader = new SseReader(new TrickleStream(Encoding.UTF8.GetBytes(body), chunk));
            var events = new List<string>();
            while (await reader.ReadEventAsync(CancellationToken.None)) events.Add(Encoding.UTF8.GetString(reader.Data.ToArray()));
            return events;
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(4096)]
        public async Task SkipsCommentsAndDispatchesOnBlankLines(int chunk)
        {
            string body = ": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\n\n: keep-alive\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";
            Assert.Equal(new[] { "{\"a\":1}", "{\"b\":2}", "[DONE]" }, await Events(body, chunk));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(4096)]
        public async Task HandlesCrlfAndBareCrEvenAcrossReads(int chunk)
        {
            Assert.Equal(new[] { "one", "two", "three" }, await Events("data: one\r\n\r\ndata: two\r\rdata: three\n\n", chunk));
        }

        [Fact]
        public async Task JoinsMultiLineDataWithNewlines()
        {
            Assert.Equal(new[] { "line1\nline2\n" }, await Events("data: line1\ndata:line2\ndata\n\n"));
        }

        [Fact]
        public async Task IgnoresOtherFieldsAndEventsWithoutData()
        {
            Assert.Equal(new[] { "x" }, await Events("event: ping\nid: 7\nretry: 10\n\nevent: message\ndata: x\n\n"));
        }

        [Fact]
        public async Task DropsAnUnterminatedLastEvent()
        {
            Assert.Equal(new[] { "complete" }, await Events("data: complete\n\ndata: cut off"));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4096)]
        public async Task DropsALeadingByteOrderMark(int chunk)
        {
            Assert.Equal(new[] { "x" }, await Events("\uFEFFdata: x\n\n", chunk));
        }

        [Fact]
        public async Task KeepsEventsLongerThanTheBuffer()
        {
            string big = new string('a', 20000);
            Assert.Equal(new[] { big, "next" }, await Events("data: " + big + "\r\n\r\ndata: next\n\n", chunk: 1000));
        }

        [Fact]
        public async Task DecodesMultiByteCharactersSplitAcrossReads()
        {
            Assert.Equal(new[] { "héllo — 世界" }, await Events("data: héllo — 世界\n\n", chunk: 1));
        }

        /// <summary>Reads events until [DONE], as the chat provider does; returns the events read.</summary>
        private static async Task<List<string>> ReadToDone(SseReader reader)
        {
            var events = new List<string>();
            await reader.ReadAsync(() =>
            {
                while (reader.TryReadEvent())
                {
                    string data = Encoding.UTF8.GetString(reader.Data.ToArray());
                    events.Add(data);
                    if (data == "[DONE]") return true;
                }
                return false;
            }, CancellationToken.None);
            return events;
        }

        [Fact]
        public async Task AfterTheLastEventReadsToTheEndOfTheBody()
        {
            var body = new TrickleStream(Encoding.UTF8.GetBytes(": hi\n\ndata: {\"a\":1}\n\ndata: [DONE]\n\n"), 5);
            Assert.Equal(new[] { "{\"a\":1}", "[DONE]" }, await ReadToDone(new SseReader(body)));
            Assert.Equal(body.Length, body.Position);
        }

        [Fact]
        public async Task DoesNotWaitForABodyThatStaysOpenAfterTheLastEvent()
        {
            var body = new OpenEndedStream(Encoding.UTF8.GetBytes("data: [DONE]\n\n"));
            Task<List<string>> read = ReadToDone(new SseReader(body));
            // Bounded by the short wait, not by the stream: generous, so a loaded machine cannot fail it.
            Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30))));
            Assert.Equal(new[] { "[DONE]" }, await read);
            Assert.Equal(1, body.ReadsAfterData);
        }

        [Fact]
        public async Task IgnoresAConnectionDroppedAfterTheLastEvent()
        {
            var body = new OpenEndedStream(Encoding.UTF8.GetBytes("data: [DONE]\n\n"), new IOException("Connection reset by peer"));
            Assert.Equal(new[] { "[DONE]" }, await ReadToDone(new SseReader(body)));
            Assert.Equal(1, body.ReadsAfterData);
        }

        [Fact]
        public async Task StopsAtTheEndOfAStreamWithoutTheLastEvent()
        {
            var reader = new SseReader(new TrickleStream(Encoding.UTF8.GetBytes("data: one\n\ndata: cut"), 3));
            Assert.Equal(new[] { "one" }, await ReadToDone(reader));
        }
    }
}
