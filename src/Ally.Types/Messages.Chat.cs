namespace Ally
{
    // Enter-AllyChat: the interactive loop's prompt, notices and help.
    internal static partial class Messages
    {
        public static string InteractiveConsoleRequired(string why) =>
            F("Enter-AllyChat needs an interactive console, and this session has none: {0}.", why);
        public const string InteractiveConsoleRequiredRemedy =
            "In scripts, jobs and CI use Invoke-AllyChat (pass its answer back with -Conversation to go on with a chat); run Enter-AllyChat in pwsh in a terminal.";
        public const string StartedNonInteractive = "PowerShell was started with -NonInteractive";
        public static string HostWithoutConsole(string host) => F("it runs in the host '{0}' (a job, remoting or a runspace of its own), not in the console", Excerpt(host, 60));
        public const string InputRedirected = "its input is redirected";
        public const string CiVariableSet = "the CI environment variable is set";
        public const string OneChatRemedy = "Pipe one conversation to Enter-AllyChat, or give it with -Conversation.";

        /// <summary>The prompt: "ally (ollama llama3.1)> ".</summary>
        public static string ChatPrompt(string provider, string model) => F("ally ({0} {1})> ", provider, Excerpt(model, 60));
        /// <summary>The prompt of a continued line or an open """ block.</summary>
        public const string ChatContinuationPrompt = ">> ";
        public static string ChatWelcome(string provider, string model) =>
            F("{0} on {1}. /help lists the commands; Ctrl+C stops an answer; /exit leaves.", Excerpt(model, 60), provider);
        public static string ChatResumed(int turns) => F("Going on with a conversation of {0} turn{1}.", turns, turns == 1 ? string.Empty : "s");

        public const string ChatHelp =
            "Type a message and press Enter to send it. Commands:\n" +
            "  /model [name]             show the model, or change it\n" +
            "  /provider [name [model]]  show the provider, or change it; the chat goes on\n" +
            "  /system [text | none]     show, replace or remove the system prompt\n" +
            "  /clear                    forget the conversation (the system prompt stays)\n" +
            "  /save <file>              save the conversation; /save! <file> replaces a file\n" +
            "  /load <file>              go on with a saved conversation instead\n" +
            "  /tools [names | none]     show, add (/tools Get-Process, Get-Service) or remove\n" +
            "                            the commands offered as tools\n" +
            "  /exit, /quit              leave and return the conversation (or Ctrl+D)\n" +
            "  /help                     this list\n" +
            "End a line with \\ to go on on the next one; put \"\"\" on a line of its own before\n" +
            "and after a block. Start a message with // to begin it with /.\n" +
            "Ctrl+C stops an answer; at the prompt it leaves.";
        public static string ChatUnknownCommand(string name) =>
            F("Unknown command /{0}. Type /help for the commands; start a message with // to send a line that begins with /.", Excerpt(name, 40));

        public static string ChatUsing(string provider, string providerOrigin, string model, string modelOrigin, string server) =>
            F("Provider {0} (from {1}), model {2} (from {3}), {4}.", provider, providerOrigin, Excerpt(model, 80), modelOrigin, server);
        public static string ChatSwitched(string provider, string model) => F("Now chatting with {0} on {1}.", Excerpt(model, 80), provider);
        /// <summary>Where a provider or model chosen in the chat came from, as messages name origins.</summary>
        public const string ChatModelCommand = "/model";
        public const string ChatProviderCommand = "/provider";
        public const string ChatFromConversation = "the conversation";

        public static string ChatSystemShown(string text) => "System prompt: " + text;
        public const string ChatNoSystem = "No system prompt. /system <text> sets one.";
        public const string ChatSystemSet = "System prompt set.";
        public const string ChatSystemRemoved = "System prompt removed.";
        public const string ChatCleared = "Conversation forgotten; the system prompt stays.";

        public const string ChatSaveUsage = "Name the file: /save chat.json (/save! chat.json replaces a file that exists).";
        public static string ChatFileExists(string path, string given) => F("{0} exists; /save! {1} replaces it.", path, given);
        public static string ChatSaved(string path, int turns) => F("Saved {0} turn{1} to {2}.", turns, turns == 1 ? string.Empty : "s", path);
        public const string ChatLoadUsage = "Name the file: /load chat.json.";
        public static string ChatLoaded(string path, int turns) => F("Loaded {0} turn{1} from {2}.", turns, turns == 1 ? string.Empty : "s", path);

        public const string ChatNoTools = "No commands are offered as tools. /tools Get-Process, Get-Service offers some.";
        public static string ChatTools(string names) => "Commands offered as tools: " + names + ". /tools none removes them.";
        public static string ChatToolNotFound(string name) => F("No command '{0}' was found (Get-Command {0}).", Excerpt(name, 80));
        public const string ChatToolsRemoved = "No commands are offered as tools now.";
        public static string ChatToolCalled(string name, string arguments, string status) => F("[tool] {0} {1}: {2}", name, Excerpt(arguments, 120), status);

        public const string ChatStopped = "Stopped. The part of the answer shown is kept in the conversation.";
        public const string ChatStoppedBeforeAnswer = "Stopped before the answer began; the question is not kept.";
        public const string ChatTurnNotKept = "The question is not kept in the conversation; send it again once the problem is solved.";
        public static string ChatKeptIn(string variable) => F("The conversation is in ${0}.", variable);
    }
}
