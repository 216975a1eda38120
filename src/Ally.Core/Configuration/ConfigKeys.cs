using System;
using System.Collections.Generic;
using System.Linq;

namespace Ally.Configuration
{
    /// <summary>
    /// The keys ally.toml takes: exactly the settings catalogue's (<see cref="AllySettings.All"/>), each
    /// with the kind of value it takes. Also finds the nearest valid key for a misspelt one, and tells
    /// keys that would hold a secret.
    /// </summary>
    public static class ConfigKeys
    {
        /// <summary>One key of ally.toml.</summary>
        public sealed class Key
        {
            internal Key(Setting setting)
            {
                Setting = setting;
                Name = setting.ConfigKey!;
            }

            /// <summary>The full dotted key.</summary>
            public string Name { get; }
            /// <summary>The setting it sets.</summary>
            public Setting Setting { get; }
            /// <summary>The kind of value it takes.</summary>
            public ConfigValueKind Kind => Setting.ConfigKind;
        }

        private static readonly Key[] Keys = AllySettings.All.Where(s => s.ConfigKey != null).Select(s => new Key(s)).ToArray();

        /// <summary>Every key, in the catalogue's order.</summary>
        public static IReadOnlyList<Key> All => Keys;

        /// <summary>
        /// The key <paramref name="fullKey"/> sets; for a key inside a table setting
        /// (ollama.options.num_ctx), that table's key and <paramref name="member"/> = num_ctx. Null when unknown.
        /// </summary>
        public static Key? Find(string fullKey, out string? member)
        {
            member = null;
            foreach (Key key in Keys)
            {
                if (string.Equals(key.Name, fullKey, StringComparison.OrdinalIgnoreCase)) return key;
            }
            foreach (Key key in Keys)
            {
                if (key.Kind != ConfigValueKind.Table) continue;
                if (fullKey.Length > key.Name.Length + 1 && fullKey.StartsWith(key.Name + ".", StringComparison.OrdinalIgnoreCase))
                {
                    member = fullKey.Substring(key.Name.Length + 1);
                    return key;
                }
            }
            return null;
        }

        /// <summary>True for a key that would hold a secret (api_key, token, password, …): refused in files.</summary>
        public static bool LooksLikeSecret(string fullKey)
        {
            string last = fullKey.Substring(fullKey.LastIndexOf('.') + 1).ToLowerInvariant().Replace("-", "_");
            if (last.EndsWith("_env", StringComparison.Ordinal)) return false;
            return last is "key" or "apikey" or "api_key" or "token" or "secret" or "password" or "passwd"
                || last.EndsWith("_api_key", StringComparison.Ordinal) || last.EndsWith("_apikey", StringComparison.Ordinal)
                || last.EndsWith("_token", StringComparison.Ordinal) || last.EndsWith("_secret", StringComparison.Ordinal)
                || last.EndsWith("_password", StringComparison.Ordinal);
        }

        /// <summary>The valid key nearest to a misspelt one (edit distance, or the same last part under another table); null when none is close.</summary>
        public static string? Nearest(string fullKey)
        {
            string lower = fullKey.ToLowerInvariant();
            string last = lower.Substring(lower.LastIndexOf('.') + 1);
            string? best = null;
            int bestDistance = int.MaxValue;
            foreach (Key key in Keys)
            {
                string name = key.Name.ToLowerInvariant();
                int distance = Distance(lower, name);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = key.Name;
                }
            }
            if (best != null && bestDistance <= Math.Max(2, lower.Length / 4)) return best;
            // The right name under the wrong table: [providers] model → provider.model.
            Key? sameLast = Keys.FirstOrDefault(k => k.Name.Substring(k.Name.LastIndexOf('.') + 1).Equals(last, StringComparison.OrdinalIgnoreCase));
            return sameLast?.Name;
        }

        /// <summary>How messages name a kind: "a string", "an integer", …</summary>
        public static string Describe(ConfigValueKind kind) => kind switch
        {
            ConfigValueKind.Text => "a string",
            ConfigValueKind.Integer => "an integer",
            ConfigValueKind.Number => "a number",
            ConfigValueKind.Boolean => "true or false",
            ConfigValueKind.Table => "a table",
            _ => "a string or an integer",
        };

        /// <summary>Levenshtein distance.</summary>
        internal static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) previous[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }
                (previous, current) = (current, previous);
            }
            return previous[b.Length];
        }
    }
}
