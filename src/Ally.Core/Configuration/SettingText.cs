using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ally.Providers;

namespace Ally.Configuration
{
    /// <summary>A setting's value as listings show it (Get-AllyConfiguration, help): invariant, short, never a secret.</summary>
    public static class SettingText
    {
        /// <summary>The text of <paramref name="value"/>; "" for null.</summary>
        public static string Format(object? value) => value switch
        {
            null => string.Empty,
            string text => text,
            bool flag => flag ? "true" : "false",
            Uri uri => uri.AbsoluteUri,
            ProviderDescriptor provider => provider.Name,
            TimeSpan span => ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ApiKey _ => "(set)",
            IEnumerable<KeyValuePair<string, object?>> table => string.Join("; ", table.Select(p => p.Key + " = " + Format(p.Value))),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
            _ => value.ToString() ?? string.Empty,
        };
    }
}
