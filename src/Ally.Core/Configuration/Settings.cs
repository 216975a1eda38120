using System;
using System.Collections.Generic;
using System.Linq;

namespace Ally.Configuration
{
    /// <summary>Where a setting's effective value came from, lowest precedence first.</summary>
    public enum SettingSource
    {
        /// <summary>Ally's built-in default.</summary>
        Default,
        /// <summary>The configuration file.</summary>
        ConfigFile,
        /// <summary>An environment variable.</summary>
        Environment,
        /// <summary>A cmdlet parameter.</summary>
        Parameter,
    }

    /// <summary>One named setting: the parameter, environment variable and config key that can set it.</summary>
    public sealed class SettingDefinition
    {
        internal SettingDefinition(string name, string? environmentVariable, string? configKey, string? defaultValue)
        {
            Name = name;
            EnvironmentVariable = environmentVariable;
            ConfigKey = configKey;
            DefaultValue = defaultValue;
        }

        /// <summary>The setting's name, also the cmdlet parameter that sets it.</summary>
        public string Name { get; }
        /// <summary>The environment variable that sets it, if any.</summary>
        public string? EnvironmentVariable { get; }
        /// <summary>The key in ally.toml that sets it, if any.</summary>
        public string? ConfigKey { get; }
        /// <summary>The value used when nothing else sets it.</summary>
        public string? DefaultValue { get; }
    }

    /// <summary>A setting's effective value and where it came from.</summary>
    public sealed class ResolvedSetting
    {
        internal ResolvedSetting(SettingDefinition definition, string? value, SettingSource source)
        {
            Definition = definition;
            Value = value;
            Source = source;
        }

        /// <summary>Which setting this is.</summary>
        public SettingDefinition Definition { get; }
        /// <summary>The setting's name.</summary>
        public string Name => Definition.Name;
        /// <summary>The effective value (null when unset and without default).</summary>
        public string? Value { get; }
        /// <summary>Where the value came from.</summary>
        public SettingSource Source { get; }

        /// <summary>Human-readable origin, e.g. "-Model", "ALLY_MODEL", "the default".</summary>
        public string Origin => Source switch
        {
            SettingSource.Parameter => "-" + Name,
            SettingSource.Environment => Definition.EnvironmentVariable ?? "the environment",
            SettingSource.ConfigFile => "ally.toml " + Definition.ConfigKey,
            _ => "the default",
        };
    }

    /// <summary>
    /// The one settings model: parameter &gt; environment variable &gt; config file &gt; default.
    /// Every cmdlet and provider reads its settings through here, so a config file (or any new
    /// source) feeds all of them at once.
    /// </summary>
    public sealed class SettingsResolver
    {
        /// <summary>The chat provider (ollama).</summary>
        public static readonly SettingDefinition Provider = new SettingDefinition("Provider", "ALLY_PROVIDER", "provider.name", "ollama");
        /// <summary>The chat model.</summary>
        public static readonly SettingDefinition Model = new SettingDefinition("Model", "ALLY_MODEL", "provider.model", "llama3.1");
        /// <summary>Ollama's address, parsed like Ollama parses it.</summary>
        public static readonly SettingDefinition OllamaHost = new SettingDefinition("OllamaHost", "OLLAMA_HOST", "ollama.host", null);
        /// <summary>The OpenRouter (or other OpenAI-compatible) API base address.</summary>
        public static readonly SettingDefinition OpenRouterBaseUrl = new SettingDefinition("OpenRouterBaseUrl", "ALLY_OPENROUTER_BASE_URL", "openrouter.base_url", "https://openrouter.ai/api/v1");
        /// <summary>OpenRouter app attribution: the HTTP-Referer header.</summary>
        public static readonly SettingDefinition OpenRouterReferer = new SettingDefinition("OpenRouterReferer", "ALLY_OPENROUTER_REFERER", "openrouter.referer", "https://github.com/ally-pwsh/Ally");
        /// <summary>OpenRouter app attribution: the X-OpenRouter-Title header.</summary>
        public static readonly SettingDefinition OpenRouterTitle = new SettingDefinition("OpenRouterTitle", "ALLY_OPENROUTER_TITLE", "openrouter.title", "Ally (PowerShell)");
        /// <summary>The SecretManagement vault that holds API keys (consulted only when set).</summary>
        public static readonly SettingDefinition SecretVault = new SettingDefinition("SecretVault", "ALLY_SECRET_VAULT", "secrets.vault", null);
        /// <summary>Retries of a transient failure.</summary>
        public static readonly SettingDefinition MaxRetry = new SettingDefinition("MaxRetry", "ALLY_MAX_RETRY", "limits.max_retry", "3");
        /// <summary>Spending limit of one -ForEach run, in USD.</summary>
        public static readonly SettingDefinition MaxCost = new SettingDefinition("MaxCost", "ALLY_MAX_COST", "limits.max_cost", null);
        /// <summary>Where Ally keeps its caches (model names for tab completion); default: the user's local data folder, Ally/cache.</summary>
        public static readonly SettingDefinition CacheDirectory = new SettingDefinition("CacheDirectory", "ALLY_CACHE_DIR", null, null);
        /// <summary>Maximum tokens to generate.</summary>
        public static readonly SettingDefinition MaxTokens = new SettingDefinition("MaxTokens", null, "limits.max_tokens", null);
        /// <summary>Whole-request time limit in seconds (0 = none).</summary>
        public static readonly SettingDefinition TimeoutSec = new SettingDefinition("TimeoutSec", null, "limits.timeout_seconds", null);

