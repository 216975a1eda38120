using System.Collections.Generic;
using Xunit;

namespace Ally.Tests
{
    public class PromptBuilderTests
    {
        [Fact]
        public void PromptAloneIsSentAsIs()
        {
            Assert.Equal("Hello", PromptBuilder.Build("  Hello \n", new List<InputItem>()));
        }

        [Fact]
        public void NothingToSendGivesAnEmptyMessage()
        {
            Assert.Equal(string.Empty, PromptBuilder.Build(null, new List<InputItem>()));
            Assert.Equal(string.Empty, PromptBuilder.Build("   ", new List<InputItem>()));
        }

        [Fact]
        public void FileLinesAreJoinedIntoOneBlockLabelledWithTheFile()
        {
            var input = new List<InputItem>
            {
                new InputItem("class A {", "src/f.cs"),
                new InputItem("}", "src/f.cs"),
            };
            Assert.Equal("Review this\n\nFile: src/f.cs\n```\nclass A {\n}\n```", PromptBuilder.Build("Review this", input));
        }

        [Fact]
        public void EachFileGetsItsOwnBlockInOrder()
        {
            var input = new List<InputItem>
            {
                new InputItem("a1", "a.txt"), new InputItem("a2", "a.txt"),
                new InputItem("b1", "b.txt"),
            };
            string message = PromptBuilder.Build("Compare", input);
            Assert.Equal("Compare\n\nFile: a.txt\n```\na1\na2\n```\n\nFile: b.txt\n```\nb1\n```", message);
        }

        [Fact]
        public void PlainPipedTextWithoutAPromptIsTheQuestion()
        {
            var input = new List<InputItem> { new InputItem("What is 2+2?"), new InputItem("Answer briefly.") };
            Assert.Equal("What is 2+2?\nAnswer briefly.", PromptBuilder.Build(null, input));
        }

        [Fact]
        public void PlainPipedTextWithAPromptIsFencedInput()
        {
            var input = new List<InputItem> { new InputItem("Bonjour") };
            Assert.Equal("Translate\n\nInput:\n```\nBonjour\n```", PromptBuilder.Build("Translate", input));
        }

        [Fact]
        public void TheFenceIsLongerThanAnyBacktickRunInside()
        {
            var input = new List<InputItem> { new InputItem("````md\n```\n````", "README.md") };
            string message = PromptBuilder.Build("Check", input);
            Assert.StartsWith("Check\n\nFile: README.md\n`````\n", message);
            Assert.EndsWith("\n`````", message);
        }
    }
}
