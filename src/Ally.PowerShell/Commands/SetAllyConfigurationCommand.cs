using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using Ally.Configuration;
using Ally.PowerShell.Completers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets a setting in ally.toml (the user file, or the project's with -Scope Project), keeping the file's comments, order and other keys.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AllyConfiguration", SupportsShouldProcess = true)]
    [OutputType(typeof(ConfigurationSetting))]
    public sealed class SetAllyConfigurationCommand : AllyCmdlet
    {
        /// <summary>The ally.toml key, e.g. provider.model, limits.max_tokens, ollama.options.num_ctx.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConfigKeyCompleter))]
        public string Key { get; set; } = string.Empty;

        /// <summary>The value: text, a number or $true/$false (a hashtable for ollama.options sets each option).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public object Value { get; set; } = string.Empty;

        /// <summary>User (default): the file ALLY_CONFIG names, else the user's ally.toml. Project: the project's ally.toml (the nearest one, else one in the current folder).</summary>
        [Parameter]
        public ConfigurationScope Scope { get; set; } = ConfigurationScope.User;

        /// <summary>Return the setting as it now resolves.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            string key = Key.Trim();
            if (ConfigKeys.LooksLikeSecret(key))
            {
                WriteError(ToErrorRecord(new AllyException(ErrorIds.ApiKeyInConfigFile, Messages.SecretNotWritten(key), Messages.ApiKeyInConfigFileRemedy), key));
                return;
            }
            if (!(ConfigKeys.Find(key, out _) is ConfigKeys.Key found))
            {
                WriteError(ToErrorRecord(ConfigCommands.UnknownKey(key), key));
                return;
            }

            object value = Value is PSObject ps ? ps.BaseObject : Value;
            var pairs = new System.Collections.Generic.List<(string Key, object Value)>();
            try
            {
                if (value is IDictionary table && found.Kind == ConfigValueKind.Table)
                {
                    foreach (DictionaryEntry entry in table)
                    {
                        string member = found.Name + "." + entry.Key;
                        pairs.Add((member, ConfigFileEditor.ToTomlValue(member, entry.Value is PSObject p ? p.BaseObject : entry.Value ?? string.Empty)));
                    }
                }
                else
                {
                    string full = found.Kind == ConfigValueKind.Table && !string.Equals(key, found.Name, StringComparison.OrdinalIgnoreCase) ? key : found.Name;
                    pairs.Add((full, ConfigFileEditor.ToTomlValue(full, value)));
                }
            }
            catch (AllyException ex)
            {
                WriteError(ToErrorRecord(ex, Value is string text ? found.Setting.Shown(text) : Value));
                return;
            }

            ConfigLayers files = ConfigFilesHere();
            string path = Scope == ConfigurationScope.Project
                ? files.ProjectPath ?? Path.Combine(CurrentFolder(SessionState) ?? Environment.CurrentDirectory, ConfigFiles.FileName)
                : files.UserPath;
            foreach ((string pairKey, object pairValue) in pairs)
            {
                // A proxy address's password is written, never shown.
                string shown = found.Setting.Shown(SettingText.Format(pairValue));
                if (!ShouldProcess(path, Messages.SetConfigAction(pairKey, shown))) continue;
                try
                {
                    ConfigFileEditor.Write(path, pairKey, pairValue);
                }
                catch (AllyException ex)
                {
                    WriteError(ToErrorRecord(ex, path));
                    return;
                }
                WriteVerbose(Messages.SetConfigAction(pairKey, shown) + " in " + path);
            }

            // What now wins: a variable or a nearer file may still override what was written.
            SettingsResolver after = SettingsResolver.Create(null, null, ConfigFilesHere());
            if (after.Find(found.Setting) is SettingOrigin origin && origin.Source > (Scope == ConfigurationScope.Project ? SettingSource.ProjectFile : SettingSource.UserFile)
                && !MyInvocation.BoundParameters.ContainsKey("WhatIf"))
            {
                WriteWarning(Messages.OverriddenAfterSet(found.Name, path, origin.Describe()));
            }
            if (PassThru)
            {
                foreach (ConfigurationSetting row in ConfigurationReport.Settings(after))
                {
                    if (row.Key == found.Name) WriteObject(row);
                }
            }
        }
    }
}
