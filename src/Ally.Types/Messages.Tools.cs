namespace Ally
{
    internal static partial class Messages
    {
        public const string ToolsNotSupportedRemedy =
            "Choose a model that can call tools (Get-AllyModel -Detailed shows a model's Capabilities or SupportedParameters; llama3.1 and qwen2.5 can), or leave out -Tool.";
        public static string ToolCallLimitReached(int limit) =>
            F("The model still wanted tools after {0} tool call{1} (-MaxToolCalls {0}); the answer may be unfinished. Raise -MaxToolCalls or ask a narrower question.",
                limit, limit == 1 ? string.Empty : "s");
        public static string ToolNotRunLimit(int limit) =>
            F("Not run: the limit of {0} tool calls for this question was reached. Answer with what you have.", limit);
    }
}
