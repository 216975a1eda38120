using System.Collections.Generic;
using System.Text.Json;

namespace Ally.Tools
{
    /// <summary>Writes the <c>tools</c> array of a chat request, the same for Ollama and the OpenAI-style APIs (protocols §1.3, §3.5).</summary>
    internal static class ToolSchemas
    {
        /// <summary><c>"tools": [{"type": "function", "function": {"name", "description", "parameters"}}, …]</c>.</summary>
        public static void WriteTools(Utf8JsonWriter json, IReadOnlyList<ToolDefinition> tools)
        {
            json.WriteStartArray("tools");
            foreach (ToolDefinition tool in tools)
            {
                json.WriteStartObject();
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", tool.Name);
                if (tool.Description.Length > 0) json.WriteString("description", tool.Description);
                json.WritePropertyName("parameters");
                json.WriteRawValue(tool.Parameters);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
    }
}
