using System;
using System.Collections.Generic;

namespace Ally.Configuration
{
    /// <summary>A place settings come from: cmdlet parameters, the environment, ally.toml files.</summary>
    public interface ISettingSource
    {
        /// <summary>The raw value this source holds for <paramref name="setting"/>, and where exactly it came from; false when it holds none.</summary>
        bool TryGet(Setting setting, out object raw, out SettingOrigin origin);
    }

    /// <summary>Values the user passed as parameters, keyed by setting name. Null and empty strings count as not given.</summary>
    public sealed class ParameterSource : ISettingSource
    {
        private readonly IReadOnlyDictionary<string, object?> _values;

        /// <summary>Creates the source.</summary>
        public ParameterSource(IReadOnlyDictionary<string, object?> values) => _values = values;

        /// <inheritdoc />
        public bool TryGet(Setting setting, out object raw, out SettingOrigin origin)
        {
            origin = SettingOrigin.Default;
            raw = null!;
            if (!_values.TryGetValue(setting.ParameterName, out object? value) || value is null) return false;
            if (value is string s && s.Trim().Length == 0) return false;
            raw = value;
            origin = new SettingOrigin(SettingSource.Parameter, "-" + setting.ParameterName);
            return true;
        }
    }

    /// <summary>Environment variables (the process's, or a stand-in for tests). Blank values count as unset.</summary>
    public sealed class EnvironmentSource : ISettingSource
    {
        private readonly Func<string, string?> _read;

        /// <summary>Reads through <paramref name="read"/>; by default the process environment.</summary>
        public EnvironmentSource(Func<string, string?>? read = null) => _read = read ?? Environment.GetEnvironmentVariable;

        /// <summary>Reads one variable.</summary>
        public string? Read(string name) => _read(name);

        /// <inheritdoc />
        public bool TryGet(Setting setting, out object raw, out SettingOrigin origin)
        {
            raw = null!;
            origin = SettingOrigin.Default;
            if (setting.EnvironmentVariable is null) return false;
            string? value = _read(setting.EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value)) return false;
            raw = value!;
            origin = new SettingOrigin(SettingSource.Environment, setting.EnvironmentVariable);
            return true;
        }
    }

    /// <summary>
    /// The one settings model: every setting of every cmdlet is read through here, from an ordered list
    /// of sources (parameter &gt; environment &gt; project file &gt; user file), then the default. The
    /// first source that holds a value wins; the value is checked by the setting's own parser, so a bad
    /// value fails with the setting's error, naming where it came from, before any network call.
    /// </summary>
    public sealed class SettingsResolver
    {
        private readonly IReadOnlyList<ISettingSource> _sources;

        /// <summary>A resolver over <paramref name="sources"/>, highest precedence first.</summary>
        public SettingsResolver(IReadOnlyList<ISettingSource> sources)
        {
            _sources = sources;
            foreach (ISettingSource source in sources)
            {
                if (source is EnvironmentSource environment) Environment = environment;
            }
            Environment ??= new EnvironmentSource(_ => null);
        }

        /// <summary>
        /// The usual sources: <paramref name="parameters"/> (by setting name), then the environment, then
        /// the project's and the user's ally.toml (<paramref name="files"/>).
        /// </summary>
        public static SettingsResolver Create(IReadOnlyDictionary<string, object?>? parameters = null, Func<string, string?>? environment = null, ConfigLayers? files = null)
        {
            var sources = new List<ISettingSource>(4);
            if (parameters != null) sources.Add(new ParameterSource(parameters));
            sources.Add(new EnvironmentSource(environment));
            if (files != null) sources.AddRange(files.Sources);
            return new SettingsResolver(sources) { Files = files ?? ConfigLayers.None };
        }

        /// <summary>The ally.toml files this resolver reads (none when it was built without them).</summary>
        public ConfigLayers Files { get; private set; } = ConfigLayers.None;

        /// <summary>The environment this resolver reads.</summary>
        public EnvironmentSource Environment { get; }

        /// <summary>Resolves a setting; <paramref name="fallback"/>, when given, replaces the setting's own default (e.g. a provider's default model).</summary>
        public Resolved<T> Resolve<T>(Setting<T> setting, Func<T>? fallback = null)
        {
            foreach (ISettingSource source in _sources)
            {
                if (!source.TryGet(setting, out object raw, out SettingOrigin origin)) continue;
                ParseResult<T> parsed = setting.Parse(raw, origin);
                return new Resolved<T>(setting, parsed.Value, origin, parsed.Warning);
            }
            return new Resolved<T>(setting, fallback is null ? setting.DefaultValue : fallback(), SettingOrigin.Default, null);
        }

        /// <summary>Where the value of <paramref name="setting"/> comes from, without checking it; null when nothing sets it.</summary>
        public SettingOrigin? Find(Setting setting)
        {
            foreach (ISettingSource source in _sources)
            {
                if (source.TryGet(setting, out _, out SettingOrigin origin)) return origin;
            }
            return null;
        }

        /// <summary>True when some source sets <paramref name="setting"/>.</summary>
        public bool IsSet(Setting setting)
        {
            foreach (ISettingSource source in _sources)
            {
                if (source.TryGet(setting, out _, out _)) return true;
            }
            return false;
        }
    }
}
