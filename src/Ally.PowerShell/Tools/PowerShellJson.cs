using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace Ally.PowerShell.Tools
{
    /// <summary>
    /// JSON values as PowerShell values, as ConvertFrom-Json makes them: text, Int64 for whole numbers and
    /// Double for others, Boolean, null, arrays of values, and objects as PSCustomObjects — or, for
    /// parameter binding (a tool's arguments), as Hashtables (ConvertFrom-Json -AsHashtable).
    /// </summary>
    internal static class PowerShellJson
    {
        public static object? ToValue(JsonElement value, bool objectsAsHashtables)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when objectsAsHashtables:
                    var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (JsonProperty property in value.EnumerateObject()) table[property.Name] = ToValue(property.Value, true);
                    return table;
                case JsonValueKind.Object:
                    var result = new PSObject();
                    foreach (JsonProperty property in value.EnumerateObject()) result.Properties.Add(new PSNoteProperty(property.Name, ToValue(property.Value, false)));
                    return result;
                case JsonValueKind.Array:
                    return value.EnumerateArray().Select(item => ToValue(item, objectsAsHashtables)).ToArray();
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                    return value.TryGetInt64(out long whole) ? (object)whole : value.GetDouble();
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
