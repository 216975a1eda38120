using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Ally
{
    /// <summary>
    /// Lenient reads of optional JSON fields: a missing, null or mistyped field is "unknown" (null),
    /// never an error, because servers add, drop and retype optional fields between versions.
    /// </summary>
    internal static class JsonFields
    {
        public static JsonElement? Object(JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Object ? v : (JsonElement?)null;

        public static string? String(JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        /// <summary>A whole number, also from a numeric string (some servers quote large numbers).</summary>
        public static long? Int64(JsonElement obj, string name)
        {
            if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out JsonElement v)) return null;
            if (v.ValueKind == JsonValueKind.Number)
            {
                if (v.TryGetInt64(out long l)) return l;
                if (v.TryGetDouble(out double d) && d >= long.MinValue && d <= long.MaxValue) return (long)d;
            }
            if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s)) return s;
            return null;
        }

        public static int? Int32(JsonElement obj, string name) => Int64(obj, name) is long l && l >= int.MinValue && l <= int.MaxValue ? (int)l : (int?)null;

        /// <summary>An array of strings (other items skipped); empty when absent.</summary>
        public static IReadOnlyList<string> Strings(JsonElement obj, string name)
        {
            if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out JsonElement v) || v.ValueKind != JsonValueKind.Array)
                return Array.Empty<string>();
            var list = new List<string>(v.GetArrayLength());
            foreach (JsonElement item in v.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
            }
            return list;
        }

        /// <summary>An RFC 3339 time such as Go writes it (up to nine fractional digits, any offset).</summary>
        public static DateTimeOffset? Time(JsonElement obj, string name) => ParseTime(String(obj, name));

        /// <summary>Parses RFC 3339; .NET takes at most seven fractional digits, Go writes nine, so extra digits are dropped.</summary>
        public static DateTimeOffset? ParseTime(string? text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            string s = text!;
            int dot = s.IndexOf('.', s.IndexOf('T') + 1);
            if (dot > 0)
            {
                int end = dot + 1;
                while (end < s.Length && char.IsDigit(s[end])) end++;
                if (end - dot - 1 > 7) s = s.Substring(0, dot + 8) + s.Substring(end);
            }
            return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value)
                ? value : (DateTimeOffset?)null;
        }
    }
}
