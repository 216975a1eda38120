using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.PowerShell.Interactive
{
    /// <summary>
    /// Lets Ctrl+C stop one answer instead of the whole command. PowerShell's console host turns Ctrl+C
    /// into a stop of the running pipeline (through the console's break signal); while this is held,
    /// Ctrl+C reaches the console as a key instead (<see cref="Console.TreatControlCAsInput"/>), and a
    /// watcher that polls the keyboard calls the stop action when it sees one. Polling (never a blocking
    /// ReadKey) lets the watcher end with the answer, so it never takes a key meant for the next prompt.
    /// Other keys typed while the answer streams are dropped. Disposing ends the watcher and puts the
    /// console back as it was, on every path. Ctrl+Break still stops the command.
    /// </summary>
    internal sealed class ConsoleInterrupt : IDisposable
    {
        private const int PollMilliseconds = 40;
        private readonly bool _wasControlCInput;
        private readonly bool _holding;
        private readonly CancellationTokenSource _end = new CancellationTokenSource();
        private readonly Task _watcher;
        private readonly Action _stop;
        private readonly object _keyboard = new object();
        private volatile bool _pressed;
        private bool _paused;

        private ConsoleInterrupt(Action stop)
        {
            _stop = stop;
            try
            {
                _wasControlCInput = Console.TreatControlCAsInput;
                Console.TreatControlCAsInput = true;
                _holding = true;
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidOperationException)
            {
                // No console to take Ctrl+C from: it stops the command, as it always does.
            }
            _watcher = _holding ? Task.Run(WatchAsync) : Task.CompletedTask;
        }

        /// <summary>Starts watching for Ctrl+C; <paramref name="stop"/> is called (on a worker) when it is pressed.</summary>
        public static ConsoleInterrupt Watch(Action stop) => new ConsoleInterrupt(stop);

        /// <summary>True once Ctrl+C was pressed.</summary>
        public bool Pressed => _pressed;

        /// <summary>True for Ctrl+C as a key.</summary>
        public static bool IsControlC(ConsoleKeyInfo key) =>
            key.KeyChar == '\u0003' || (key.Key == ConsoleKey.C && (key.Modifiers & ConsoleModifiers.Control) != 0);

        private async Task WatchAsync()
        {
            try
            {
                while (!_end.IsCancellationRequested)
                {
                    lock (_keyboard)
                    {
                        while (!_paused && Console.KeyAvailable)
                        {
                            if (!IsControlC(Console.ReadKey(intercept: true)) || _pressed) continue;
                            _pressed = true;
                            _stop();
                        }
                    }
                    await Task.Delay(PollMilliseconds, _end.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // The answer is over.
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidOperationException)
            {
                // The keyboard cannot be read after all: Ctrl+C cannot stop the answer alone, and nothing else changes.
            }
        }

        /// <summary>
        /// Leaves the keyboard alone until disposed, for something on the pipeline thread that reads it (a
        /// tool's confirmation prompt). Ctrl+C pressed meanwhile is that reader's; one still waiting when
        /// the pause ends stops the answer.
        /// </summary>
        public IDisposable Pause()
        {
            lock (_keyboard) _paused = true;
            return new Resume(this);
        }

        private sealed class Resume : IDisposable
        {
            private readonly ConsoleInterrupt _interrupt;

            public Resume(ConsoleInterrupt interrupt) => _interrupt = interrupt;

            public void Dispose()
            {
                lock (_interrupt._keyboard) _interrupt._paused = false;
            }
        }

        /// <summary>Ends the watcher and restores Ctrl+C's usual meaning.</summary>
        public void Dispose()
        {
            _end.Cancel();
            try
            {
                _watcher.Wait();
            }
            catch (AggregateException)
            {
                // Its failures are handled inside; nothing is left to do.
            }
            if (_holding)
            {
                try
                {
                    Console.TreatControlCAsInput = _wasControlCInput;
                }
                catch (Exception ex) when (ex is IOException || ex is InvalidOperationException)
                {
                    // The console went away.
                }
            }
            _end.Dispose();
        }
    }
}
