using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Text;

namespace Ally.PowerShell.Interactive
{
    /// <summary>How reading a line at the chat prompt ended.</summary>
    internal enum LineEnd
    {
        /// <summary>Enter: a line was read.</summary>
        Enter,
        /// <summary>End of input: Ctrl+D on an empty line (Ctrl+Z then Enter on Windows).</summary>
        EndOfInput,
        /// <summary>Ctrl+C.</summary>
        Interrupt,
    }

    /// <summary>
    /// Reads one line at the chat prompt. On Windows this is the host's own ReadLine (the console's line
    /// editing and history). Elsewhere the console host's ReadLine redraws the whole line on every key,
    /// which scrolls garbage down the screen once a line wraps, and takes Ctrl+D for "delete": there a
    /// simple reader of its own is used instead, in the manner of .NET's Console.ReadLine (type, Backspace,
    /// wrapped lines, Ctrl+U or Esc to clear, Up and Down for the lines entered before in this session)
    /// that also reports Ctrl+C and Ctrl+D.
    /// </summary>
    internal static class PromptReader
    {
        private static readonly bool IsWindows = Environment.OSVersion.Platform == PlatformID.Win32NT;
        private const int HistoryLimit = 500;

        /// <summary>The lines entered at the prompt in this session, oldest first (Up and Down walk it).</summary>
        private static readonly List<string> History = new List<string>();

        /// <summary>
        /// True where Ctrl+C at the prompt is only a key read here. On Windows the console host also
        /// stops the pipeline for it, and that cannot be taken back.
        /// </summary>
        public static bool OwnsControlC => !IsWindows;

        public static LineEnd ReadLine(PSHostUserInterface ui, out string line) => IsWindows ? ReadWithHost(ui, out line) : ReadFromConsole(out line);

        private static LineEnd ReadWithHost(PSHostUserInterface ui, out string line)
        {
            line = string.Empty;
            string? read;
            try
            {
                read = ui.ReadLine();
            }
            catch (PipelineStoppedException)
            {
                // How the console host reports Ctrl+C at a prompt.
                return LineEnd.Interrupt;
            }
            if (read is null || read == "\u001a") return LineEnd.EndOfInput;
            line = read;
            return LineEnd.Enter;
        }

        private static LineEnd ReadFromConsole(out string line)
        {
            var text = new StringBuilder();
            line = string.Empty;
            // Where Up and Down are in the history: History.Count is the line being typed (kept in draft).
            int place = History.Count;
            string draft = string.Empty;
            bool wasControlCInput = Console.TreatControlCAsInput;
            Console.TreatControlCAsInput = true;
            try
            {
                while (true)
                {
                    ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                    char c = key.KeyChar;
                    if (key.Key == ConsoleKey.Enter || c == '\r' || c == '\n')
                    {
                        Console.WriteLine();
                        line = text.ToString();
                        Remember(line);
                        return LineEnd.Enter;
                    }
                    if (ConsoleInterrupt.IsControlC(key))
                    {
                        Console.WriteLine("^C");
                        return LineEnd.Interrupt;
                    }
                    if (c == '\u0004' || (key.Key == ConsoleKey.D && (key.Modifiers & ConsoleModifiers.Control) != 0))
                    {
                        if (text.Length > 0) continue;
                        Console.WriteLine();
                        return LineEnd.EndOfInput;
                    }
                    if (key.Key == ConsoleKey.Backspace || c == '\b' || c == '\u007f')
                    {
                        EraseLast(text);
                        continue;
                    }
                    if (key.Key == ConsoleKey.Escape || c == '\u0015')
                    {
                        while (text.Length > 0) EraseLast(text);
                        continue;
                    }
                    if (key.Key == ConsoleKey.UpArrow || key.Key == ConsoleKey.DownArrow)
                    {
                        int next = key.Key == ConsoleKey.UpArrow ? place - 1 : place + 1;
                        if (next < 0 || next > History.Count) continue;
                        if (place == History.Count) draft = text.ToString();
                        place = next;
                        while (text.Length > 0) EraseLast(text);
                        string shown = place == History.Count ? draft : History[place];
                        text.Append(shown);
                        Console.Write(shown.Replace('\t', ' '));
                        continue;
                    }
                    if (c == '\t')
                    {
                        // Kept as a tab, shown as one cell (as Console.ReadLine does), so Backspace stays in step.
                        text.Append(c);
                        Console.Write(' ');
                        continue;
                    }
                    if (c == '\0' || char.IsControl(c)) continue;
                    text.Append(c);
                    Console.Write(c);
                }
            }
            finally
            {
                Console.TreatControlCAsInput = wasControlCInput;
            }
        }

        /// <summary>Keeps a line for Up and Down: not empty lines, not the same line twice in a row.</summary>
        private static void Remember(string line)
        {
            if (line.Trim().Length == 0 || (History.Count > 0 && History[History.Count - 1] == line)) return;
            if (History.Count == HistoryLimit) History.RemoveAt(0);
            History.Add(line);
        }

        /// <summary>Removes the last character typed and its cell on the screen, going back up a row when the line had wrapped.</summary>
        private static void EraseLast(StringBuilder text)
        {
            if (text.Length == 0) return;
            int remove = text.Length >= 2 && char.IsLowSurrogate(text[text.Length - 1]) && char.IsHighSurrogate(text[text.Length - 2]) ? 2 : 1;
            text.Length -= remove;
            int left = Console.CursorLeft;
            int top = Console.CursorTop;
            if (left == 0 && top > 0)
            {
                Console.SetCursorPosition(Console.WindowWidth - 1, top - 1);
                Console.Write("\u001b[K");
            }
            else
            {
                Console.Write("\b \b");
            }
        }
    }
}
