using System;
using System.Globalization;
using System.Security;

namespace Ally.Configuration
{
    /// <summary>Where a setting's effective value came from, lowest precedence first.</summary>
    public enum SettingSource
    {
        /// <summary>Ally's built-in default (or the provider's).</summary>
        Default,
        /// <summary>The user's ally.toml.</summary>
        UserFile,
        /// <summary>A project's ally.toml (the current folder or a parent).</summary>
        ProjectFile,
        /// <summary>An environment variable.</summary>
        Environment,
        /// <summary>A cmdlet parameter.</summary>
        Parameter,
    }

    /// <summary>The kind of TOML value an ally.toml key takes.</summary>
    public enum ConfigValueKind
    {
        /// <summary>A string.</summary>
        Text,
        /// <summary>An integer.</summary>
        Integer,
        /// <summary>An integer or a float.</summary>
        Number,
        /// <summary>true or false.</summary>
        Boolean,
        /// <summary>A table (or an inline table).</summary>
        Table,
        /// <summary>A string or an integer (Ollama's keep_alive: "10m" or -1).</summary>
        TextOrInteger,
    }

    /// <summary>Where a value came from: the kind of source and its detail (the variable, the file and line).</summary>
    public sealed class SettingOrigin
    {
        /// <summary>Creates an origin.</summary>
        public SettingOrigin(SettingSource source, string? detail)
        {
            Source = source;
            Detail = detail;
        }

        /// <summary>The built-in default.</summary>
        public static SettingOrigin Default { get; } = new SettingOrigin(SettingSource.Default, null);

        /// <summary>The kind of source.</summary>
        public SettingSource Source { get; }

        /// <summary>The parameter (-Model), the variable (ALLY_MODEL), or the file and line (path:3); null for a default.</summary>
        public string? Detail { get; }

        /// <summary>How messages name it: "-Model", "ALLY_MODEL", "ally.toml line 3", "the default".</summary>
        public string Describe() => Source switch
        {
            SettingSource.Default => "the default",
            _ => Detail ?? Source.ToString(),
        };

        /// <summary>The machine-readable form: Parameter, Environment:ALLY_MODEL, File:&lt;path&gt;:&lt;line&gt;, Default.</summary>
        public override string ToString() => Source switch
        {
            SettingSource.Parameter => "Parameter",
            SettingSource.Environment => "Environment:" + Detail,
            SettingSource.UserFile or SettingSource.ProjectFile => "File:" + Detail,
            _ => "Default",
        };
    }

    /// <summary>
    /// One setting, defined once: its name (also the cmdlet parameter that sets it), its environment
    /// variable and ally.toml key, and how a raw value (text from the environment or a file, or an
    /// already-typed parameter value) becomes a checked value — or an error naming the value, where
    /// it came from and what to do.
    /// </summary>
    public abstract class Setting
    {
        private protected Setting(string name, string? environmentVariable, string? configKey, string description, AllyErrorId? errorId, string remedy)
        {
            Name = name;
            EnvironmentVariable = environmentVariable;
            ConfigKey = configKey;
            Description = description;
            ErrorId = errorId ?? ErrorIds.InvalidSetting;
            Remedy = remedy;
        }

        /// <summary>The setting's name; the cmdlet parameter that sets it has the same name.</summary>
        public string Name { get; }

        /// <summary>The parameter that sets it (usually <see cref="Name"/>; the embedding settings are set by -Provider and -Model).</summary>
        public string ParameterName
        {
            get => _parameterName ?? Name;
            internal set => _parameterName = value;
        }

        private string? _parameterName;
        /// <summary>The environment variable that sets it, if any.</summary>
        public string? EnvironmentVariable { get; }
        /// <summary>The key in ally.toml that sets it, if any.</summary>
        public string? ConfigKey { get; }
        /// <summary>What it is for (one line).</summary>
        public string Description { get; }
        /// <summary>The error reported for a value that cannot be used.</summary>
        public AllyErrorId ErrorId { get; }
        /// <summary>What to do about a bad value.</summary>
        public string Remedy { get; }
        /// <summary>True for secrets: their values never appear in messages or listings.</summary>
        public virtual bool IsSecret => false;
        /// <summary>The kind of TOML value its ally.toml key takes.</summary>
        public abstract ConfigValueKind ConfigKind { get; }
        /// <summary>Checks a raw value as if it came from <paramref name="origin"/>; throws the setting's error when it cannot be used.</summary>
        public abstract void Check(object raw, SettingOrigin origin);
        /// <summary>Resolves the setting without knowing its type (listings); throws like <see cref="SettingsResolver.Resolve{T}"/>.</summary>
        public abstract (object? Value, SettingOrigin Origin) ResolveBoxed(SettingsResolver settings);
        /// <summary>The default as text for listings ("" when there is none or it depends on the provider).</summary>
        public abstract string DefaultText { get; }

