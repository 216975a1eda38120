using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Ally.Tests
{
    /// <summary>Fitting a conversation into a window: whole turns, newest first, the system prompt always.</summary>
    public class ContextWindowTests
    {
        private static List<ChatMessage> Conversation(int turns, int charsPerQuestion)
        {
            var messages = new List<ChatMessage> { new ChatMessage("system", "Be brief.") };
            for (int i = 1; i <= turns; i++)
            {
                messages.Add(new ChatMessage("user", "Q" + i + new string('x', charsPerQuestion)));
                messages.Add(new ChatMessage("assistant", "A" + i));
            }
            messages.Add(new ChatMessage("user", "Last?"));
            return messages;
        }

        [Fact]
        public void KeepsEverythingThatFits()
        {
            List<ChatMessage> messages = Conversation(3, 30);
            IReadOnlyList<ChatMessage>? fitted = ContextWindow.Fit(messages, 10_000, out int dropped);
            Assert.Equal(messages, fitted);
            Assert.Equal(0, dropped);
        }

        [Fact]
        public void LeavesOutTheOldestWholeTurnsAndKeepsTheSystemPrompt()
        {
            List<ChatMessage> messages = Conversation(6, 300); // about 104 tokens a turn
            int budget = ContextWindow.Tokens(messages) - 250;
            IReadOnlyList<ChatMessage>? fitted = ContextWindow.Fit(messages, budget, out int dropped);
            Assert.NotNull(fitted);
            Assert.True(ContextWindow.Tokens(fitted!) <= budget);
            Assert.Equal(3, dropped);
            Assert.Equal("system", fitted![0].Role);
            Assert.Equal("Last?", fitted[^1].Content);
            Assert.StartsWith("Q4", fitted[1].Content);
            Assert.Equal("A4", fitted[2].Content);
        }

        [Fact]
        public void GivesUpWhenNotEvenTheLastQuestionFits()
        {
            var messages = new List<ChatMessage> { new ChatMessage("system", "Be brief."), new ChatMessage("user", new string('x', 3000)) };
            Assert.Null(ContextWindow.Fit(messages, 500, out _));
        }

        [Theory]
        [InlineData(4096, null, 512)]
        [InlineData(131072, null, 1024)]
        [InlineData(4096, 100, 100)]
        [InlineData(2000, 5000, 1999)]
        public void KeepsRoomForTheAnswer(int window, int? maxTokens, int expected) => Assert.Equal(expected, ContextWindow.Reserve(window, maxTokens));
    }
}
