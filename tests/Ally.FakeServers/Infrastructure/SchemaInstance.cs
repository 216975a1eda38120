using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Ally.FakeServers.Infrastructure;

/// <summary>
/// The JSON a constrained model writes for a structured-output request (Ollama's <c>format</c>,
/// OpenAI's <c>response_format</c>): for a JSON Schema an instance that satisfies it, for plain JSON
/// mode the object <c>{"answer": …}</c>. Deterministic, so a test can predict it:
/// <list type="bullet">
/// <item>object: every property of <c>properties</c> in order, then any <c>required</c> name missing from them (as a string);</item>
/// <item><c>const</c>, else the first of <c>enum</c>; <c>anyOf</c>/<c>oneOf</c>: the first; <c>allOf</c>: its object members merged;</item>
/// <item>string: <c>"example"</c> (padded or cut to <c>minLength</c>/<c>maxLength</c>), or a sample of its <c>format</c> (date-time, date, email, uri, uuid, …);</item>
/// <item>integer and number: 1, moved into <c>minimum</c>/<c>maximum</c> (and their exclusive forms) and onto <c>multipleOf</c>;</item>
/// <item>boolean: <c>true</c>; null: <c>null</c>; array: max(1, <c>minItems</c>) items (at most <c>maxItems</c>), <c>prefixItems</c> first, then <c>items</c>;</item>
/// <item>a type list (<c>["string","null"]</c>) takes its first non-null type; a missing type is inferred from the keywords;</item>
/// <item>local <c>$ref</c>s (<c>#/$defs/…</c>, <c>#/definitions/…</c>) are followed.</item>
/// </list>
/// A schema that constrains nothing at the top (<c>{}</c>) gets the plain JSON-mode answer.
/// </summary>
internal static class SchemaInstance
{
    private const int MaxDepth = 24;

