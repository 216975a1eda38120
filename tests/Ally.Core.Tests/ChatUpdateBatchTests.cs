using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Ally.Tests
{
    public class ChatUpdateBatchTests
    {
        private static ChatUpdate Content(string text) => new ChatUpdate(ChatUpdateKind.Content, text);
        private static ChatUpdate Thinking(string text) => new ChatUpdate(ChatUpdateKind.Thinking, text);

        [Fact]
        public void AsksForOneDrainAndJoinsWhatCameMeanwhileKeepingKindsApartAndInOrder()
        {
            var batch = new ChatUpdateBatch();
            Assert.True(batch.Add(Thinking("Let me ")));
            Assert.False(batch.Add(Thinking("think.")));
            Assert.False(batch.Add(Content("The answer")));
            Assert.False(batch.Add(Content(" is 42.")));
            var written = new List<ChatUpdate>();
            batch.Drain(written.Add);
            Assert.Equal(new[] { (ChatUpdateKind.Thinking, "Let me think."), (ChatUpdateKind.Content, "The answer is 42.") },
                written.Select(u => (u.Kind, u.Text)));

            // Drained: the next piece asks for a drain again, and comes out as it is.
            Assert.True(batch.Add(Content("!")));
            written.Clear();
            batch.Drain(written.Add);
            Assert.Equal("!", Assert.Single(written).Text);
        }

        [Fact]
        public void APieceWrittenAtOnceIsTheSameString()
        {
            var batch = new ChatUpdateBatch();
            string piece = "hello";
            batch.Add(Content(piece));
            string? written = null;
            batch.Drain(u => written = u.Text);
            Assert.Same(piece, written);
        }

        [Fact]
        public async Task AWorkerAndAWriterTogetherLoseNothingAndKeepTheOrder()
        {
            var batch = new ChatUpdateBatch();
            var drains = new SemaphoreSlim(0);
            var text = new StringBuilder();
            int writes = 0;
            const int Pieces = 20000;
            Task worker = Task.Run(() =>
            {
                for (int i = 0; i < Pieces; i++)
                {
                    if (batch.Add(Content(i + ","))) drains.Release();
                }
            });
            var expected = string.Concat(Enumerable.Range(0, Pieces).Select(i => i + ","));
            while (text.Length < expected.Length)
            {
                Assert.True(await drains.WaitAsync(TimeSpan.FromSeconds(30)));
                batch.Drain(u => { text.Append(u.Text); writes++; });
            }
            await worker;
            Assert.Equal(expected, text.ToString());
            Assert.InRange(writes, 1, Pieces);
        }
    }
}
