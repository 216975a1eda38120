using System;
using System.Linq;
using System.Management.Automation;
using Ally.Configuration;
using Ally.PowerShell.Completers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets Ally's effective settings: each value and where it came from (parameter, environment variable, ally.toml line, default).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AllyConfiguration")]
    [OutputType(typeof(ConfigurationSetting))]
    public sealed class GetAllyConfigurationCommand : AllyCmdlet
    {
        /// <summary>Settings to show, by ally.toml key, name or environment variable; wildcards allowed. Default: all.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Key")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConfigKeyCompleter))]
        public string[]? Name { get; set; }

        private System.Collections.Generic.IReadOnlyList<ConfigurationSetting>? _rows;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            SettingsResolver settings = Settings;
            if (_rows is null)
            {
                foreach (string path in new[] { settings.Files.Project?.Path, settings.Files.User?.Path }.Where(p => p != null))
                    WriteVerbose(Messages.ConfigFileRead(path!, path == settings.Files.UserPath ? "user" : "project"));
                _rows = ConfigurationReport.Settings(settings);
            }
            if (Name is null)
            {
                foreach (ConfigurationSetting row in _rows) WriteObject(row);
                return;
            }
            foreach (string pattern in Name)
            {
                var match = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                bool any = false;
                foreach (ConfigurationSetting row in _rows)
                {
                    if (!(match.IsMatch(row.Name) || (row.Key != null && match.IsMatch(row.Key)) || (row.EnvironmentVariable != null && match.IsMatch(row.EnvironmentVariable)))) continue;
                    any = true;
                    WriteObject(row);
                }
                if (!any && !WildcardPattern.ContainsWildcardCharacters(pattern))
                    WriteError(ToErrorRecord(ConfigCommands.UnknownKey(pattern), pattern));
            }
        }
    }

    /// <summary>What the configuration cmdlets share.</summary>
    internal static class ConfigCommands
    {
        /// <summary>The error for a key ally.toml does not have, with the nearest one.</summary>
        public static AllyException UnknownKey(string key)
        {
            string? nearest = ConfigKeys.Nearest(key);
            return new AllyException(ErrorIds.UnknownConfigKey, Messages.NoSuchConfigKey(key, nearest), Messages.NoSuchConfigKeyRemedy);
        }
    }
}
