using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.PowerShell.Async;
using Ally.PowerShell.Input;
using Ally.Tools;

namespace Ally.PowerShell.Tools
{
    /// <summary>One command offered as a tool.</summary>
    internal sealed class CommandTool
    {
        public CommandTool(CommandInfo command, ToolDefinition definition, IReadOnlyDictionary<string, Type> parameters, bool asksFirst)
        {
            Command = command;
            Definition = definition;
            Parameters = parameters;
            AsksFirst = asksFirst;
        }

        public CommandInfo Command { get; }
        public ToolDefinition Definition { get; }
        /// <summary>The parameters the model may give.</summary>
        public IReadOnlyDictionary<string, Type> Parameters { get; }
        /// <summary>The command changes things (it supports ShouldProcess): the user is asked before it runs, unless -Force.</summary>
        public bool AsksFirst { get; }
    }

    /// <summary>
    /// The commands a user offered with -Tool, and how the model's calls are run: only these commands,
    /// only their offered parameters, on the pipeline thread, with confirmation for commands that change
    /// things, and the output rendered as text (capped) for the model. A failing command's error goes back
    /// to the model; it never ends the chat.
    /// </summary>
    internal sealed class CommandTools
    {
        /// <summary>Most characters of one tool's output sent back to the model.</summary>
        public const int OutputLimit = 16000;

        private readonly Dictionary<string, CommandTool> _byName;

        private CommandTools(List<CommandTool> tools)
        {
            Tools = tools;
            Definitions = tools.ConvertAll(t => t.Definition);
            _byName = tools.ToDictionary(t => t.Definition.Name, StringComparer.OrdinalIgnoreCase);
        }

        public IReadOnlyList<CommandTool> Tools { get; }
        public IReadOnlyList<ToolDefinition> Definitions { get; }

        /// <summary>Builds the tools for <paramref name="commands"/> (on the pipeline thread: help is read through Get-Help).</summary>
        public static CommandTools Create(PSCmdlet cmdlet, IEnumerable<CommandInfo> commands)
        {
            var tools = new List<CommandTool>();
            foreach (CommandInfo given in commands)
            {
                CommandInfo command = given is AliasInfo alias && alias.ResolvedCommand != null ? alias.ResolvedCommand : given;
                if (!(command is CmdletInfo || command is FunctionInfo || command is ExternalScriptInfo))
                    throw new AllyException(ErrorIds.InvalidTool, Messages.NotACommandForTools(command.Name, command.CommandType.ToString()),
                        Messages.InvalidToolRemedy);
                string name = CommandToolSchema.ToolName(command.Name);
                if (tools.Any(t => string.Equals(t.Definition.Name, name, StringComparison.OrdinalIgnoreCase))) continue;
                string key = Identity(command);
                if (!Known.TryGetValue(key, out CommandTool? tool))
                {
                    tool = Describe(cmdlet, command, name);
                    if (Known.Count >= 256) Known.Clear();
                    Known[key] = tool;
                }
                // The description is reused; the command is the one given now (its module may have been imported again).
                tools.Add(ReferenceEquals(tool.Command, command) ? tool : new CommandTool(command, tool.Definition, tool.Parameters, tool.AsksFirst));
            }
            return new CommandTools(tools);
        }

        /// <summary>
        /// Tools described before, by command identity: reading help (Get-Help) costs more than the whole
        /// rest of a turn, so a command is described once per session (again when a function is redefined).
        /// </summary>
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CommandTool> Known =
            new System.Collections.Concurrent.ConcurrentDictionary<string, CommandTool>(StringComparer.Ordinal);

        private static string Identity(CommandInfo command) => command switch
        {
            CmdletInfo c => "cmdlet|" + c.Name + "|" + c.ImplementingType?.AssemblyQualifiedName,
            FunctionInfo f => "function|" + f.Name + "|" + f.Module?.Path + "|" + f.Definition,
            ExternalScriptInfo s => "script|" + s.Path + "|" + System.IO.File.GetLastWriteTimeUtc(s.Path).Ticks,
            _ => command.CommandType + "|" + command.Name,
        };

        private static CommandTool Describe(PSCmdlet cmdlet, CommandInfo command, string name)
        {
            CommandParameterSetInfo set = CommandToolSchema.ParameterSet(command);
            (string synopsis, Dictionary<string, string> help) = ReadHelp(cmdlet, command);
            string schema = CommandToolSchema.Build(command, set, help, out Dictionary<string, Type> parameters);
            bool asksFirst = SupportsShouldProcess(command);
            string description = synopsis.Length > 0 ? synopsis : Messages.ToolRunsCommand(command.Name);
            if (asksFirst) description += Messages.ToolAsksFirst;
            return new CommandTool(command, new ToolDefinition(name, CommandToolSchema.Clip(description, 1000), schema), parameters, asksFirst);
        }

