using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace Ally.PowerShell.Tools
{
    /// <summary>Lets -Tool take command names as well as what Get-Command returns: Get-Process, 'Get-Service', (Get-Command Stop-Service).</summary>
    internal sealed class ToolTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (inputData is null) return null;
            var commands = new List<CommandInfo>();
            IEnumerable items = inputData is PSObject ps && ps.BaseObject is IEnumerable e && !(ps.BaseObject is string)
                ? e
                : inputData is IEnumerable list && !(inputData is string) ? list : new[] { inputData };
            foreach (object? item in items)
            {
                object? value = item is PSObject p ? p.BaseObject : item;
                switch (value)
                {
                    case CommandInfo command:
                        commands.Add(command);
                        break;
                    case string name when name.Trim().Length > 0:
                        CommandInfo? found = engineIntrinsics.InvokeCommand.GetCommand(name.Trim(),
                            CommandTypes.Cmdlet | CommandTypes.Function | CommandTypes.Filter | CommandTypes.Alias | CommandTypes.ExternalScript);
                        commands.Add(found ?? throw new ArgumentTransformationMetadataException(
                            $"There is no command named '{name}' in this session. Give commands by name or with Get-Command (Import-Module a module's commands first)."));
                        break;
                    default:
                        throw new ArgumentTransformationMetadataException(
                            $"-Tool takes commands: names, or what Get-Command returns; not {(value is null ? "$null" : value.GetType().Name)}.");
                }
            }
            return commands.ToArray();
        }
    }
}
