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

        /// <summary>The JSON as objects, as ConvertFrom-Json makes them.</summary>
        public static object? ToObject(string json)
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return PowerShellJson.ToValue(document.RootElement, objectsAsHashtables: false);
        }
    }
}