        private static bool SupportsShouldProcess(CommandInfo command) => command switch
        {
            CmdletInfo cmdlet => cmdlet.ImplementingType?.GetCustomAttributes(typeof(CmdletAttribute), true).OfType<CmdletAttribute>().Any(a => a.SupportsShouldProcess) ?? false,
            _ => command.Parameters.ContainsKey("WhatIf"),
        };

        /// <summary>The synopsis and parameter descriptions from the command's help; empty where it has none (help made from the syntax).</summary>
        private static (string, Dictionary<string, string>) ReadHelp(PSCmdlet cmdlet, CommandInfo command)
        {
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string synopsis = string.Empty;
            Collection<PSObject> found;
            try
            {
                found = cmdlet.InvokeCommand.InvokeScript("Get-Help -Name $args[0] -Full -ErrorAction Ignore", command is ExternalScriptInfo script ? script.Path : command.Name);
            }
            catch (RuntimeException)
            {
                return (synopsis, parameters);
            }
            PSObject? help = found.FirstOrDefault(h => h?.BaseObject is PSObject || h?.BaseObject is PSCustomObject) ?? found.FirstOrDefault();
            if (help is null) return (synopsis, parameters);
            string text = help.Properties["Synopsis"]?.Value?.ToString()?.Trim() ?? string.Empty;
            // Help PowerShell made from the syntax repeats the command's name and parameters: no use to a model.
            if (text.Length > 0 && !text.StartsWith(command.Name, StringComparison.OrdinalIgnoreCase) && !text.Contains("[<CommonParameters>]")) synopsis = text;
            object? list = (help.Properties["parameters"]?.Value as PSObject)?.Properties["parameter"]?.Value;
            foreach (object item in list is IEnumerable e && !(list is string) ? e.Cast<object>() : new[] { list! })
            {
                if (!(item is PSObject p)) continue;
                string? name = p.Properties["name"]?.Value?.ToString();
                string description = Describe(p.Properties["description"]?.Value);
                if (name != null && description.Length > 0) parameters[name] = description;
            }
            return (synopsis, parameters);
        }

        private static string Describe(object? value)
        {
            if (value is null) return string.Empty;
            if (value is PSObject ps) value = ps.BaseObject;
            if (value is string s) return s.Trim();
            if (value is IEnumerable items)
                return string.Join(" ", items.Cast<object>().Select(i => (i is PSObject o ? o.Properties["Text"]?.Value?.ToString() : i?.ToString()) ?? string.Empty)).Trim();
            return string.Empty;
        }

        /// <summary>A runner for one command's calls: <paramref name="onPipelineThread"/> brings each call to the pipeline thread.</summary>
        public IToolRunner RunnerFor(PSCmdlet cmdlet, bool force, Func<Func<ToolCallResult>, Task<ToolCallResult>> onPipelineThread) =>
            new Runner(this, cmdlet, force, onPipelineThread);

        private sealed class Runner : IToolRunner
        {
            private readonly CommandTools _tools;
            private readonly PSCmdlet _cmdlet;
            private readonly bool _force;
            private readonly Func<Func<ToolCallResult>, Task<ToolCallResult>> _onPipelineThread;

            public Runner(CommandTools tools, PSCmdlet cmdlet, bool force, Func<Func<ToolCallResult>, Task<ToolCallResult>> onPipelineThread)
            {
                _tools = tools;
                _cmdlet = cmdlet;
                _force = force;
                _onPipelineThread = onPipelineThread;
            }

            public Task<ToolCallResult> RunAsync(ToolCall call, CancellationToken cancellationToken) =>
                _onPipelineThread(() => _tools.Run(_cmdlet, call, _force, cancellationToken));
        }

        /// <summary>Runs one call on the pipeline thread.</summary>
        internal ToolCallResult Run(PSCmdlet cmdlet, ToolCall call, bool force, CancellationToken cancellationToken)
        {
            if (!_byName.TryGetValue(call.Name, out CommandTool? tool))
            {
                string text = Messages.NoSuchTool(call.Name, string.Join(", ", _byName.Keys));
                return new ToolCallResult(call, ToolCallStatus.Refused, text, text, TimeSpan.Zero);
            }
            Dictionary<string, object?> arguments;
            try
            {
                arguments = ReadArguments(tool, call.Arguments);
            }
            catch (ArgumentException ex)
            {
                return new ToolCallResult(call, ToolCallStatus.Failed, Messages.ToolNotRun(ex.Message), ex.Message, TimeSpan.Zero);
            }
            string commandLine = CommandLine(tool, arguments);
            cmdlet.WriteVerbose(Messages.ToolCalled(commandLine));
            if (tool.AsksFirst && !force)
            {
                bool whatIf = cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w) && w is SwitchParameter s && s.IsPresent
                    || LanguagePrimitives.IsTrue(cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference"));
                if (!whatIf && !Interactivity.IsInteractive(cmdlet))
                {
                    string text = Messages.ToolCannotAsk(tool.Command.Name);
                    return new ToolCallResult(call, ToolCallStatus.Refused, text, text, TimeSpan.Zero);
                }
                if (!cmdlet.ShouldProcess(commandLine, Messages.ToolShouldProcessAction))
                {
                    string text = Messages.ToolDeclined(commandLine);
                    return new ToolCallResult(call, ToolCallStatus.Declined, text, text, TimeSpan.Zero);
                }
            }
            return Invoke(cmdlet, tool, call, arguments, cancellationToken);
        }

