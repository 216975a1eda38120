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

        // -Tool: what cannot be a tool.
        public static string NotACommandForTools(string name, string type) =>
            F("{0} is a {1}; only cmdlets, functions and scripts can be offered as tools.", name, type);
        public static string NoParameterSets(string name) => F("{0} has no parameter sets and cannot be offered as a tool.", name);
        public static string UnfillableParameter(string name, string parameter, string type) =>
            F("{0} cannot be offered as a tool: its mandatory parameter -{1} takes a {2}, which a model cannot give.", name, parameter, type);
        public const string InvalidToolRemedy =
            "Offer cmdlets, functions or scripts (Get-Command Get-Process, Get-Service), or wrap the command in a function with simple parameters.";

        // What the model reads about a tool, and what it hears back.
        public static string ToolRunsCommand(string name) => F("Runs the PowerShell command {0}.", name);
        public const string ToolAsksFirst = " It changes the system: the user is asked before it runs, and may say no.";
        public static string NoSuchTool(string name, string tools) => F("There is no tool named '{0}'. The tools you can call are: {1}.", name, tools);
        public static string ToolNotRun(string why) => "Not run: " + why;
        public static string ToolCannotAsk(string name) =>
            F("Not run: {0} changes the system, and this session cannot ask the user to confirm it. The user can allow such commands with -Force.", name);
        public static string ToolDeclined(string commandLine) => F("Not run: the user declined to run {0}.", commandLine);
        public const string ToolShouldProcessAction = "Run the command the model asked for";
        public const string ToolNoOutput = "(no output)";
        public static string ToolErrors(string errors) => "Errors:\n" + errors;
        public static string ToolOutputCut(int shown, int total) => F("\n[output cut: {0:N0} of {1:N0} characters shown]", shown, total);
        public static string ToolArgumentsNotJson(string why) => F("the arguments are not valid JSON ({0}).", why);
        public const string ToolArgumentsNotObject = "the arguments must be a JSON object of parameter names and values.";
        public static string ToolNoSuchParameter(string name, string parameter, string parameters) =>
            F("{0} has no parameter '{1}' that can be given; its parameters are: {2}.", name, parameter, parameters);
        public static string ToolCalled(string commandLine) => F("The model calls {0}", commandLine);
        public static string ToolRan(string name, ToolCallStatus status, int objects, double milliseconds) =>
            F("{0}: {1}, {2} object{3}, {4:N0} ms.", name, status, objects, objects == 1 ? string.Empty : "s", milliseconds);

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
        // What in an answer does not match -Schema ($.path: problem).
        public static string AnswerNothingAllowed(string path) => F("{0}: is not allowed here", path);
        public static string AnswerWrongType(string path, string expected, string actual) => F("{0}: should be {1}, not {2}", path, expected, actual);
        public static string AnswerNotConst(string path, string value) => F("{0}: should be {1}", path, value);
        public static string AnswerNotInEnum(string path, string values, string actual) => F("{0}: should be one of {1}, not {2}", path, values, actual);
        public static string AnswerTooShort(string path, int length) => F("{0}: should have at least {1} characters", path, length);
        public static string AnswerTooLong(string path, int length) => F("{0}: should have at most {1} characters", path, length);
        public static string AnswerNoPatternMatch(string path, string pattern) => F("{0}: should match the pattern {1}", path, pattern);
        public static string AnswerBelowMinimum(string path, string minimum) => F("{0}: should be at least {1}", path, minimum);
        public static string AnswerAboveMaximum(string path, string maximum) => F("{0}: should be at most {1}", path, maximum);
        public static string AnswerNotAboveMinimum(string path, string minimum) => F("{0}: should be more than {1}", path, minimum);
        public static string AnswerNotBelowMaximum(string path, string maximum) => F("{0}: should be less than {1}", path, maximum);
        public static string AnswerNotMultiple(string path, string step) => F("{0}: should be a multiple of {1}", path, step);
        public static string AnswerMatchesNoForm(string path) => F("{0}: matches none of the allowed forms (anyOf)", path);
        public static string AnswerMatchesForms(string path, int matching) => F("{0}: should match exactly one of the allowed forms (oneOf), matches {1}", path, matching);
        public static string AnswerMatchesForbiddenForm(string path) => F("{0}: matches a form that is not allowed (not)", path);
        public static string AnswerPropertyMissing(string path, string name) => F("{0}: the property \"{1}\" is missing", path, name);
        public static string AnswerPropertyNotAllowed(string path, string name) => F("{0}: the property \"{1}\" is not allowed", path, name);
        public static string AnswerTooFewItems(string path, int minimum, int count) => F("{0}: should have at least {1} items, has {2}", path, minimum, count);
        public static string AnswerTooManyItems(string path, int maximum, int count) => F("{0}: should have at most {1} items, has {2}", path, maximum, count);
        public static string AnswerRepeats(string path, string item) => F("{0}: should not repeat {1}", path, item);
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
