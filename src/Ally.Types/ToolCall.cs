using System;

namespace Ally
{
    /// <summary>
    /// A call the model asked for: a PowerShell command offered with -Tool and the arguments it chose.
    /// Kept on the assistant message that made it, so a conversation sent again holds the whole exchange.
    /// </summary>
    public sealed class ToolCall
    {
        /// <summary>Creates a call.</summary>
        /// <param name="id">The call's id, as the server gave it (Ally makes one where the server gives none).</param>
        /// <param name="name">The tool's name.</param>
        /// <param name="arguments">The arguments as JSON object text.</param>
        public ToolCall(string id, string name, string arguments)
        {
            Id = id ?? throw new ArgumentNullException(nameof(id));
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Arguments = string.IsNullOrEmpty(arguments) ? "{}" : arguments;
        }

        /// <summary>The call's id; the tool's result goes back to the model under it.</summary>
        public string Id { get; }
        /// <summary>The tool (command) the model called.</summary>
        public string Name { get; }
        /// <summary>The arguments, as JSON object text.</summary>
        public string Arguments { get; }

        /// <inheritdoc />
        public override string ToString() => Name + " " + Arguments;
    }

    /// <summary>What became of a tool call.</summary>
    public enum ToolCallStatus
    {
        /// <summary>The command ran and its output went back to the model.</summary>
        Completed,
        /// <summary>The command failed (or its arguments could not be used); the error went back to the model.</summary>
        Failed,
        /// <summary>The user said no (a confirmation prompt, or -WhatIf).</summary>
        Declined,
        /// <summary>Ally did not run it: not a command the user offered, or a command that changes things in a session that cannot ask (use -Force).</summary>
        Refused,
        /// <summary>Not run because the limit of tool calls (-MaxToolCalls) was reached.</summary>
        NotRun,
    }

    /// <summary>One tool call of a chat turn and its outcome, as listed on <see cref="ChatResponse.ToolCalls"/>.</summary>
    public sealed class ToolCallResult
    {
        /// <summary>Creates a record of a call.</summary>
        public ToolCallResult(ToolCall call, ToolCallStatus status, string output, string? error, TimeSpan duration)
        {
            Call = call ?? throw new ArgumentNullException(nameof(call));
            Status = status;
            Output = output ?? string.Empty;
            Error = string.IsNullOrEmpty(error) ? null : error;
            Duration = duration;
        }

        /// <summary>The call as the model made it.</summary>
        public ToolCall Call { get; }
        /// <summary>The call's id.</summary>
        public string Id => Call.Id;
        /// <summary>The command called.</summary>
        public string Name => Call.Name;
        /// <summary>The arguments (JSON object text).</summary>
        public string Arguments => Call.Arguments;
        /// <summary>What became of it.</summary>
        public ToolCallStatus Status { get; }
        /// <summary>The text that went back to the model: the command's output, or why it did not run.</summary>
        public string Output { get; }
        /// <summary>The error, when the command failed or did not run.</summary>
        public string? Error { get; }
        /// <summary>How long the command ran.</summary>
        public TimeSpan Duration { get; }

        /// <inheritdoc />
        public override string ToString() => Name + " " + Arguments + ": " + Status;
    }
}
