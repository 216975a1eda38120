namespace Ally
{
    internal static partial class Messages
    {
        public static string ToolsNotSupportedRemedy(string provider) => provider switch
        {
            "ollama" => "Choose a model that can call tools: Get-AllyModel -Detailed shows each installed model's Capabilities (llama3.1, llama3.2 and qwen2.5 have tools); or leave out -Tool.",
            "openrouter" => "Choose a model that can call tools: Get-AllyModel -Provider openrouter | Where-Object SupportsTools lists them; or leave out -Tool.",
            _ => "Choose a model that can call tools (a llama.cpp server needs --jinja for tool calls); or leave out -Tool.",
        };
        public static string ToolCallLimitReached(int limit) =>
            F("The model still wanted tools after {0} tool call{1} (-MaxToolCalls {0}); the answer may be unfinished. Raise -MaxToolCalls or ask a narrower question.",
                limit, limit == 1 ? string.Empty : "s");
        public static string ToolNotRunLimit(int limit) =>
            F("Not run: the limit of {0} tool calls for this question was reached. Answer with what you have.", limit);

        public const string ToolNotRunStopped = "Not run, or not finished: the user stopped the answer.";

        // Structured output.
        public static string InvalidSchema(string why) => F("-Schema is not a JSON Schema Ally can use: {0}.", why);
        public const string InvalidSchemaRemedy =
            "Give a hashtable such as @{ type = 'object'; properties = @{ name = @{ type = 'string' } }; required = @('name') }, or JSON Schema text; or use -Format json for any JSON.";
        public static string SchemaNotJson(string why) => F("it is not JSON ({0})", why);
        public const string SchemaNotObject = "a schema is a JSON object";
        public static string SchemaPartNotObject(string path) => F("{0} should be a schema (an object, true or false)", path);
        public static string SchemaBadType(string path) =>
            F("{0} should be one of object, array, string, number, integer, boolean, null (or a list of them)", path);
        public static string SchemaKeyword(string path, string what) => F("{0} should be {1}", path, what);
        public static string SchemaBadRef(string path, string reference) => F("{0} ({1}) does not point into the schema (use #/$defs/name)", path, reference);
        public const string AnswerWithJson = "Answer with only a JSON value: no other text, no code fence.";
        public static string AnswerWithSchema(string schema) =>
            "Answer with only a JSON value that matches this JSON Schema: no other text, no code fence.\n" + schema;
        public static string AnswerNotJson(string why) => F("the answer is not JSON ({0})", why);
        public static string AnswerAgain(string problems) =>
            "Your answer did not match what was asked: " + problems + ". Answer again with only the JSON value.";
        public static string AskingAgain(int attempt, string problems) => F("The answer did not match (try {0}): {1}. Asking again.", attempt, problems);
        public static string StructuredOutputInvalid(int tries, string problems) =>
            F("The answer was not JSON of the asked shape after {0} tr{1}: {2}.", tries, tries == 1 ? "y" : "ies", problems);
        public const string StructuredOutputInvalidRemedy =
            "The response is on the error's TargetObject. Try a larger model, a simpler schema, or -Format json and check the answer yourself.";
    }
}
