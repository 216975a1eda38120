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
                messages.Add(new ChatMessage(role, content, Text(Property(itemShape, "Thinking"))));
            }
            if (messages.Count == 0) throw Invalid(value);
            return new Conversation(messages, Text(Property(shape, "Provider")), Text(Property(shape, "Model")));
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
