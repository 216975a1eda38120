using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Ally.Configuration
{
    /// <summary>One value of an ally.toml file: its full key (provider.model), value and 1-based line.</summary>
    public sealed class ConfigEntry
    {
        internal ConfigEntry(string key, object? value, int line)
        {
            Key = key;
            Value = value;
            Line = line;
        }

        /// <summary>The full dotted key, e.g. provider.model.</summary>
        public string Key { get; }
        /// <summary>string, long, double, bool, a table (IReadOnlyDictionary) or an array (object[]).</summary>
        public object? Value { get; }
        /// <summary>The line the value is on (1-based).</summary>
        public int Line { get; }
    }

    /// <summary>
    /// A parsed ally.toml (Tomlyn's lossless syntax tree, read into full keys). Keys are checked against
    /// the settings catalogue: an unknown key or a value of the wrong kind is a warning naming the file,
    /// line and key (and the nearest valid key), and is left out; a syntax error or an API key written
    /// in the file is an error.
    /// </summary>
    public sealed class ConfigFile
    {
        private readonly Dictionary<string, ConfigEntry> _entries;

        private ConfigFile(string path, SettingSource scope, Dictionary<string, ConfigEntry> entries, IReadOnlyList<string> warnings)
        {
            Path = path;
            Scope = scope;
            _entries = entries;
            Warnings = warnings;
        }

        /// <summary>The file's full path.</summary>
        public string Path { get; }
        /// <summary>UserFile (ALLY_CONFIG or the user's folder) or ProjectFile.</summary>
        public SettingSource Scope { get; }
        /// <summary>What is wrong but was skipped: unknown keys, values of the wrong kind.</summary>
        public IReadOnlyList<string> Warnings { get; }
        /// <summary>The values Ally uses, by full key.</summary>
        public IEnumerable<ConfigEntry> Entries => _entries.Values;

        /// <summary>The value of a catalogue key, if the file sets it.</summary>
        public bool TryGet(string key, out ConfigEntry entry) => _entries.TryGetValue(key, out entry!);

        /// <summary>How messages name a line of this file: "&lt;path&gt;:&lt;line&gt;".</summary>
        public string Where(int line) => Where(Path, line);

        private static string Where(string path, int line) => path + ":" + line.ToString(CultureInfo.InvariantCulture);

        /// <summary>Parses <paramref name="text"/>; throws ConfigFileSyntax or ApiKeyInConfigFile.</summary>
        public static ConfigFile Parse(string path, string text, SettingSource scope)
        {
            DocumentSyntax document = ParseSyntax(path, text);
            var warnings = new List<string>();
            var entries = new Dictionary<string, ConfigEntry>(StringComparer.OrdinalIgnoreCase);
            foreach (ConfigEntry raw in Flatten(document, warnings, path))
            {
                ConfigKeys.Key? key = ConfigKeys.Find(raw.Key, out string? member);
                if (key is null)
                {
                    if (ConfigKeys.LooksLikeSecret(raw.Key))
                        throw new AllyException(ErrorIds.ApiKeyInConfigFile, Messages.ApiKeyInConfigFile(Where(path, raw.Line), raw.Key),
                            Messages.ApiKeyInConfigFileRemedy);
                    warnings.Add(Messages.UnknownConfigKey(path, raw.Line, raw.Key, ConfigKeys.Nearest(raw.Key)));
                    continue;
                }

                if (member != null)
                {
                    // A key under a table setting ([ollama.options] num_ctx = 8192): one entry holding the table.
                    if (!entries.TryGetValue(key.Name, out ConfigEntry? table) || !(table.Value is Dictionary<string, object?> members))
                    {
                        members = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                        entries[key.Name] = new ConfigEntry(key.Name, members, raw.Line);
                    }
                    members[member] = raw.Value;
                    continue;
                }

                if (raw.Value is string textValue && key.Setting.HoldsSecret(textValue))
                    throw new AllyException(ErrorIds.ApiKeyInConfigFile, Messages.ApiKeyInConfigFile(Where(path, raw.Line), key.Name),
                        Messages.SecretInAddressRemedy(key.Setting.EnvironmentVariable ?? key.Name));

                if (!Fits(key.Kind, raw.Value))
                {
                    warnings.Add(Messages.WrongConfigKind(path, raw.Line, key.Name, ConfigKeys.Describe(key.Kind), DescribeKind(raw.Value)));
                    continue;
                }
                entries[key.Name] = new ConfigEntry(key.Name, raw.Value, raw.Line);
            }
            return new ConfigFile(path, scope, entries, warnings);
        }

        /// <summary>Tomlyn's syntax tree of <paramref name="text"/>; the first error becomes ConfigFileSyntax with file, line and column.</summary>
        internal static DocumentSyntax ParseSyntax(string path, string text)
        {
            DocumentSyntax document = SyntaxParser.Parse(text, path, true);
            foreach (DiagnosticMessage diagnostic in document.Diagnostics)
            {
                if (diagnostic.Kind != DiagnosticMessageKind.Error) continue;
                throw new AllyException(ErrorIds.ConfigFileSyntax,
                    Messages.ConfigFileSyntax(path, diagnostic.Span.Start.Line + 1, diagnostic.Span.Start.Column + 1, diagnostic.Message),
                    Messages.ConfigFileSyntaxRemedy);
            }
            return document;
        }

        private static bool Fits(ConfigValueKind kind, object? value) => kind switch
        {
            ConfigValueKind.Text => value is string,
            ConfigValueKind.Integer => value is long,
            ConfigValueKind.Number => value is long || value is double,
            ConfigValueKind.Boolean => value is bool,
            ConfigValueKind.Table => value is IReadOnlyDictionary<string, object?>,
            ConfigValueKind.TextOrInteger => value is string || value is long,
            _ => false,
        };

        private static string DescribeKind(object? value) => value switch
        {
            string _ => "a string",
            long _ => "an integer",
            double _ => "a float",
            bool _ => "a boolean",
            IReadOnlyDictionary<string, object?> _ => "a table",
            object[] _ => "an array",
            _ => "a date",
        };

        /// <summary>Every key = value of the document with its full key: root keys, then each [table]'s.</summary>
        private static IEnumerable<ConfigEntry> Flatten(DocumentSyntax document, List<string> warnings, string path)
        {
            foreach (KeyValueSyntax pair in document.KeyValues) yield return Read(string.Empty, pair);
            foreach (TableSyntaxBase table in document.Tables)
            {
                string prefix = KeyText(table.Name) + ".";
                if (table is TableArraySyntax)
                {
                    warnings.Add(Messages.UnknownConfigKey(path, table.Span.Start.Line + 1, "[[" + KeyText(table.Name) + "]]", null));
                    continue;
                }
                foreach (KeyValueSyntax pair in table.Items) yield return Read(prefix, pair);
            }
        }

        private static ConfigEntry Read(string prefix, KeyValueSyntax pair) =>
            new ConfigEntry(prefix + KeyText(pair.Key), ValueOf(pair.Value), pair.Span.Start.Line + 1);

        /// <summary>A key's dotted text without quotes or spaces: provider.model.</summary>
        internal static string KeyText(KeySyntax? key)
        {
            if (key is null) return string.Empty;
            var parts = new List<string> { PartText(key.Key) };
            foreach (DottedKeyItemSyntax item in key.DotKeys) parts.Add(PartText(item.Key));
            return string.Join(".", parts);
        }

        private static string PartText(BareKeyOrStringValueSyntax? part) => part switch
        {
            BareKeySyntax bare => bare.Key?.Text ?? string.Empty,
            StringValueSyntax quoted => quoted.Value ?? string.Empty,
            _ => string.Empty,
        };

        private static object? ValueOf(ValueSyntax? value) => value switch
        {
            StringValueSyntax text => text.Value,
            IntegerValueSyntax integer => integer.Value,
            FloatValueSyntax number => number.Value,
            BooleanValueSyntax flag => flag.Value,
            InlineTableSyntax table => table.Items.Where(i => i.KeyValue != null)
                .ToDictionary(i => KeyText(i.KeyValue!.Key), i => ValueOf(i.KeyValue!.Value), StringComparer.OrdinalIgnoreCase) as IReadOnlyDictionary<string, object?>,
            ArraySyntax array => array.Items.Select(i => ValueOf(i.Value)).ToArray(),
            DateTimeValueSyntax date => date.Value,
            _ => null,
        };
    }
}
