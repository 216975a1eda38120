using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ally.Structured
{
    /// <summary>
    /// Ally's own check of an answer against a JSON Schema, because servers do not always apply one
    /// (Ollama ignores <c>format</c> with thinking and on some builds: protocols §3.14). It covers what
    /// answer schemas use: type (and lists of types), enum, const, properties, required,
    /// additionalProperties, items, prefixItems, minItems/maxItems, uniqueItems, minLength/maxLength,
    /// pattern, minimum/maximum and their exclusive forms, multipleOf, anyOf/oneOf/allOf/not, and $ref
    /// to <c>#/$defs/…</c> or <c>#/definitions/…</c>. Other keywords (format, title, description, …) are
    /// not checked.
    /// </summary>
    public sealed class JsonSchemaCheck
    {
        private static readonly string[] Types = { "object", "array", "string", "number", "integer", "boolean", "null" };
        private const int MaxProblems = 5;
        private readonly JsonElement _root;

        private JsonSchemaCheck(JsonElement root, string text)
        {
            _root = root;
            Text = text;
        }

        /// <summary>The schema's JSON text (compact).</summary>
        public string Text { get; }

        /// <summary>Reads a schema; InvalidSchema when it is not JSON, not an object, or uses a keyword wrongly.</summary>
        public static JsonSchemaCheck Parse(string text)
        {
            JsonElement root;
            try
            {
                using JsonDocument document = JsonDocument.Parse(text);
                root = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw Invalid(Messages.SchemaNotJson(Messages.Excerpt(ex.Message, 160)));
            }
            if (root.ValueKind != JsonValueKind.Object) throw Invalid(Messages.SchemaNotObject);
            CheckSchema(root, "$", root);
            return new JsonSchemaCheck(root, JsonSerializer.Serialize(root));
        }

        /// <summary>What in <paramref name="value"/> does not match, as "$.path: problem" lines; empty when it matches.</summary>
        public IReadOnlyList<string> Problems(JsonElement value)
        {
            var problems = new List<string>();
            Check(_root, value, "$", problems);
            return problems;
        }

        private static AllyException Invalid(string why) => new AllyException(ErrorIds.InvalidSchema, Messages.InvalidSchema(why), Messages.InvalidSchemaRemedy);

        /// <summary>Finds wrong uses of the keywords Ally checks, so a bad schema fails before any request.</summary>
        private static void CheckSchema(JsonElement schema, string path, JsonElement root)
        {
            if (schema.ValueKind == JsonValueKind.True || schema.ValueKind == JsonValueKind.False) return;
            if (schema.ValueKind != JsonValueKind.Object) throw Invalid(Messages.SchemaPartNotObject(path));
            foreach (JsonProperty keyword in schema.EnumerateObject())
            {
                JsonElement v = keyword.Value;
                string at = path + "." + keyword.Name;
                switch (keyword.Name)
                {
                    case "type":
                        bool ok = v.ValueKind == JsonValueKind.String ? Types.Contains(v.GetString())
                            : v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String && Types.Contains(t.GetString()));
                        if (!ok) throw Invalid(Messages.SchemaBadType(at));
                        break;
                    case "properties":
                    case "$defs":
                    case "definitions":
                        if (v.ValueKind != JsonValueKind.Object) throw Invalid(Messages.SchemaKeyword(at, "an object of schemas"));
                        foreach (JsonProperty p in v.EnumerateObject()) CheckSchema(p.Value, at + "." + p.Name, root);
                        break;
                    case "items":
                    case "additionalProperties":
                    case "not":
                        CheckSchema(v, at, root);
                        break;
                    case "anyOf":
                    case "oneOf":
                    case "allOf":
                    case "prefixItems":
                        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0) throw Invalid(Messages.SchemaKeyword(at, "a list of schemas"));
                        int i = 0;
                        foreach (JsonElement s in v.EnumerateArray()) CheckSchema(s, at + "[" + i++ + "]", root);
                        break;
                    case "required":
                        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
                            throw Invalid(Messages.SchemaKeyword(at, "a list of property names"));
                        break;
                    case "enum":
                        if (v.ValueKind != JsonValueKind.Array) throw Invalid(Messages.SchemaKeyword(at, "a list of values"));
                        break;
                    case "minimum":
                    case "maximum":
                    case "exclusiveMinimum":
                    case "exclusiveMaximum":
                    case "multipleOf":
                        if (v.ValueKind != JsonValueKind.Number) throw Invalid(Messages.SchemaKeyword(at, "a number"));
                        break;
                    case "minLength":
                    case "maxLength":
                    case "minItems":
                    case "maxItems":
                        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n) || n < 0) throw Invalid(Messages.SchemaKeyword(at, "a whole number of 0 or more"));
                        break;
                    case "pattern":
                        if (v.ValueKind != JsonValueKind.String) throw Invalid(Messages.SchemaKeyword(at, "a regular expression"));
                        try
                        {
                            _ = new Regex(v.GetString()!);
                        }
                        catch (ArgumentException ex)
                        {
                            throw Invalid(Messages.SchemaKeyword(at, "a regular expression (" + ex.Message + ")"));
                        }
                        break;
                    case "$ref":
                        if (v.ValueKind != JsonValueKind.String || Resolve(root, v.GetString()!) is null) throw Invalid(Messages.SchemaBadRef(at, v.ToString()));
                        break;
                }
            }
        }

        private static JsonElement? Resolve(JsonElement root, string reference)
        {
            if (reference == "#") return root;
            if (!reference.StartsWith("#/", StringComparison.Ordinal)) return null;
            JsonElement current = root;
            foreach (string raw in reference.Substring(2).Split('/'))
            {
                string part = Uri.UnescapeDataString(raw).Replace("~1", "/").Replace("~0", "~");
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current)) return null;
            }
            return current;
        }

        private void Check(JsonElement schema, JsonElement value, string path, List<string> problems)
        {
            if (problems.Count >= MaxProblems) return;
            if (schema.ValueKind == JsonValueKind.True) return;
            if (schema.ValueKind == JsonValueKind.False)
            {
                problems.Add(Messages.AnswerNothingAllowed(path));
                return;
            }
            if (schema.TryGetProperty("$ref", out JsonElement reference) && Resolve(_root, reference.GetString()!) is JsonElement target)
            {
                Check(target, value, path, problems);
            }
            if (schema.TryGetProperty("type", out JsonElement type) && !TypeMatches(type, value))
            {
                problems.Add(Messages.AnswerWrongType(path, TypeText(type), Describe(value)));
                return;
            }
            if (schema.TryGetProperty("const", out JsonElement constant) && !JsonEquals(constant, value))
                problems.Add(Messages.AnswerNotConst(path, Short(constant)));
            if (schema.TryGetProperty("enum", out JsonElement choices) && !choices.EnumerateArray().Any(c => JsonEquals(c, value)))
                problems.Add(Messages.AnswerNotInEnum(path, string.Join(", ", choices.EnumerateArray().Select(Short)), Short(value)));

            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    CheckObject(schema, value, path, problems);
                    break;
                case JsonValueKind.Array:
                    CheckArray(schema, value, path, problems);
                    break;
                case JsonValueKind.String:
                    string text = value.GetString()!;
                    int length = new StringInfo(text).LengthInTextElements;
                    if (schema.TryGetProperty("minLength", out JsonElement minLength) && length < minLength.GetInt32())
                        problems.Add(Messages.AnswerTooShort(path, minLength.GetInt32()));
                    if (schema.TryGetProperty("maxLength", out JsonElement maxLength) && length > maxLength.GetInt32())
                        problems.Add(Messages.AnswerTooLong(path, maxLength.GetInt32()));
                    if (schema.TryGetProperty("pattern", out JsonElement pattern) && !Regex.IsMatch(text, pattern.GetString()!))
                        problems.Add(Messages.AnswerNoPatternMatch(path, pattern.GetString()!));
                    break;
                case JsonValueKind.Number:
                    double number = value.GetDouble();
                    if (schema.TryGetProperty("minimum", out JsonElement min) && number < min.GetDouble()) problems.Add(Messages.AnswerBelowMinimum(path, min.GetRawText()));
                    if (schema.TryGetProperty("maximum", out JsonElement max) && number > max.GetDouble()) problems.Add(Messages.AnswerAboveMaximum(path, max.GetRawText()));
                    if (schema.TryGetProperty("exclusiveMinimum", out JsonElement xmin) && number <= xmin.GetDouble()) problems.Add(Messages.AnswerNotAboveMinimum(path, xmin.GetRawText()));
                    if (schema.TryGetProperty("exclusiveMaximum", out JsonElement xmax) && number >= xmax.GetDouble()) problems.Add(Messages.AnswerNotBelowMaximum(path, xmax.GetRawText()));
                    if (schema.TryGetProperty("multipleOf", out JsonElement step) && step.GetDouble() > 0 && Math.Abs(Math.IEEERemainder(number, step.GetDouble())) > 1e-9)
                        problems.Add(Messages.AnswerNotMultiple(path, step.GetRawText()));
                    break;
            }

            if (schema.TryGetProperty("allOf", out JsonElement all))
            {
                foreach (JsonElement part in all.EnumerateArray()) Check(part, value, path, problems);
            }
            if (schema.TryGetProperty("anyOf", out JsonElement any) && !any.EnumerateArray().Any(part => Matches(part, value, path)))
                problems.Add(Messages.AnswerMatchesNoForm(path));
            if (schema.TryGetProperty("oneOf", out JsonElement one))
            {
                int matching = one.EnumerateArray().Count(part => Matches(part, value, path));
                if (matching != 1) problems.Add(Messages.AnswerMatchesForms(path, matching));
            }
            if (schema.TryGetProperty("not", out JsonElement not) && Matches(not, value, path))
                problems.Add(Messages.AnswerMatchesForbiddenForm(path));
        }

        private bool Matches(JsonElement schema, JsonElement value, string path)
        {
            var scratch = new List<string>();
            Check(schema, value, path, scratch);
            return scratch.Count == 0;
        }

        private void CheckObject(JsonElement schema, JsonElement value, string path, List<string> problems)
        {
            if (schema.TryGetProperty("required", out JsonElement required))
            {
                foreach (JsonElement name in required.EnumerateArray())
                {
                    if (!value.TryGetProperty(name.GetString()!, out _)) problems.Add(Messages.AnswerPropertyMissing(path, name.GetString()!));
                }
            }
            bool hasProperties = schema.TryGetProperty("properties", out JsonElement properties);
            bool hasAdditional = schema.TryGetProperty("additionalProperties", out JsonElement additional);
            foreach (JsonProperty property in value.EnumerateObject())
            {
                string at = path + "." + property.Name;
                if (hasProperties && properties.TryGetProperty(property.Name, out JsonElement propertySchema)) Check(propertySchema, property.Value, at, problems);
                else if (hasAdditional)
                {
                    if (additional.ValueKind == JsonValueKind.False) problems.Add(Messages.AnswerPropertyNotAllowed(path, property.Name));
                    else Check(additional, property.Value, at, problems);
                }
            }
        }

        private void CheckArray(JsonElement schema, JsonElement value, string path, List<string> problems)
        {
            int count = value.GetArrayLength();
            if (schema.TryGetProperty("minItems", out JsonElement minItems) && count < minItems.GetInt32())
                problems.Add(Messages.AnswerTooFewItems(path, minItems.GetInt32(), count));
            if (schema.TryGetProperty("maxItems", out JsonElement maxItems) && count > maxItems.GetInt32())
                problems.Add(Messages.AnswerTooManyItems(path, maxItems.GetInt32(), count));
            if (schema.TryGetProperty("uniqueItems", out JsonElement unique) && unique.ValueKind == JsonValueKind.True)
            {
                var seen = new List<JsonElement>();
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (seen.Any(s => JsonEquals(s, item)))
                    {
                        problems.Add(Messages.AnswerRepeats(path, Short(item)));
                        break;
                    }
                    seen.Add(item);
                }
            }
            int prefix = 0;
            if (schema.TryGetProperty("prefixItems", out JsonElement prefixItems))
            {
                prefix = prefixItems.GetArrayLength();
                int i = 0;
                foreach (JsonElement item in value.EnumerateArray().Take(prefix)) Check(prefixItems[i], item, path + "[" + i++ + "]", problems);
            }
            if (schema.TryGetProperty("items", out JsonElement items))
            {
                int i = prefix;
                foreach (JsonElement item in value.EnumerateArray().Skip(prefix)) Check(items, item, path + "[" + i++ + "]", problems);
            }
        }

        private static bool TypeMatches(JsonElement type, JsonElement value) =>
            type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => IsType(t.GetString()!, value)) : IsType(type.GetString()!, value);

        private static bool IsType(string type, JsonElement value) => type switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && Math.Abs(value.GetDouble() % 1) < double.Epsilon,
            "boolean" => value.ValueKind == JsonValueKind.True || value.ValueKind == JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            _ => false,
        };

        private static string TypeText(JsonElement type) =>
            type.ValueKind == JsonValueKind.Array ? string.Join(" or ", type.EnumerateArray().Select(t => Article(t.GetString()!))) : Article(type.GetString()!);

        private static string Article(string type) => type switch
        {
            "object" => "an object",
            "array" => "a list",
            "integer" => "a whole number",
            "null" => "null",
            _ => "a " + type,
        };

        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.Null => "null",
            _ => Short(value),
        };

        private static string Short(JsonElement value)
        {
            string text = value.GetRawText();
            return text.Length <= 40 ? text : text.Substring(0, 39) + "…";
        }

        /// <summary>JSON equality: numbers by value, objects regardless of property order.</summary>
        internal static bool JsonEquals(JsonElement a, JsonElement b)
        {
            if (a.ValueKind != b.ValueKind) return false;
            switch (a.ValueKind)
            {
                case JsonValueKind.Number:
                    return a.GetDouble() == b.GetDouble();
                case JsonValueKind.String:
                    return a.GetString() == b.GetString();
                case JsonValueKind.Array:
                    return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray(), JsonEquals).All(x => x);
                case JsonValueKind.Object:
                    var left = a.EnumerateObject().ToList();
                    return left.Count == b.EnumerateObject().Count() && left.All(p => b.TryGetProperty(p.Name, out JsonElement other) && JsonEquals(p.Value, other));
                default:
                    return true;
            }
        }


    }
}
