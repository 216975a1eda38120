using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Ally.PowerShell.Input
{
    /// <summary>
    /// Reads a conversation from what a user has: a ChatResponse or Conversation, or either after
    /// Export-Clixml/Import-Clixml, a job or remoting (a deserialized object), or ConvertTo-Json /
    /// ConvertFrom-Json (a PSCustomObject): anything with a Messages list of Role/Content items.
    /// </summary>
    internal static class ConversationReader
    {
        private static readonly string[] TypeNames =
        {
            "Ally.ChatResponse", "Ally.Conversation", "Deserialized.Ally.ChatResponse", "Deserialized.Ally.Conversation",
        };

        /// <summary>True for a piped item that continues a conversation (rather than being context for the prompt).</summary>
        public static bool IsConversation(PSObject item)
        {
            object value = item.BaseObject;
            if (value is ChatResponse || value is Conversation) return true;
            // Text (Get-Content lines) is never one; only objects without a .NET type of their own
            // (deserialized ones) are asked for their type names, which cost an allocation each.
            if (!(value is PSCustomObject || ReferenceEquals(value, item))) return false;
            foreach (string name in item.TypeNames)
            {
                if (Array.IndexOf(TypeNames, name) >= 0) return true;
            }
            return false;
        }

        /// <summary>The conversation <paramref name="value"/> holds; throws InvalidConversation when it has no such shape.</summary>
        public static Conversation Read(object value)
        {
            object inner = value is PSObject ps ? ps.BaseObject : value;
            switch (inner)
            {
                case Conversation conversation:
                    return conversation;
                case ChatResponse response:
                    return Conversation.From(response);
            }
            PSObject shape = value as PSObject ?? PSObject.AsPSObject(value);
            object? list = Property(shape, "Messages");
            if (list is PSObject wrapped) list = wrapped.BaseObject;
            if (list is null || list is string || !(list is IEnumerable items))
                throw Invalid(value);
            var messages = new List<ChatMessage>();
            foreach (object? item in items)
            {
                if (item is null) throw Invalid(value);
                object itemValue = item is PSObject p ? p.BaseObject : item;
                if (itemValue is ChatMessage message)
                {
                    messages.Add(message);
                    continue;
                }
                PSObject itemShape = item as PSObject ?? PSObject.AsPSObject(item);
                string? role = Text(Property(itemShape, "Role"))?.ToLowerInvariant();
                string? content = Text(Property(itemShape, "Content"));
                if (role is null || content is null || !Conversations.ConversationFile.IsRole(role)) throw Invalid(value);
                messages.Add(ReadMessage(itemShape, role, content));
            }
            if (messages.Count == 0) throw Invalid(value);
            return new Conversation(messages, Text(Property(shape, "Provider")), Text(Property(shape, "Model")));
        }

        /// <summary>A message of a deserialized shape, with its tool calls (assistant) or the call it answers (tool).</summary>
        private static ChatMessage ReadMessage(PSObject shape, string role, string content)
        {
            if (role == ChatMessage.Roles.Tool)
                return ChatMessage.ToolResult(Text(Property(shape, "ToolCallId")) ?? string.Empty, Text(Property(shape, "ToolName")) ?? string.Empty, content);
            object? calls = Property(shape, "ToolCalls");
            if (calls is PSObject wrapped) calls = wrapped.BaseObject;
            if (role == ChatMessage.Roles.Assistant && calls is IEnumerable list && !(calls is string))
            {
                var read = new List<ToolCall>();
                foreach (object? call in list)
                {
                    if (call is null) continue;
                    if ((call is PSObject p ? p.BaseObject : call) is ToolCall known)
                    {
                        read.Add(known);
                        continue;
                    }
                    PSObject callShape = call as PSObject ?? PSObject.AsPSObject(call);
                    string? name = Text(Property(callShape, "Name"));
                    if (name is null) continue;
                    read.Add(new ToolCall(Text(Property(callShape, "Id")) ?? string.Empty, name, Text(Property(callShape, "Arguments")) ?? "{}"));
                }
                if (read.Count > 0) return new ChatMessage(content, Text(Property(shape, "Thinking")), read);
            }
            return new ChatMessage(role, content, Text(Property(shape, "Thinking")));
        }

        private static object? Property(PSObject shape, string name)
        {
            if (shape.BaseObject is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (string.Equals(entry.Key?.ToString(), name, StringComparison.OrdinalIgnoreCase)) return entry.Value;
                }
                return null;
            }
            return shape.Properties[name]?.Value;
        }

        private static string? Text(object? value) => value is PSObject ps ? ps.BaseObject as string ?? ps.ToString() : value as string;

        private static AllyException Invalid(object value)
        {
            string what = value is PSObject ps ? ps.TypeNames.FirstOrDefault() ?? "The value" : value.GetType().FullName ?? "The value";
            return new AllyException(ErrorIds.InvalidConversation, Messages.NotAConversation(what), Messages.NotAConversationRemedy);
        }
    }

    /// <summary>Lets -Conversation take any shape <see cref="ConversationReader"/> reads.</summary>
    internal sealed class ConversationTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (inputData is null) return null;
            try
            {
                return ConversationReader.Read(inputData);
            }
            catch (AllyException ex)
            {
                throw new ArgumentTransformationMetadataException(ex.Message, ex);
            }
        }
    }
}
