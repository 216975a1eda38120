namespace Ally
{
    internal static partial class Messages
    {
        public static string NotJson(string why) => F("it is not JSON ({0})", Excerpt(why, 120));
        public static string NoConversationFormat(string format) => F("it has no \"format\": \"{0}\"", format);
        public const string NoConversationVersion = "it has no version number";
        public const string NoConversationMessages = "it has no \"messages\" list";
        public static string BadConversationMessage(int index) =>
            F("message {0} needs a \"role\" (system, user, assistant or tool) and a \"content\" text", index);
        public static string NotAConversationFile(string path, string why) => F("{0} is not a saved Ally conversation: {1}.", path, why);
        public const string NotAConversationFileRemedy = "Give a file written by Export-AllyConversation.";
        public static string NewerConversationFile(string path, int version, int supported) =>
            F("{0} is a conversation file of version {1}; this Ally reads up to version {2}.", path, version, supported);
        public const string NewerFileRemedy = "Update Ally (Update-Module Ally) to read it.";

        public static string NotAConversation(string what) =>
            F("{0} is not a conversation: it needs a Messages list whose items have a Role and a Content.", what);
        public const string NotAConversationRemedy =
            "Pass what Invoke-AllyChat returned (a ChatResponse), a Conversation (Import-AllyConversation), or such an object after Export-Clixml/Import-Clixml or ConvertTo-Json/ConvertFrom-Json.";
        public const string OneConversationAtATime = "Several conversations were piped in; one command continues one conversation.";
        public const string OneConversationRemedy = "Add -ForEach to continue each of them, or pipe one.";
        public const string OneConversationPerFile = "Several conversations were piped to Export-AllyConversation; a file holds one.";
        public const string OneConversationPerFileRemedy = "Export each to its own file, e.g. with ForEach-Object and a -Path per conversation.";
        public static string ShouldProcessExportConversation(int messages) => F("Save a conversation of {0} messages", messages);
        public static string ConversationTooLong(int tokens, string model, int window, int reserve) =>
            F("The conversation is about {0:N0} tokens; {1} takes {2:N0}, with {3:N0} kept for the answer.", tokens, model, window, reserve);
        public const string ConversationTooLongRemedy =
            "Shorten the question or the piped input, or choose a model with a longer context (Get-AllyModel -Detailed shows ContextLength).";
        public const string ConversationTooLongNoTruncateRemedy =
            "Leave out -NoTruncate to let Ally leave out the oldest turns, shorten the input, or choose a model with a longer context.";
        public static string TurnsLeftOut(int tokens, string model, int window, int turns) =>
            F("The conversation is about {0:N0} tokens, more than {1}'s {2:N0}: the oldest {3} turn{4} were left out (-NoTruncate fails instead).",
                tokens, model, window, turns, turns == 1 ? string.Empty : "s");
        public static string QuestionMayBeTooLong(int tokens, string model, int window) =>
            F("The question alone is about {0:N0} tokens by Ally's cautious estimate, more than {1}'s {2:N0}: it is sent without the earlier turns, and the model may not see all of it (-NoTruncate fails instead).",
                tokens, model, window);
        public static string ContinuingConversation(int messages, string? provider, string? model) =>
            F("Continuing a conversation of {0} messages{1}.", messages, provider is null ? string.Empty : F(" held with {0} {1}", provider, model));
    }
}
