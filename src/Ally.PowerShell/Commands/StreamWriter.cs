using System;
using System.Management.Automation;

namespace Ally.PowerShell.Commands
{
    /// <summary>Writes streamed pieces to the host (information stream, tags Ally.Content / Ally.Thinking, and Ally.ToolCall for tool calls), on the pipeline thread.</summary>
    internal sealed class StreamWriter
    {
        private static readonly string[] ContentTags = { "PSHOST", "Ally.Content" };
        private static readonly string[] ThinkingTags = { "PSHOST", "Ally.Thinking" };
        private static readonly string[] ToolCallTags = { "PSHOST", "Ally.ToolCall" };
        private readonly PSCmdlet _cmdlet;
        private bool _atLineStart = true;
        private bool _inThinking;

        public StreamWriter(PSCmdlet cmdlet) => _cmdlet = cmdlet;

        [System.Runtime.CompilerServices.MethodImpl((System.Runtime.CompilerServices.MethodImplOptions)512)]
        public void Write(ChatUpdate update)
        {
            bool thinking = update.Kind == ChatUpdateKind.Thinking;
            // Set the reasoning apart from the answer.
            if (_inThinking && !thinking) WriteHost("\n\n", ThinkingTags, thinking: true);
            _inThinking = thinking;
            WriteHost(update.Text, thinking ? ThinkingTags : ContentTags, thinking);
        }

        /// <summary>Ends the current answer's text on its own line.</summary>
        public void EndAnswer()
        {
            if (!_atLineStart) WriteHost("\n", ContentTags, thinking: false);
            _inThinking = false;
        }

        /// <summary>A line for a tool call the model made, on its own line between the pieces of the answer.</summary>
        public void WriteToolCall(ToolCallResult call)
        {
            EndAnswer();
            var message = new HostInformationMessage { Message = Messages.ChatToolCalled(call.Name, call.Arguments, call.Status.ToString()), ForegroundColor = ConsoleColor.DarkCyan };
            _cmdlet.WriteInformation(message, ToolCallTags);
            _atLineStart = true;
        }

        private void WriteHost(string text, string[] tags, bool thinking)
        {
            var message = new HostInformationMessage { Message = text, NoNewLine = true };
            if (thinking) message.ForegroundColor = ConsoleColor.DarkGray;
            _cmdlet.WriteInformation(message, tags);
            _atLineStart = text.EndsWith("\n", StringComparison.Ordinal);
        }
    }
}
