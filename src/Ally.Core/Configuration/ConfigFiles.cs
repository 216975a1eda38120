using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace Ally.Configuration
{
    /// <summary>
    /// The ally.toml files in effect: the user file (ALLY_CONFIG, else the user's config folder) and
    /// a project file (ally.toml in the current folder or the nearest parent that has one), which
    /// overrides it. A file is parsed once and read again only when it changes (its time and size),
    /// so a command or a completer costs a few file-system checks, not a parse.
    /// </summary>
    public static class ConfigFiles
    {
        /// <summary>The file name looked for.</summary>
        public const string FileName = "ally.toml";

        private static readonly ConcurrentDictionary<string, Cached> Cache = new ConcurrentDictionary<string, Cached>(StringComparer.Ordinal);
        private static readonly ConcurrentDictionary<string, bool> MissingReported = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        /// <summary>
        /// The files in effect from <paramref name="currentDirectory"/> (PowerShell's current folder),
        /// reading variables through <paramref name="environment"/>. Throws ConfigFileSyntax,
        /// ApiKeyInConfigFile or ConfigFileAccess for a file that cannot be used.
        /// </summary>
        public static ConfigLayers Discover(string? currentDirectory, Func<string, string?>? environment = null)
        {
            environment ??= Environment.GetEnvironmentVariable;
            var warnings = new List<string>();
            string? explicitPath = environment("ALLY_CONFIG");
            bool fromVariable = !string.IsNullOrWhiteSpace(explicitPath);
            string userPath = fromVariable ? Path.GetFullPath(ExpandHome(explicitPath!.Trim(), environment)) : DefaultUserPath(environment);
            ConfigFile? user = Load(userPath, SettingSource.UserFile, warnings);
            if (user is null && fromVariable && MissingReported.TryAdd(userPath, true)) warnings.Add(Messages.ConfigFileMissing(userPath));

            string? projectPath = FindProjectFile(currentDirectory, userPath);
            ConfigFile? project = projectPath is null ? null : Load(projectPath, SettingSource.ProjectFile, warnings);
            return new ConfigLayers(user, project, userPath, fromVariable, projectPath, warnings);
        }

        /// <summary>The user file when ALLY_CONFIG is not set: %APPDATA%\Ally\ally.toml on Windows, $XDG_CONFIG_HOME/ally/ally.toml (default ~/.config) elsewhere.</summary>
        public static string DefaultUserPath(Func<string, string?>? environment = null)
        {
            environment ??= Environment.GetEnvironmentVariable;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                string appData = environment("APPDATA") ?? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
                return Path.Combine(appData, "Ally", FileName);
            }
            string? xdg = environment("XDG_CONFIG_HOME");
            string config = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
                ? xdg!
                : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(config, "ally", FileName);
        }

        /// <summary>The ally.toml of <paramref name="directory"/> or its nearest parent that has one (not the user file itself).</summary>
        public static string? FindProjectFile(string? directory, string userPath)
        {
            if (string.IsNullOrEmpty(directory)) return null;
            DirectoryInfo? folder;
            try
            {
                folder = new DirectoryInfo(directory);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is IOException || ex is NotSupportedException || ex is System.Security.SecurityException)
            {
                return null;
            }
            for (; folder != null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, FileName);
                if (File.Exists(candidate)) return PathsEqual(candidate, userPath) ? null : candidate;
            }
            return null;
        }

        private static bool PathsEqual(string a, string b) =>
            string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

        private static string ExpandHome(string path, Func<string, string?> environment)
        {
            if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
            {
                string home = environment("HOME") ?? environment("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                return home + path.Substring(1);
            }
            return path;
        }

        /// <summary>The parsed file, from the cache while its time and size are unchanged; null when it does not exist.</summary>
        private static ConfigFile? Load(string path, SettingSource scope, List<string> warnings)
        {
            var info = new FileInfo(path);
            if (!info.Exists) return null;
            var stamp = (info.LastWriteTimeUtc.Ticks, info.Length, scope);
            if (Cache.TryGetValue(path, out Cached? cached) && cached.Stamp == stamp) return cached.File ?? throw cached.Error!;

            ConfigFile? file = null;
            AllyException? error = null;
            try
            {
                string text;
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new AllyException(ErrorIds.ConfigFileAccess, Messages.ConfigFileUnreadable(path, ex.Message), Messages.ConfigFileAccessRemedy);
                }
                file = ConfigFile.Parse(path, text, scope);
                warnings.AddRange(file.Warnings);
            }
            catch (AllyException ex)
            {
                error = ex;
            }
            Cache[path] = new Cached(stamp, file, error);
            return file ?? throw error!;
        }

        /// <summary>Forgets every parsed file (tests; Set-AllyConfiguration does not need it: a write changes the file's time).</summary>
        internal static void ClearCache()
        {
            Cache.Clear();
            MissingReported.Clear();
        }

        private sealed class Cached
        {
            public Cached((long, long, SettingSource) stamp, ConfigFile? file, AllyException? error)
            {
                Stamp = stamp;
                File = file;
                Error = error;
            }

            public (long, long, SettingSource) Stamp { get; }
            public ConfigFile? File { get; }
            public AllyException? Error { get; }
        }
    }

    /// <summary>The ally.toml files in effect for one command, and the warnings of those just read.</summary>
    public sealed class ConfigLayers
    {
        internal ConfigLayers(ConfigFile? user, ConfigFile? project, string userPath, bool userPathFromVariable, string? projectPath, IReadOnlyList<string> warnings)
        {
            User = user;
            Project = project;
            UserPath = userPath;
            UserPathFromVariable = userPathFromVariable;
            ProjectPath = projectPath;
            Warnings = warnings;
        }

        /// <summary>No files (tests, or a command that must not read any).</summary>
        public static ConfigLayers None { get; } = new ConfigLayers(null, null, string.Empty, false, null, Array.Empty<string>());

        /// <summary>The user file, if it exists.</summary>
        public ConfigFile? User { get; }
        /// <summary>The project file, if one was found.</summary>
        public ConfigFile? Project { get; }
        /// <summary>Where the user file is (or would be).</summary>
        public string UserPath { get; }
        /// <summary>True when ALLY_CONFIG named the user file.</summary>
        public bool UserPathFromVariable { get; }
        /// <summary>The project file's path, if one was found.</summary>
        public string? ProjectPath { get; }
        /// <summary>Warnings of files read for this command (a file's warnings are given once, when it is read).</summary>
        public IReadOnlyList<string> Warnings { get; }

        /// <summary>The files as setting sources, highest precedence first: project, then user.</summary>
        public IEnumerable<ISettingSource> Sources
        {
            get
            {
                if (Project != null) yield return new ConfigFileSource(Project);
                if (User != null) yield return new ConfigFileSource(User);
            }
        }
    }

    /// <summary>One ally.toml file as a source of settings (by each setting's ConfigKey).</summary>
    public sealed class ConfigFileSource : ISettingSource
    {
        /// <summary>Creates the source.</summary>
        public ConfigFileSource(ConfigFile file) => File = file;

        /// <summary>The file.</summary>
        public ConfigFile File { get; }

        /// <inheritdoc />
        public bool TryGet(Setting setting, out object raw, out SettingOrigin origin)
        {
            raw = null!;
            origin = SettingOrigin.Default;
            if (setting.ConfigKey is null || !File.TryGet(setting.ConfigKey, out ConfigEntry entry) || entry.Value is null) return false;
            raw = entry.Value;
            origin = new SettingOrigin(File.Scope, File.Where(entry.Line));
            return true;
        }
    }
}