        private static ToolCallResult Invoke(PSCmdlet cmdlet, CommandTool tool, ToolCall call, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand(tool.Command);
            foreach (KeyValuePair<string, object?> argument in arguments) shell.AddParameter(argument.Key, argument.Value);
            // The user has agreed (or -Force): the command does not ask again.
            if (tool.AsksFirst) shell.AddParameter("Confirm", false);
            Collection<PSObject> output;
            string? failure = null;
            using (cancellationToken.Register(() => shell.BeginStop(null, null)))
            {
                try
                {
                    output = shell.Invoke();
                }
                catch (RuntimeException ex)
                {
                    output = new Collection<PSObject>();
                    failure = ex.Message;
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            watch.Stop();
            var text = new StringBuilder();
            if (output.Count > 0)
            {
                foreach (InputItem item in new PipelineInputRenderer(cmdlet).Render(output.Where(o => o != null).ToList()))
                {
                    if (text.Length > 0) text.Append('\n');
                    text.Append(item.Text);
                }
            }
            var errors = shell.Streams.Error.Select(e => e.Exception?.Message ?? e.ToString()).ToList();
            if (failure != null) errors.Add(failure);
            if (errors.Count > 0)
            {
                if (text.Length > 0) text.Append("\n\n");
                text.Append(Messages.ToolErrors(string.Join("\n", errors)));
            }
            if (text.Length == 0) text.Append(Messages.ToolNoOutput);
            string result = text.Length <= OutputLimit
                ? text.ToString()
                : text.ToString(0, OutputLimit) + Messages.ToolOutputCut(OutputLimit, text.Length);
            ToolCallStatus status = failure != null || (errors.Count > 0 && output.Count == 0) ? ToolCallStatus.Failed : ToolCallStatus.Completed;
            cmdlet.WriteVerbose(Messages.ToolRan(tool.Command.Name, status, output.Count, watch.Elapsed.TotalMilliseconds));
            return new ToolCallResult(call, status, result, errors.Count > 0 ? string.Join("\n", errors) : null, watch.Elapsed);
        }

        /// <summary>The call's arguments as parameter values; ArgumentException for anything the command does not offer.</summary>
        private static Dictionary<string, object?> ReadArguments(CommandTool tool, string json)
        {
            var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            }
            catch (JsonException ex)
            {
                throw new ArgumentException(Messages.ToolArgumentsNotJson(ex.Message));
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object) throw new ArgumentException(Messages.ToolArgumentsNotObject);
                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    string name = property.Name.TrimStart('-');
                    string? known = tool.Parameters.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                    if (known is null)
                        throw new ArgumentException(Messages.ToolNoSuchParameter(tool.Command.Name, property.Name,
                            tool.Parameters.Count == 0 ? "none" : string.Join(", ", tool.Parameters.Keys)));
                    if (property.Value.ValueKind == JsonValueKind.Null) continue;
                    values[known] = PowerShellJson.ToValue(property.Value, objectsAsHashtables: true);
                }
            }
            return values;
        }

        /// <summary>The call as a command line, for -Verbose, -WhatIf and the confirmation prompt: Get-Process -Name 'pwsh'.</summary>
        private static string CommandLine(CommandTool tool, Dictionary<string, object?> arguments)
        {
            var line = new StringBuilder(tool.Command.Name);
            foreach (KeyValuePair<string, object?> argument in arguments)
            {
                line.Append(" -").Append(argument.Key);
                if (argument.Value is bool flag) line.Append(':').Append(flag ? "$true" : "$false");
                else line.Append(' ').Append(Literal(argument.Value));
            }
            return line.ToString();
        }

        private static string Literal(object? value) => value switch
        {
            null => "$null",
            string s => "'" + s.Replace("'", "''") + "'",
            long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            object?[] items => string.Join(", ", items.Select(Literal)),
            Hashtable table => "@{" + string.Join("; ", table.Keys.Cast<object>().Select(k => k + " = " + Literal(table[k]))) + "}",
            _ => value.ToString() ?? string.Empty,
        };

    }
}
