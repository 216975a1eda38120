using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ally.Configuration;
using OllamaSharp.Models;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// Ollama's model options (the <c>options</c> object of /api/chat): which names exist and what kind
    /// of value each takes — read from OllamaSharp's <see cref="RequestOptions"/>, which mirrors
    /// Ollama's api/types.go — checked before any request and written as JSON by Ally.
    /// </summary>
    internal static class OllamaOptions
    {
        private enum Kind { WholeNumber, Number, Boolean, Text, TextList }

        private static readonly Dictionary<string, Kind> Kinds = typeof(RequestOptions).GetProperties()
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, Type: Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType))
            .Where(x => x.Name != null)
            .ToDictionary(x => x.Name!, x => KindOf(x.Type), StringComparer.OrdinalIgnoreCase);

        /// <summary>The names -Options accepts, sorted (for messages and completion).</summary>
        public static IReadOnlyList<string> Names { get; } = Kinds.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();

        private static Kind KindOf(Type type) =>
            type == typeof(int) || type == typeof(long) ? Kind.WholeNumber
            : type == typeof(float) || type == typeof(double) ? Kind.Number
            : type == typeof(bool) ? Kind.Boolean
            : type == typeof(string[]) ? Kind.TextList
            : Kind.Text;

        /// <summary>Checks every option's name and value; throws UnknownOllamaOption or InvalidOllamaOption.</summary>
        public static void Check(IReadOnlyDictionary<string, object?> options)
        {
            foreach (KeyValuePair<string, object?> option in options)
            {
                if (!Kinds.TryGetValue(option.Key, out Kind kind))
                    throw new AllyException(ErrorIds.UnknownOllamaOption, Messages.UnknownOllamaOption(Messages.Excerpt(option.Key, 60), Names));
                if (!TryConvert(option.Value, kind, out _))
                    throw new AllyException(ErrorIds.InvalidOllamaOption, Messages.InvalidOllamaOptionValue(option.Key, Describe(kind), Messages.DescribeValue(option.Value)));
            }
        }

        /// <summary>Writes <c>keep_alive</c>: a number of seconds as a number, a duration ("10m") as a string; nothing when null.</summary>
        public static void WriteKeepAlive(Utf8JsonWriter json, string? keepAlive)
        {
            if (keepAlive is null) return;
            if (long.TryParse(keepAlive, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds)) json.WriteNumber("keep_alive", seconds);
            else json.WriteString("keep_alive", keepAlive);
        }

        /// <summary>Writes the <c>options</c> object: -Options, then -MaxTokens (num_predict) and -Temperature over them. Nothing when empty.</summary>
        public static void Write(Utf8JsonWriter json, ChatRequest request) => Write(json, request.Options, request.MaxTokens, request.Temperature);

        /// <summary>Writes the <c>options</c> object: <paramref name="options"/>, then num_predict and temperature over them. Nothing when empty.</summary>
        public static void Write(Utf8JsonWriter json, IReadOnlyDictionary<string, object?>? options, int? maxTokens = null, double? temperature = null)
        {
            bool any = (options?.Count ?? 0) > 0 || maxTokens != null || temperature != null;
            if (!any) return;
            json.WriteStartObject("options");
            if (options != null)
            {
                foreach (KeyValuePair<string, object?> option in options)
                {
                    Kind kind = Kinds[option.Key];
                    string name = Names.First(n => string.Equals(n, option.Key, StringComparison.OrdinalIgnoreCase));
                    if (name == "num_predict" && maxTokens != null) continue;
                    if (name == "temperature" && temperature != null) continue;
                    TryConvert(option.Value, kind, out object? value);
                    json.WritePropertyName(name);
                    WriteValue(json, value);
                }
            }
            if (maxTokens is int max) json.WriteNumber("num_predict", max);
            if (temperature is double t) json.WriteNumber("temperature", t);
            json.WriteEndObject();
        }

        private static void WriteValue(Utf8JsonWriter json, object? value)
        {
            switch (value)
            {
                case null: json.WriteNullValue(); break;
                case long l: json.WriteNumberValue(l); break;
                case double d: json.WriteNumberValue(d); break;
                case bool b: json.WriteBooleanValue(b); break;
                case string s: json.WriteStringValue(s); break;
                case string[] list:
                    json.WriteStartArray();
                    foreach (string item in list) json.WriteStringValue(item);
                    json.WriteEndArray();
                    break;
            }
        }

        private static bool TryConvert(object? value, Kind kind, out object? result)
        {
            result = null;
            if (value is null) return true;
            switch (kind)
            {
                case Kind.WholeNumber:
                    if (value is string s && long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed)) { result = parsed; return true; }
                    if (!AllySettings.IsNumber(value)) return false;
                    double whole = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (whole % 1 != 0 || whole < long.MinValue || whole > long.MaxValue) return false;
                    result = (long)whole;
                    return true;
                case Kind.Number:
                    if (value is string n && double.TryParse(n.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) { result = number; return true; }
                    if (!AllySettings.IsNumber(value)) return false;
                    result = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    return true;
                case Kind.Boolean:
                    if (value is bool b) { result = b; return true; }
                    if (value is string t && bool.TryParse(t.Trim(), out bool flag)) { result = flag; return true; }
                    return false;
                case Kind.TextList:
                    if (value is string single) { result = new[] { single }; return true; }
                    if (value is IDictionary || !(value is IEnumerable items)) return false;
                    var list = new List<string>();
                    foreach (object? item in items)
                    {
                        if (item is null || item is IEnumerable && !(item is string)) return false;
                        list.Add(Convert.ToString(item, CultureInfo.InvariantCulture) ?? string.Empty);
                    }
                    result = list.ToArray();
                    return true;
                default:
                    if (value is IEnumerable && !(value is string)) return false;
                    result = Convert.ToString(value, CultureInfo.InvariantCulture);
                    return true;
            }
        }

        private static string Describe(Kind kind) => kind switch
        {
            Kind.WholeNumber => Messages.KindWholeNumber,
            Kind.Number => Messages.KindNumber,
            Kind.Boolean => Messages.KindBoolean,
            Kind.TextList => Messages.KindTextList,
            _ => Messages.KindText,
        };
    }
}
