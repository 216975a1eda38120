using System;
using System.Text;
using System.Text.Json;

namespace Ally.Tools
{
    /// <summary>
    /// Reads a <c>tool_calls</c> array of a chat answer in place, for Ollama and the OpenAI-style APIs
    /// alike: <c>[{"index"?, "id"?, "type"?, "function": {"index"?, "name"?, "arguments"?}}, …]</c>.
    /// Ollama sends each call whole with its arguments as a JSON object (protocols §1.3), sometimes
    /// without an id (§3.14); OpenAI-style streams send pieces by index, the arguments a string
    /// split across pieces (§3.5), and llama.cpp may send an empty id (§3.13).
    /// </summary>
    internal static class ToolCallJson
    {
        private static readonly byte[] IndexField = Encoding.UTF8.GetBytes("index");
        private static readonly byte[] IdField = Encoding.UTF8.GetBytes("id");
        private static readonly byte[] FunctionField = Encoding.UTF8.GetBytes("function");
        private static readonly byte[] NameField = Encoding.UTF8.GetBytes("name");
        private static readonly byte[] ArgumentsField = Encoding.UTF8.GetBytes("arguments");

        /// <summary>
        /// Reads the array the reader is on (its StartArray) into <paramref name="answer"/>.
        /// <paramref name="source"/> is the whole JSON text the reader reads (to keep an arguments object's
        /// text as it was sent). With <paramref name="pieces"/> each entry adds to the call of its index;
        /// otherwise each entry is a whole call.
        /// </summary>
        public static void Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, ChatAccumulator answer, bool pieces)
        {
            int position = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                int index = position++;
                string? id = null, name = null, arguments = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals(IndexField)) index = ReadIndex(ref reader, index);
                    else if (reader.ValueTextEquals(IdField)) id = ReadText(ref reader);
                    else if (reader.ValueTextEquals(FunctionField))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            reader.Skip();
                            continue;
                        }
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            if (reader.ValueTextEquals(NameField)) name = ReadText(ref reader);
                            else if (reader.ValueTextEquals(ArgumentsField)) arguments = ReadArguments(ref reader, source);
                            else
                            {
                                reader.Read();
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                if (pieces) answer.AddToolCallPiece(index, id, name, arguments);
                else answer.AddToolCall(id, name ?? string.Empty, arguments ?? "{}");
            }
        }

        private static int ReadIndex(ref Utf8JsonReader reader, int fallback)
        {
            reader.Read();
            return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int i) ? i : fallback;
        }

        private static string? ReadText(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String) return reader.GetString();
            reader.Skip();
            return null;
        }

        /// <summary>A string's text (OpenAI-style), or an object's JSON text as sent (Ollama).</summary>
        private static string ReadArguments(ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String) return reader.GetString() ?? string.Empty;
            long start = reader.TokenStartIndex;
            reader.Skip();
            return Encoding.UTF8.GetString(source.Slice((int)start, (int)(reader.BytesConsumed - start)).ToArray());
        }
    }
}
