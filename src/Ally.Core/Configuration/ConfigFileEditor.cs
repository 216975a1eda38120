using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Tomlyn.Syntax;

namespace Ally.Configuration
{
    /// <summary>
    /// Writes one key of an ally.toml file through Tomlyn's lossless syntax tree, so comments, order,
    /// blank lines and keys Ally does not know stay as they were: an existing value is replaced in
    /// place (its trailing comment kept), a new key goes at the end of its [section], a new section
    /// at the end of the file.
    /// </summary>
    public static class ConfigFileEditor
    {
        /// <summary>The file's text with <paramref name="key"/> set to <paramref name="value"/> (string, long, double or bool).</summary>
        public static string Apply(string path, string text, string key, object value)
        {
            DocumentSyntax document = ConfigFile.ParseSyntax(path, text);
            ValueSyntax syntax = ToSyntax(value);
            int split = key.LastIndexOf('.');
            string section = split < 0 ? string.Empty : key.Substring(0, split);
            string name = key.Substring(split + 1);

            if (Replace(document.KeyValues, string.Empty, key, syntax)) return document.ToString();
            foreach (TableSyntaxBase table in document.Tables)
            {
                if (table is TableSyntax && Replace(table.Items, ConfigFile.KeyText(table.Name) + ".", key, syntax)) return document.ToString();
            }

            KeyValueSyntax pair = NewPair(name, syntax);
            if (section.Length == 0)
            {
                document.KeyValues.Add(pair);
                return document.ToString();
            }
            TableSyntaxBase? home = document.Tables.OfType<TableSyntax>()
                .LastOrDefault(t => string.Equals(ConfigFile.KeyText(t.Name), section, StringComparison.OrdinalIgnoreCase));
            if (home != null)
            {
                // Blank lines after the section's last key stay after the new one, before the next section.
                if (home.Items.ChildrenCount > 0 && home.Items.GetChild(home.Items.ChildrenCount - 1) is KeyValueSyntax last
                    && last.EndOfLineToken?.TrailingTrivia is List<SyntaxTrivia> { Count: > 0 } blank)
                {
                    pair.EndOfLineToken!.TrailingTrivia = blank;
                    last.EndOfLineToken.TrailingTrivia = null;
                }
                home.Items.Add(pair);
                return document.ToString();
            }

            // A new section goes at the very end of the text (after any trailing comments, which the tree keeps with the end of the file).
            string[] parts = section.Split('.');
            var tableName = new KeySyntax(parts[0]);
            foreach (string part in parts.Skip(1)) tableName.DotKeys.Add(new DottedKeyItemSyntax(part));
            string newline = text.Contains("\r\n") ? "\r\n" : "\n";
            string prefix = text.Length == 0 ? string.Empty : text.EndsWith("\n", StringComparison.Ordinal) ? newline : newline + newline;
            return text + prefix + "[" + tableName.ToString().Trim() + "]" + newline + name + " = " + syntax.ToString().Trim() + newline;
        }

        /// <summary>
        /// The value to write for <paramref name="fullKey"/>: <paramref name="value"/> (from a parameter:
        /// text, a number, a bool) as the kind the key takes, checked by the setting's own parser
        /// (a member of ollama.options by Ollama's option checks). Throws the setting's error when it cannot be used.
        /// </summary>
        public static object ToTomlValue(string fullKey, object value)
        {
            ConfigKeys.Key key = ConfigKeys.Find(fullKey, out string? member) ?? throw new ArgumentException("unknown key", nameof(fullKey));
            var origin = new SettingOrigin(SettingSource.Parameter, "-Value");
            if (member != null)
            {
                object scalar = value is string text ? Scalar(text) : Number(value) ?? value;
                if (!(scalar is string || scalar is long || scalar is double || scalar is bool))
                    throw key.Setting.Invalid(value, origin, Messages.NotAScalarValue);
                Providers.ProviderRegistry.Ollama.CheckOptions(new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { [member] = scalar });
                return scalar;
            }
            object result = key.Kind switch
            {
                ConfigValueKind.Integer or ConfigValueKind.Number or ConfigValueKind.Boolean => value is string text ? Scalar(text) : Number(value) ?? value,
                ConfigValueKind.TextOrInteger => value is string text && long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole) ? whole : Number(value) ?? value,
                _ => value is string ? value : Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
            };
            if (key.Kind == ConfigValueKind.Table || !(result is string || result is long || result is double || result is bool))
                throw key.Setting.Invalid(value, origin, Messages.NotAScalarValue);
            if (result is string address && key.Setting.HoldsSecret(address))
                throw new AllyException(ErrorIds.ApiKeyInConfigFile, Messages.SecretNotWritten(key.Name), Messages.SecretInAddressRemedy(key.Setting.EnvironmentVariable ?? key.Name));
            key.Setting.Check(result is string s ? s : result, origin);
            if (key.Kind == ConfigValueKind.Integer && result is double) throw key.Setting.Invalid(value, origin, Messages.NotAWholeNumber);
            return result;
        }