        /// <summary>Hides the secret part of a text value in messages (the password of a proxy address), or null to show it as it is.</summary>
        internal Func<string, string>? MaskText { get; set; }

        /// <summary>True when <paramref name="text"/> holds something <see cref="MaskText"/> hides (a proxy's password): never written to or read from a file.</summary>
        internal bool HoldsSecret(string text) => MaskText != null && !string.Equals(MaskText(text), text, StringComparison.Ordinal);

        /// <summary><paramref name="text"/> as messages may show it (<see cref="MaskText"/> applied).</summary>
        internal string Shown(string text) => MaskText?.Invoke(text) ?? text;

        /// <summary>The error for a value of this setting that cannot be used.</summary>
        internal AllyException Invalid(object? raw, SettingOrigin origin, string why) =>
            new AllyException(ErrorId, Messages.InvalidSettingValue(IsSecret ? "The value" : raw is string text ? "'" + Messages.Excerpt(MaskText?.Invoke(text) ?? text) + "'" : Cap(Messages.DescribeValue(raw)),
                origin.Describe(), why), Remedy);

        private static string Cap(string text) => text.Length > 0 ? char.ToUpperInvariant(text[0]) + text.Substring(1) : text;
    }

    /// <summary>A setting whose checked value is a <typeparamref name="T"/>.</summary>
    public class Setting<T> : Setting
    {
        private readonly Func<string, ParseResult<T>> _parseText;
        private readonly Func<object, ParseResult<T>>? _convert;

        /// <summary>Creates a setting.</summary>
        /// <param name="name">Name, and the parameter that sets it.</param>
        /// <param name="environmentVariable">The environment variable, or null.</param>
        /// <param name="configKey">The ally.toml key, or null.</param>
        /// <param name="description">One line about it.</param>
        /// <param name="defaultValue">The value when nothing sets it.</param>
        /// <param name="parseText">Text (environment, file, string parameter) → value or problem.</param>
        /// <param name="remedy">What to do about a bad value.</param>
        /// <param name="convert">A typed parameter value → value or problem; by default a <typeparamref name="T"/> is taken as is (after <paramref name="parseText"/>'s checks for text).</param>
        /// <param name="errorId">The error for a bad value (default InvalidSetting).</param>
        public Setting(string name, string? environmentVariable, string? configKey, string description, T defaultValue,
            Func<string, ParseResult<T>> parseText, string remedy, Func<object, ParseResult<T>>? convert = null, AllyErrorId? errorId = null)
            : base(name, environmentVariable, configKey, description, errorId, remedy)
        {
            DefaultValue = defaultValue;
            _parseText = parseText;
            _convert = convert;
        }

        /// <summary>The value when nothing sets it.</summary>
        public T DefaultValue { get; }

        /// <inheritdoc />
        public override ConfigValueKind ConfigKind => ConfigKindOverride ?? KindOf(typeof(T));

        /// <summary>Set when the TOML kind is not the one <typeparamref name="T"/> suggests.</summary>
        internal ConfigValueKind? ConfigKindOverride { get; set; }

        /// <inheritdoc />
        public override string DefaultText => SettingText.Format(DefaultValue);

        /// <inheritdoc />
        public override void Check(object raw, SettingOrigin origin) => Parse(raw, origin);

        /// <inheritdoc />
        public override (object? Value, SettingOrigin Origin) ResolveBoxed(SettingsResolver settings)
        {
            Resolved<T> resolved = settings.Resolve(this);
            return (resolved.Value, resolved.Origin);
        }

        private static ConfigValueKind KindOf(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(int) || type == typeof(long) || type == typeof(TimeSpan)) return ConfigValueKind.Integer;
            if (type == typeof(double) || type == typeof(decimal) || type == typeof(float)) return ConfigValueKind.Number;
            if (type == typeof(bool)) return ConfigValueKind.Boolean;
            if (typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && type != typeof(string)) return ConfigValueKind.Table;
            return ConfigValueKind.Text;
        }