        /// <summary>Every setting Ally knows, in display order.</summary>
        public static IReadOnlyList<SettingDefinition> All { get; } = new[] { Provider, Model, OllamaHost, OpenRouterBaseUrl, OpenRouterReferer, OpenRouterTitle, SecretVault, MaxRetry, MaxCost, CacheDirectory, MaxTokens, TimeoutSec };

        private readonly IReadOnlyDictionary<string, string?> _parameters;
        private readonly Func<string, string?> _environment;
        private readonly IReadOnlyDictionary<string, string?> _configFile;

        /// <summary>Creates a resolver over the given sources.</summary>
        /// <param name="parameters">Values the user passed as parameters, keyed by setting name.</param>
        /// <param name="environment">Reads an environment variable; defaults to the process environment.</param>
        /// <param name="configFile">Values from the configuration file, keyed by config key.</param>
        public SettingsResolver(IReadOnlyDictionary<string, string?>? parameters = null, Func<string, string?>? environment = null,
            IReadOnlyDictionary<string, string?>? configFile = null)
        {
            _parameters = parameters ?? new Dictionary<string, string?>();
            _environment = environment ?? Environment.GetEnvironmentVariable;
            _configFile = configFile ?? new Dictionary<string, string?>();
        }

        /// <summary>Reads an environment variable through this resolver's environment.</summary>
        public string? GetEnvironmentVariable(string name) => _environment(name);

        /// <summary>Resolves one setting. Empty or whitespace values count as unset.</summary>
        public ResolvedSetting Resolve(SettingDefinition definition)
        {
            if (_parameters.TryGetValue(definition.Name, out string? p) && !string.IsNullOrWhiteSpace(p))
                return new ResolvedSetting(definition, p, SettingSource.Parameter);
            if (definition.EnvironmentVariable is string envName)
            {
                string? e = _environment(envName);
                if (!string.IsNullOrWhiteSpace(e)) return new ResolvedSetting(definition, e!.Trim(), SettingSource.Environment);
            }
            if (definition.ConfigKey is string key && _configFile.TryGetValue(key, out string? c) && !string.IsNullOrWhiteSpace(c))
                return new ResolvedSetting(definition, c, SettingSource.ConfigFile);
            return new ResolvedSetting(definition, definition.DefaultValue, SettingSource.Default);
        }

        /// <summary>Resolves every known setting.</summary>
        public IReadOnlyList<ResolvedSetting> ResolveAll() => All.Select(Resolve).ToList();
    }
}