    /// <summary>The answer text: an instance of <paramref name="schema"/>, or <c>{"answer": text}</c> without one.</summary>
    /// <param name="schema">The JSON Schema; <c>null</c> for plain JSON mode (<c>"json"</c>, <c>json_object</c>).</param>
    /// <param name="text">What the model would have said in plain text (the echo), for JSON mode.</param>
    public static string Answer(JsonElement? schema, string text)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, FakeJson.WriterOptions))
        {
            if (schema is { } s && KindOf(s, s, 0) is not null)
            {
                Write(w, s, s, 0);
            }
            else
            {
                w.WriteStartObject();
                w.WriteString("answer", text);
                w.WriteEndObject();
            }
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return ModelJson.Format(document.RootElement);
    }

    private static void Write(Utf8JsonWriter w, JsonElement schema, JsonElement root, int depth)
    {
        schema = Resolve(schema, root, depth);
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            w.WriteStringValue("example");
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(w);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[0].WriteTo(w);
            return;
        }

        foreach (var choice in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(choice, out var options) && options.ValueKind == JsonValueKind.Array && options.GetArrayLength() > 0)
            {
                Write(w, options[0], root, depth + 1);
                return;
            }
        }

        switch (KindOf(schema, root, depth))
        {
            case "object":
                WriteObject(w, schema, root, depth);
                break;
            case "array":
                WriteArray(w, schema, root, depth);
                break;
            case "integer":
                WriteNumber(w, schema, integer: true);
                break;
            case "number":
                WriteNumber(w, schema, integer: false);
                break;
            case "boolean":
                w.WriteBooleanValue(true);
                break;
            case "null":
                w.WriteNullValue();
                break;
            default:
                w.WriteStringValue(StringValue(schema));
                break;
        }
    }

    /// <summary>Follows a local <c>$ref</c> (<c>#</c>, <c>#/$defs/Name</c>, JSON-pointer escapes); anything else stays as it is.</summary>
    private static JsonElement Resolve(JsonElement schema, JsonElement root, int depth)
    {
        for (var hops = 0; hops < 16 && depth <= MaxDepth; hops++)
        {
            if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("$ref", out var reference) ||
                reference.ValueKind != JsonValueKind.String || !reference.GetString()!.StartsWith('#'))
            {
                return schema;
            }

            var target = root;
            foreach (var segment in reference.GetString()![1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(name, out target))
                {
                    return default;
                }
            }

            schema = target;
        }

        return schema;
    }

    /// <summary>The instance type a schema asks for: its <c>type</c> (first non-null of a list), else inferred from its keywords; <c>null</c> when it says nothing.</summary>
    private static string? KindOf(JsonElement schema, JsonElement root, int depth)
    {
        schema = Resolve(schema, root, depth);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                return type.GetString();
            }

            if (type.ValueKind == JsonValueKind.Array)
            {
                var names = type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList();
                return names.FirstOrDefault(n => n != "null") ?? names.FirstOrDefault();
            }
        }

        bool Has(string keyword) => schema.TryGetProperty(keyword, out _);
        if (Has("const") || Has("enum") || Has("anyOf") || Has("oneOf"))
        {
            return "value";
        }

        if (Has("properties") || Has("required") || Has("additionalProperties") || Has("allOf"))
        {
            return "object";
        }

        if (Has("items") || Has("prefixItems") || Has("minItems") || Has("maxItems"))
        {
            return "array";
        }

        if (Has("minimum") || Has("maximum") || Has("exclusiveMinimum") || Has("exclusiveMaximum") || Has("multipleOf"))
        {
            return "number";
        }

        if (Has("minLength") || Has("maxLength") || Has("pattern") || Has("format"))
        {
            return "string";
        }

        return null;
    }

    private static void WriteObject(Utf8JsonWriter w, JsonElement schema, JsonElement root, int depth)
    {
        // allOf members add their properties and required names to the object's own.
        var parts = new List<JsonElement> { schema };
        if (schema.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            parts.AddRange(allOf.EnumerateArray().Select(part => Resolve(part, root, depth + 1)).Where(part => part.ValueKind == JsonValueKind.Object));
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        w.WriteStartObject();
        foreach (var part in parts)
        {
            if (!part.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var property in properties.EnumerateObject())
            {
                if (written.Add(property.Name))
                {
                    w.WritePropertyName(property.Name);
                    Write(w, property.Value, root, depth + 1);
                }
            }
        }

        foreach (var part in parts)
        {
            if (!part.TryGetProperty("required", out var required) || required.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && written.Add(name.GetString()!))
                {
                    w.WriteString(name.GetString()!, "example");
                }
            }
        }

        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, JsonElement schema, JsonElement root, int depth)
    {
        var count = Math.Max(1, Integer(schema, "minItems") ?? 0);
        if (Integer(schema, "maxItems") is { } max && max < count)
        {
            count = Math.Max(0, max);
        }

        var prefix = schema.TryGetProperty("prefixItems", out var p) && p.ValueKind == JsonValueKind.Array ? p : default;
        var prefixCount = prefix.ValueKind == JsonValueKind.Array ? prefix.GetArrayLength() : 0;
        schema.TryGetProperty("items", out var items);
        w.WriteStartArray();
        for (var i = 0; i < count; i++)
        {
            Write(w, i < prefixCount ? prefix[i] : items, root, depth + 1);
        }

        w.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter w, JsonElement schema, bool integer)
    {
        var (low, lowExclusive) = Bound(schema, "minimum", "exclusiveMinimum");
        var (high, highExclusive) = Bound(schema, "maximum", "exclusiveMaximum");
        var step = Number(schema, "multipleOf") is { } m && m > 0 ? m : (double?)null;
        double value;
        if (integer)
        {
            var lo = low is { } l ? (lowExclusive ? Math.Floor(l) + 1 : Math.Ceiling(l)) : double.NegativeInfinity;
            var hi = high is { } h ? (highExclusive ? Math.Ceiling(h) - 1 : Math.Floor(h)) : double.PositiveInfinity;
            value = Math.Min(Math.Max(1, lo), hi);
            if (step is { } s && s == Math.Floor(s))
            {
                var up = Math.Ceiling(value / s) * s;
                value = up <= hi ? up : Math.Floor(value / s) * s;
            }
        }
        else
        {
            value = 1;
            if (low is { } l && (value < l || value == l && lowExclusive))
            {
                value = !lowExclusive ? l : high is { } h ? (l + h) / 2 : l + 1;
            }

            if (high is { } hi && (value > hi || value == hi && highExclusive))
            {
                value = !highExclusive ? hi : low is { } lo ? (lo + hi) / 2 : hi - 1;
            }

            if (step is { } s && Math.Abs(value / s - Math.Round(value / s)) > 1e-9)
            {
                var up = Math.Ceiling(value / s) * s;
                value = high is { } top && up > top ? Math.Floor(value / s) * s : up;
            }
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            w.WriteNumberValue((long)value);
        }
        else
        {
            w.WriteNumberValue(value);
        }
    }

    /// <summary>A bound: the inclusive keyword, or the exclusive one (a number in draft 6+, a flag beside the inclusive one in draft 4).</summary>
    private static (double? Value, bool Exclusive) Bound(JsonElement schema, string inclusive, string exclusive)
    {
        if (schema.TryGetProperty(exclusive, out var e))
        {
            if (e.ValueKind == JsonValueKind.Number)
            {
                return (e.GetDouble(), true);
            }

            if (e.ValueKind == JsonValueKind.True && Number(schema, inclusive) is { } flagged)
            {
                return (flagged, true);
            }
        }

        return (Number(schema, inclusive), false);
    }

    private static string StringValue(JsonElement schema)
    {
        var format = schema.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var sample = format switch
        {
            "date-time" => "2024-01-01T00:00:00Z",
            "date" => "2024-01-01",
            "time" => "00:00:00Z",
            "duration" => "PT1H",
            "email" or "idn-email" => "user@example.com",
            "uri" or "url" or "iri" or "uri-reference" or "iri-reference" => "https://example.com/",
            "uuid" => "00000000-0000-0000-0000-000000000000",
            "hostname" or "idn-hostname" => "example.com",
            "ipv4" => "192.0.2.1",
            "ipv6" => "2001:db8::1",
            _ => null,
        };
        if (sample is not null)
        {
            return sample;
        }

        var text = "example";
        if (Integer(schema, "minLength") is { } min && text.Length < min)
        {
            text = new StringBuilder(text).Append('e', Math.Min(min, 100_000) - text.Length).ToString();
        }

        if (Integer(schema, "maxLength") is { } max && text.Length > max)
        {
            text = text[..Math.Max(0, max)];
        }

        return text;
    }

    private static double? Number(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static int? Integer(JsonElement schema, string name) =>
        Number(schema, name) is { } n ? (int)Math.Clamp(n, int.MinValue, int.MaxValue) : null;
}

