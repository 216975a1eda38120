using System.Text.Json;

namespace Ally.Tools
{
    /// <summary>Checks on a tool call's arguments text.</summary>
    public static class ToolArguments
    {
        /// <summary>True when <paramref name="text"/> is one JSON object (what a tool call's arguments must be).</summary>
        public static bool IsObject(string text)
        {
            if (string.IsNullOrEmpty(text)) return false;
            try
            {
                var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                reader.Skip();
                return !reader.Read();
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
