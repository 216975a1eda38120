using Ally.Interactive;
using Xunit;

namespace Ally.Tests
{
    public class ChatInputAssemblerTests
    {
        [Fact]
        public void ALineIsAMessage()
        {
            ChatInput? input = new ChatInputAssembler().Add("Why is the sky blue?");
            Assert.Equal(ChatInputKind.Message, input!.Kind);
            Assert.Equal("Why is the sky blue?", input.Text);
            Assert.Null(input.Command);
        }

        [Fact]
        public void BlankLinesAreIgnored()
        {
            var assembler = new ChatInputAssembler();
            Assert.Null(assembler.Add(""));
            Assert.Null(assembler.Add("   \t"));
            Assert.False(assembler.IsPending);
        }

        [Fact]
        public void ABackslashAtTheEndContinuesTheLine()
        {
            var assembler = new ChatInputAssembler();
            Assert.Null(assembler.Add("first line \\"));
            Assert.True(assembler.IsPending);
            Assert.False(assembler.InBlock);
            Assert.Null(assembler.Add("second\\"));
            ChatInput? input = assembler.Add("third");
            Assert.Equal("first line \nsecond\nthird", input!.Text);
            Assert.False(assembler.IsPending);
        }

        [Fact]
        public void TripleQuotesEncloseABlockThatIsAlwaysAMessage()
        {
            var assembler = new ChatInputAssembler();
            Assert.Null(assembler.Add("\"\"\""));
            Assert.True(assembler.InBlock);
            Assert.Null(assembler.Add("/etc/hosts says:"));
            Assert.Null(assembler.Add(""));
            Assert.Null(assembler.Add("ends with a backslash \\"));
            ChatInput? input = assembler.Add("  \"\"\"  ");
            Assert.Equal(ChatInputKind.Message, input!.Kind);
            Assert.Equal("/etc/hosts says:\n\nends with a backslash \\", input.Text);
            Assert.False(assembler.IsPending);
        }

        [Fact]
        public void AnEmptyBlockIsIgnored()
        {
            var assembler = new ChatInputAssembler();
            assembler.Add("\"\"\"");
            assembler.Add("  ");
            Assert.Null(assembler.Add("\"\"\""));
            Assert.False(assembler.IsPending);
        }

        [Fact]
        public void TripleQuotesInsideAContinuedLineAreText()
        {
            var assembler = new ChatInputAssembler();
            assembler.Add("a\\");
            Assert.Equal("a\n\"\"\"", assembler.Add("\"\"\"")!.Text);
        }

        [Fact]
        public void ASlashMakesACommandWithItsArgument()
        {
            var assembler = new ChatInputAssembler();
            ChatInput? input = assembler.Add("  /Model   llama3.2  ");
            Assert.Equal(ChatInputKind.Command, input!.Kind);
            Assert.Equal("model", input.Command);
            Assert.Equal("llama3.2", input.Text);
            Assert.Equal("save!", assembler.Add("/save! chat.json")!.Command);
            ChatInput? bare = assembler.Add("/exit");
            Assert.Equal("exit", bare!.Command);
            Assert.Equal(string.Empty, bare.Text);
        }

        [Fact]
        public void ACommandArgumentCanGoOnOverSeveralLines()
        {
            var assembler = new ChatInputAssembler();
            assembler.Add("/system You are terse.\\");
            ChatInput? input = assembler.Add("Answer in French.");
            Assert.Equal("system", input!.Command);
            Assert.Equal("You are terse.\nAnswer in French.", input.Text);
        }

        [Fact]
        public void TwoSlashesSendALineThatStartsWithOne()
        {
            ChatInput? input = new ChatInputAssembler().Add("//etc/hosts is empty");
            Assert.Equal(ChatInputKind.Message, input!.Kind);
            Assert.Equal("/etc/hosts is empty", input.Text);
        }

        [Fact]
        public void ResetForgetsAHalfTypedEntry()
        {
            var assembler = new ChatInputAssembler();
            assembler.Add("\"\"\"");
            assembler.Add("draft");
            assembler.Reset();
            Assert.False(assembler.IsPending);
            Assert.Equal("fresh", assembler.Add("fresh")!.Text);
        }
    }
}