/// <summary>
/// JSON as a model writes it, not as a serialiser does: a space after each <c>:</c> and <c>,</c>
/// (<c>{"city": "Tokyo", "days": 3}</c>). Tool-call arguments of llama.cpp (which keeps the model's
/// raw whitespace, protocols §3.13) and structured answers use it; split at spaces it streams as
/// several content tokens.
/// </summary>
internal static class ModelJson
{
    public static string Format(JsonElement value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return text.ToString();
    }

    private static void Append(StringBuilder text, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var firstProperty = true;
                foreach (var property in e.EnumerateObject())
                {
                    if (!firstProperty) text.Append(", ");
                    firstProperty = false;
                    text.Append('"').Append(JsonEncodedText.Encode(property.Name, FakeJson.Encoder).ToString()).Append("\": ");
                    Append(text, property.Value);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var firstItem = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!firstItem) text.Append(", ");
                    firstItem = false;
                    Append(text, item);
                }

                text.Append(']');
                break;
            default:
                text.Append(e.GetRawText());
                break;
        }
    }

    /// <summary>Compact JSON (<c>{"city":"Tokyo"}</c>), as OpenAI's servers serialise tool-call arguments.</summary>
    public static string Compact(JsonElement value) => FakeJson.ToJsonString(value.WriteTo);

    /// <summary>Go's <c>%q</c> of a string (strconv.Quote): quotes, backslash escapes, non-printables as <c>\xNN</c>/<c>\uNNNN</c>.</summary>
    public static string GoQuote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\a': quoted.Append("\\a"); break;
                case '\b': quoted.Append("\\b"); break;
                case '\f': quoted.Append("\\f"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\v': quoted.Append("\\v"); break;
                case < ' ' or '\x7f': quoted.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: quoted.Append(c); break;
            }
        }

        return quoted.Append('"').ToString();
    }
}
