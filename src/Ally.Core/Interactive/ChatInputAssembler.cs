using System;
using System.Collections.Generic;

namespace Ally.Interactive
{
    /// <summary>What an entry typed at the chat prompt is.</summary>
    public enum ChatInputKind
    {
        /// <summary>A message for the model.</summary>
        Message,
        /// <summary>A slash command (/model, /save, …).</summary>
        Command,
    }

    /// <summary>One complete entry typed at the chat prompt: a message, or a slash command and its argument.</summary>
    public sealed class ChatInput
    {
        private ChatInput(ChatInputKind kind, string text, string? command)
        {
            Kind = kind;
            Text = text;
            Command = command;
        }

        /// <summary>A message or a command.</summary>
        public ChatInputKind Kind { get; }

        /// <summary>The message, or the command's argument (trimmed; empty when none was given).</summary>
        public string Text { get; }

        /// <summary>The command's name in lower case, without its slash ("model", "save!"); null for a message.</summary>
        public string? Command { get; }

        internal static ChatInput Message(string text) => new ChatInput(ChatInputKind.Message, text, null);

        internal static ChatInput ForCommand(string name, string argument) => new ChatInput(ChatInputKind.Command, argument, name);
    }

    /// <summary>
    /// Turns the lines typed at the chat prompt into entries. A line that ends in a backslash goes on
    /// on the next line (the backslash is dropped, the line break kept). A line holding only """ opens
    /// a block that the next such line closes; a block is always a message, whatever it starts with, so
    /// pasted text is never taken for a command. Otherwise an entry that starts with / is a command, and
    /// one that starts with // is a message starting with a single /. Blank entries are ignored.
    /// </summary>
    public sealed class ChatInputAssembler
    {
        /// <summary>The line that opens and closes a block.</summary>
        public const string BlockMarker = "\"\"\"";

        private readonly List<string> _lines = new List<string>();
        private bool _continuing;

        /// <summary>True inside a """ block.</summary>
        public bool InBlock { get; private set; }

        /// <summary>True when the entry is not complete yet (a continued line or an open block): the prompt says so.</summary>
        public bool IsPending => InBlock || _continuing;

        /// <summary>Forgets a half-typed entry.</summary>
        public void Reset()
        {
            _lines.Clear();
            _continuing = false;
            InBlock = false;
        }

        /// <summary>Adds one line read at the prompt; returns the entry it completes, or null (more lines to come, or nothing to do).</summary>
        public ChatInput? Add(string line)
        {
            if (line is null) throw new ArgumentNullException(nameof(line));
            if (InBlock)
            {
                if (line.Trim() != BlockMarker)
                {
                    Append(line);
                    return null;
                }
                string block = Take();
                return block.Trim().Length == 0 ? null : ChatInput.Message(block);
            }
            if (!_continuing && line.Trim() == BlockMarker)
            {
                InBlock = true;
                return null;
            }
            if (line.EndsWith("\\", StringComparison.Ordinal))
            {
                Append(line.Substring(0, line.Length - 1));
                _continuing = true;
                return null;
            }
            Append(line);
            return Classify(Take());
        }

        private void Append(string line) => _lines.Add(line);

        private string Take()
        {
            string text = string.Join("\n", _lines);
            Reset();
            return text;
        }

        private static ChatInput? Classify(string text)
        {
            string trimmed = text.TrimStart();
            if (trimmed.Length == 0) return null;
            if (trimmed.StartsWith("//", StringComparison.Ordinal)) return ChatInput.Message(trimmed.Substring(1));
            if (!trimmed.StartsWith("/", StringComparison.Ordinal)) return ChatInput.Message(text);
            int end = 1;
            while (end < trimmed.Length && !char.IsWhiteSpace(trimmed[end])) end++;
            return ChatInput.ForCommand(trimmed.Substring(1, end - 1).ToLowerInvariant(), trimmed.Substring(end).Trim());
        }
    }
}
