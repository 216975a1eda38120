using System;
using System.Collections.Generic;
using System.Text;

namespace Ally
{
    /// <summary>A piece of piped input: its text and, for lines read from a file, the file's path.</summary>
    public readonly struct InputItem
    {
        /// <summary>Creates an input item.</summary>
        public InputItem(string text, string? source = null)
        {
            Text = text;
            Source = string.IsNullOrEmpty(source) ? null : source;
        }

        /// <summary>The text.</summary>
        public string Text { get; }
        /// <summary>The file it came from (as the user should see it), or null.</summary>
        public string? Source { get; }
    }

    /// <summary>
    /// Builds the user's message from the prompt and piped input: consecutive lines from the same
    /// file become one fenced block labelled with the file's path; other input becomes one fenced
    /// block per run. The prompt comes first, so the model reads the instruction before the data.
    /// </summary>
    public static class PromptBuilder
    {
        /// <summary>Builds the message text; returns an empty string when there is nothing to send.</summary>
        public static string Build(string? prompt, IReadOnlyList<InputItem> input)
        {
            var sb = new StringBuilder();
            string trimmedPrompt = prompt?.Trim() ?? string.Empty;

            // A lone run of plain piped text with no prompt is the question itself: send it as is.
            if (trimmedPrompt.Length == 0 && IsSinglePlainRun(input))
            {
                return JoinLines(input, 0, input.Count).Trim();
            }

            sb.Append(trimmedPrompt);
            int i = 0;
            while (i < input.Count)
            {
                int end = i + 1;
                while (end < input.Count && string.Equals(input[end].Source, input[i].Source, StringComparison.Ordinal)) end++;
                string block = JoinLines(input, i, end);
                if (sb.Length > 0) sb.Append("\n\n");
                sb.Append(input[i].Source is string source ? "File: " + source : "Input:").Append('\n');
                string fence = FenceFor(block);
                sb.Append(fence).Append('\n').Append(block);
                if (block.Length > 0 && block[block.Length - 1] != '\n') sb.Append('\n');
                sb.Append(fence);
                i = end;
            }
            return sb.ToString();
        }

        private static bool IsSinglePlainRun(IReadOnlyList<InputItem> input)
        {
            if (input.Count == 0) return false;
            foreach (InputItem item in input) if (item.Source != null) return false;
            return true;
        }

        private static string JoinLines(IReadOnlyList<InputItem> input, int start, int end)
        {
            if (end - start == 1) return input[start].Text;
            var sb = new StringBuilder();
            for (int i = start; i < end; i++)
            {
                if (i > start) sb.Append('\n');
                sb.Append(input[i].Text);
            }
            return sb.ToString();
        }

        /// <summary>A code fence longer than any run of backticks inside the block, so the block cannot close it.</summary>
        private static string FenceFor(string block)
        {
            int longest = 0, run = 0;
            foreach (char c in block)
            {
                run = c == '`' ? run + 1 : 0;
                if (run > longest) longest = run;
            }
            return new string('`', Math.Max(3, longest + 1));
        }
    }
}