        /// <summary>Checks a raw value from <paramref name="origin"/>; throws <see cref="AllyException"/> (this setting's error id) when it cannot be used.</summary>
        public ParseResult<T> Parse(object raw, SettingOrigin origin)
        {
            // The same text (an environment variable read on every call) is parsed once.
            if (raw is string same && _last is LastParse last && string.Equals(last.Text, same, StringComparison.Ordinal)) return last.Result;
            ParseResult<T> result = raw is string text ? _parseText(text.Trim())
                : _convert != null ? _convert(raw)
                : raw is T typed ? ParseResult<T>.Ok(typed)
                : ParseResult<T>.Fail(Messages.WrongKind(raw));
            if (!result.Success) throw Invalid(raw, origin, result.Problem!);
            if (raw is string parsed && CacheParsedText) _last = new LastParse(parsed, result);
            return result;
        }

        /// <summary>Whether a value parsed from text may be kept for the next call with the same text (not for secrets).</summary>
        protected virtual bool CacheParsedText => true;

        private LastParse? _last;

        private sealed class LastParse
        {
            public LastParse(string text, ParseResult<T> result)
            {
                Text = text;
                Result = result;
            }

            public string Text { get; }
            public ParseResult<T> Result { get; }
        }
    }

    /// <summary>A setting whose value is read from a file: parsed afresh each time, so a changed file is seen (the parser may keep what it read).</summary>
    public sealed class FileSetting<T> : Setting<T>
    {
        /// <summary>Creates the setting (see <see cref="Setting{T}"/>).</summary>
        public FileSetting(string name, string? environmentVariable, string? configKey, string description, T defaultValue,
            Func<string, ParseResult<T>> parseText, string remedy)
            : base(name, environmentVariable, configKey, description, defaultValue, parseText, remedy)
        {
        }

        /// <inheritdoc />
        protected override bool CacheParsedText => false;
    }

    /// <summary>A secret setting (an API key): never shown, never echoed in a message.</summary>
    public sealed class SecretSetting : Setting<ApiKey?>
    {
        /// <summary>Creates a secret setting read from <paramref name="environmentVariable"/> (or a SecureString parameter).</summary>
        public SecretSetting(string name, string environmentVariable, string description, string remedy)
            : base(name, environmentVariable, null, description, null,
                text => text.Length == 0 ? ParseResult<ApiKey?>.Fail("it is empty") : ParseResult<ApiKey?>.Ok(ApiKey.FromPlainText(text, environmentVariable)),
                remedy,
                value => value is SecureString secure
                    ? secure.Length == 0 ? ParseResult<ApiKey?>.Fail("it is empty") : ParseResult<ApiKey?>.Ok(new ApiKey(secure, "-" + name))
                    : value is ApiKey key ? ParseResult<ApiKey?>.Ok(key) : ParseResult<ApiKey?>.Fail("it is not a SecureString"))
        {
        }

        /// <summary>A key is read afresh each time: it is never kept between commands.</summary>
        protected override bool CacheParsedText => false;

        /// <inheritdoc />
        public override bool IsSecret => true;
    }

    /// <summary>The outcome of checking a raw value: the value (and a warning, if any), or what is wrong with it.</summary>
    public readonly struct ParseResult<T>
    {
        private ParseResult(bool success, T value, string? problem, string? warning)
        {
            Success = success;
            Value = value;
            Problem = problem;
            Warning = warning;
        }

        /// <summary>True when the value can be used.</summary>
        public bool Success { get; }
        /// <summary>The checked value.</summary>
        public T Value { get; }
        /// <summary>Why it cannot be used ("it is not a whole number").</summary>
        public string? Problem { get; }
        /// <summary>Something the user should know although the value is used (e.g. a bad port replaced by the default).</summary>
        public string? Warning { get; }

        /// <summary>A usable value.</summary>
        public static ParseResult<T> Ok(T value, string? warning = null) => new ParseResult<T>(true, value, null, warning);
        /// <summary>An unusable value and why.</summary>
        public static ParseResult<T> Fail(string problem) => new ParseResult<T>(false, default!, problem, null);
    }

    /// <summary>A setting's effective value and where it came from.</summary>
    public sealed class Resolved<T>
    {
        internal Resolved(Setting<T> setting, T value, SettingOrigin origin, string? warning)
        {
            Setting = setting;
            Value = value;
            Origin = origin;
            Warning = warning;
        }

        /// <summary>Which setting this is.</summary>
        public Setting<T> Setting { get; }
        /// <summary>The effective value.</summary>
        public T Value { get; }
        /// <summary>Where it came from.</summary>
        public SettingOrigin Origin { get; }
        /// <summary>A warning about the value (e.g. OLLAMA_HOST with a bad port), or null.</summary>
        public string? Warning { get; }
        /// <summary>True when nothing set it.</summary>
        public bool IsDefault => Origin.Source == SettingSource.Default;
    }
}
