namespace Ally
{
    /// <summary>One effective setting (Get-AllyConfiguration): its value and where the value came from.</summary>
    public sealed class ConfigurationSetting
    {
        internal ConfigurationSetting(string name) => Name = name;

        /// <summary>The setting's name (also the cmdlet parameter that sets it, where one does).</summary>
        public string Name { get; }
        /// <summary>Its key in ally.toml (provider.model), or null when only a variable or parameter sets it.</summary>
        public string? Key { get; internal set; }
        /// <summary>The effective value as text; for a secret only "(set)" or null, never the secret.</summary>
        public string? Value { get; internal set; }
        /// <summary>Where the value came from: Parameter, Environment:ALLY_MODEL, File:&lt;path&gt;:&lt;line&gt;, Default.</summary>
        public string Source { get; internal set; } = "Default";
        /// <summary>The environment variable that sets it, if any.</summary>
        public string? EnvironmentVariable { get; internal set; }
        /// <summary>The built-in default as text ("" when it depends on the provider or there is none).</summary>
        public string? Default { get; internal set; }
        /// <summary>What it is for.</summary>
        public string? Description { get; internal set; }
        /// <summary>True for secrets (API keys): their values are never shown.</summary>
        public bool IsSecret { get; internal set; }
        /// <summary>Why the value from <see cref="Source"/> cannot be used, or null.</summary>
        public string? Problem { get; internal set; }
    }

    /// <summary>How one check of Test-AllyConfiguration came out.</summary>
    public enum ConfigurationCheckStatus
    {
        /// <summary>Fine.</summary>
        Passed,
        /// <summary>For information: something Ally does not use, or a server-side setting.</summary>
        Info,
        /// <summary>Works, but something is ignored or likely not what was meant.</summary>
        Warning,
        /// <summary>Ally cannot work this way; the remedy says what to do.</summary>
        Failed,
    }

    /// <summary>One check of Test-AllyConfiguration: what was checked, how it came out, and what to do.</summary>
    public sealed class ConfigurationCheck
    {
        internal ConfigurationCheck(string check, ConfigurationCheckStatus status, string message, string? remedy = null, string? target = null)
        {
            Check = check;
            Status = status;
            Message = message;
            Remedy = remedy;
            Target = target;
        }

        /// <summary>What was checked: File, Setting, Chat, Embeddings, Environment, Provider.</summary>
        public string Check { get; }
        /// <summary>How it came out.</summary>
        public ConfigurationCheckStatus Status { get; }
        /// <summary>The setting, file or provider checked.</summary>
        public string? Target { get; }
        /// <summary>What was found.</summary>
        public string Message { get; }
        /// <summary>What to do about it, or null.</summary>
        public string? Remedy { get; }
        /// <summary>The error id of a failure (as scripts match on), or null.</summary>
        public string? ErrorId { get; internal set; }
    }
}

namespace Ally
{
    /// <summary>Which ally.toml Set-AllyConfiguration writes.</summary>
    public enum ConfigurationScope
    {
        /// <summary>The file ALLY_CONFIG names, else the user's ally.toml.</summary>
        User,
        /// <summary>The project's ally.toml: the nearest one from the current folder, else a new one there.</summary>
        Project,
    }
}
