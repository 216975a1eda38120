using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using Ally.Tools;

namespace Ally.Conversations
{
    /// <summary>
    /// The saved form of a conversation: versioned JSON that people can read and diff.
    /// <code>{"format":"ally.conversation","version":1,"provider":"ollama","model":"llama3.1","messages":[{"role":"user","content":"…"},…]}</code>
    /// It holds the messages, provider and model: never a key, never settings.
    /// </summary>
    public static class ConversationFile
    {
        /// <summary>The format name in every file.</summary>
        public const string Format = "ally.conversation";
        /// <summary>The version this build writes and the newest it reads.</summary>
        public const int Version = 1;

        /// <summary>The JSON text of <paramref name="conversation"/>.</summary>
        public static string ToJson(Conversation conversation)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("format", Format);
                json.WriteNumber("version", Version);
                if (conversation.Provider != null) json.WriteString("provider", conversation.Provider);
                if (conversation.Model != null) json.WriteString("model", conversation.Model);
                WriteMessages(json, conversation.Messages);
                json.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>
        /// Writes <c>"messages": [{"role", "content", "thinking"?, "tool_calls"?, "tool_name"?, "tool_call_id"?}, …]</c>:
        /// the shape of Ollama's chat request (protocols §1.3: tool calls whole, arguments as an object)
        /// and of the saved file alike.
        /// </summary>
        public static void WriteMessages(Utf8JsonWriter json, IReadOnlyList<ChatMessage> messages)
        {
            json.WriteStartArray("messages");
            foreach (ChatMessage message in messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role);
                json.WriteString("content", message.Content);
                if (message.Thinking != null) json.WriteString("thinking", message.Thinking);
                if (message.ToolCalls != null)
                {
                    json.WriteStartArray("tool_calls");
                    foreach (ToolCall call in message.ToolCalls)
                    {
                        json.WriteStartObject();
                        json.WriteString("id", call.Id);
                        json.WriteStartObject("function");
                        json.WriteString("name", call.Name);
                        json.WritePropertyName("arguments");
                        WriteArguments(json, call.Arguments);
                        json.WriteEndObject();
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                if (message.ToolName != null) json.WriteString("tool_name", message.ToolName);
                if (message.ToolCallId != null) json.WriteString("tool_call_id", message.ToolCallId);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        /// <summary>
        /// A call's arguments as a JSON object. Arguments a model sent broken (they went back to it as a
        /// failed call) are written as an empty object: Ollama takes nothing else.
        /// </summary>
        private static void WriteArguments(Utf8JsonWriter json, string arguments)
        {
            if (ToolArguments.IsObject(arguments)) json.WriteRawValue(arguments, skipInputValidation: true);
            else
            {
                json.WriteStartObject();
                json.WriteEndObject();
            }
        }

        /// <summary>Reads a conversation from <paramref name="text"/> (the file at <paramref name="path"/>); throws NotAConversationFile or UnsupportedConversationFile.</summary>
        public static Conversation FromJson(string text, string path)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                throw NotAConversation(path, Messages.NotJson(ex.Message));
            }
            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
                    throw NotAConversation(path, Messages.NoConversationFormat(Format));
                if (!root.TryGetProperty("version", out JsonElement version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int number) || number < 1)
                    throw NotAConversation(path, Messages.NoConversationVersion);
                if (number > Version)
                    throw new AllyException(ErrorIds.UnsupportedConversationFile, Messages.NewerConversationFile(path, number, Version), Messages.NewerFileRemedy);
                if (!root.TryGetProperty("messages", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
                    throw NotAConversation(path, Messages.NoConversationMessages);
                var messages = new List<ChatMessage>(list.GetArrayLength());
                int index = 0;
                foreach (JsonElement item in list.EnumerateArray())
                {
                    string? role = Text(item, "role");
                    string? content = Text(item, "content");
                    if (role is null || content is null || !IsRole(role)) throw NotAConversation(path, Messages.BadConversationMessage(index));
                    messages.Add(ReadMessage(item, role, content));
                    index++;
                }
                return new Conversation(messages, Text(root, "provider"), Text(root, "model"));
            }
        }

        private static ChatMessage ReadMessage(JsonElement item, string role, string content)
        {
            if (role == ChatMessage.Roles.Tool) return ChatMessage.ToolResult(Text(item, "tool_call_id") ?? string.Empty, Text(item, "tool_name") ?? string.Empty, content);
            if (role == ChatMessage.Roles.Assistant && item.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array)
            {
                var list = new List<ToolCall>();
                foreach (JsonElement call in calls.EnumerateArray())
                {
                    if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out JsonElement function)) continue;
                    string arguments = function.TryGetProperty("arguments", out JsonElement a)
                        ? a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()
                        : "{}";
                    list.Add(new ToolCall(Text(call, "id") ?? string.Empty, Text(function, "name") ?? string.Empty, arguments));
                }
                return new ChatMessage(content, Text(item, "thinking"), list);
            }
            return new ChatMessage(role, content, Text(item, "thinking"));
        }

        /// <summary>True for the roles a conversation holds.</summary>
        public static bool IsRole(string role) =>
            role == ChatMessage.Roles.System || role == ChatMessage.Roles.User || role == ChatMessage.Roles.Assistant || role == ChatMessage.Roles.Tool;

        private static string? Text(JsonElement item, string name) =>
            item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static AllyException NotAConversation(string path, string why) =>
            new AllyException(ErrorIds.NotAConversationFile, Messages.NotAConversationFile(path, why), Messages.NotAConversationFileRemedy);
    }
}