        /// <summary>Text as TOML would read it: true/false, a whole number, a float, else the text.</summary>
        private static object Scalar(string text)
        {
            string value = text.Trim();
            if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)) return true;
            if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase)) return false;
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole)) return whole;
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return number;
            return text;
        }

        /// <summary>A .NET number as long (whole) or double; null for anything else.</summary>
        private static object? Number(object value)
        {
            if (!AllySettings.IsNumber(value) && !(value is bool)) return null;
            if (value is bool flag) return flag;
            double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            return number % 1 == 0 && Math.Abs(number) < 9e15 ? (object)Convert.ToInt64(number) : number;
        }

        /// <summary>Sets <paramref name="key"/> in the file at <paramref name="path"/> (created, with its folder, when missing); the file is replaced in one step.</summary>
        public static void Write(string path, string key, object value)
        {
            try
            {
                string text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
                string updated = Apply(path, text, key, value);
                ConfigFile.ParseSyntax(path, updated); // never write a file Ally could not read back
                string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
                if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
                AtomicFile.WriteText(path, updated);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new AllyException(ErrorIds.ConfigFileAccess, Messages.ConfigFileUnwritable(path, ex.Message), Messages.ConfigFileAccessRemedy);
            }
        }

        private static bool Replace(SyntaxList<KeyValueSyntax> pairs, string prefix, string key, ValueSyntax value)
        {
            foreach (KeyValueSyntax pair in pairs)
            {
                if (!string.Equals(prefix + ConfigFile.KeyText(pair.Key), key, StringComparison.OrdinalIgnoreCase)) continue;
                ValueSyntax? old = pair.Value;
                if (old != null)
                {
                    CopyTrivia(old, value);
                }
                pair.Value = value;
                return true;
            }
            return false;
        }

        /// <summary>Keeps the space before the old value and the comment after it.</summary>
        private static void CopyTrivia(ValueSyntax from, ValueSyntax to)
        {
            SyntaxToken? oldToken = TokenOf(from);
            SyntaxToken? newToken = TokenOf(to);
            if (oldToken is null || newToken is null) return;
            newToken.LeadingTrivia = oldToken.LeadingTrivia;
            newToken.TrailingTrivia = oldToken.TrailingTrivia;
        }

        private static SyntaxToken? TokenOf(ValueSyntax value) => value switch
        {
            StringValueSyntax text => text.Token,
            IntegerValueSyntax integer => integer.Token,
            FloatValueSyntax number => number.Token,
            BooleanValueSyntax flag => flag.Token,
            DateTimeValueSyntax date => date.Token,
            _ => null,
        };

        private static KeyValueSyntax NewPair(string name, ValueSyntax value)
        {
            var pair = new KeyValueSyntax(name, value) { EndOfLineToken = SyntaxFactory.NewLine() };
            return pair;
        }

        private static ValueSyntax ToSyntax(object value) => value switch
        {
            string text => new StringValueSyntax(text),
            bool flag => new BooleanValueSyntax(flag),
            long integer => new IntegerValueSyntax(integer),
            int integer => new IntegerValueSyntax(integer),
            double number => new FloatValueSyntax(number),
            decimal number => new FloatValueSyntax((double)number),
            _ => new StringValueSyntax(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
        };
    }
}
