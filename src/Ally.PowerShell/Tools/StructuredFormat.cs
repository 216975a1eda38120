using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Ally.Structured;

namespace Ally.PowerShell.Tools
{
    /// <summary>-Schema, -Format and -AsObject: the asked JSON, and the answer's JSON as PowerShell objects.</summary>
    internal static class StructuredFormat
    {
        /// <summary>The JSON asked for, or null for text. A hashtable or object schema becomes JSON with ConvertTo-Json (on the pipeline thread).</summary>
        public static StructuredAnswer? From(PSCmdlet cmdlet, object? schema, string format, bool asObject)
        {
            if (schema is PSObject ps) schema = ps.BaseObject;
            if (schema is null) return asObject || string.Equals(format, "Json", System.StringComparison.OrdinalIgnoreCase) ? StructuredAnswer.AnyJson : null;
            string text = schema as string
                ?? cmdlet.InvokeCommand.InvokeScript("ConvertTo-Json -InputObject $args[0] -Depth 100 -Compress", schema).FirstOrDefault()?.ToString()
                ?? string.Empty;
            return StructuredAnswer.ForSchema(text);
        }

        /// <summary>The JSON as objects: objects become PSCustomObjects, lists arrays, whole numbers Int64 and others Double.</summary>
        public static object? ToObject(string json)
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return Convert(document.RootElement);
        }

        private static object? Convert(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    var result = new PSObject();
                    foreach (JsonProperty property in value.EnumerateObject()) result.Properties.Add(new PSNoteProperty(property.Name, Convert(property.Value)));
                    return result;
                case JsonValueKind.Array:
                    return value.EnumerateArray().Select(Convert).ToArray();
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                    if (value.TryGetInt64(out long whole)) return whole;
                    return value.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }
    }
}
