namespace Ally
{
    internal static partial class Messages
    {
        public const string NotAVariableName = "it is not an environment variable name (letters, digits and _)";
        public const string VariableNameRemedy = "Give the name of the variable that holds the key, e.g. api_key_env = \"MY_OPENROUTER_KEY\".";
        public const string NotADuration = "it is not a duration";
        public const string KeepAliveRemedy = "Use a duration such as \"10m\" or \"1h\", 0 to unload at once, or -1 to keep the model loaded.";

        public static string ApiKeyInConfigFile(string where, string key) =>
            F("{0} holds a secret ({1}); Ally does not read API keys or other secrets from ally.toml, and did not use it.", where, key);
        public const string ApiKeyInConfigFileRemedy =
            "Remove the line. Put the key in an environment variable (and, if it is not the provider's own, name it with api_key_env = \"VARIABLE\" under [provider]), " +
            "or in a SecretManagement vault named by [secrets] vault.";

        public static string SecretInAddressRemedy(string variable) =>
            F("Keep the address without the user and password in the file, and put the full address in the {0} environment variable (set in your profile or the job's secrets); the default credentials are sent when the address has none.", variable);

        public static string UnknownConfigKey(string path, int line, string key, string? nearest) => nearest is null
            ? F("{0}:{1}: Ally has no setting '{2}'; the line is ignored. Get-AllyConfiguration lists every key.", path, line, key)
            : F("{0}:{1}: Ally has no setting '{2}'; the line is ignored. Did you mean '{3}'?", path, line, key, nearest);

        public static string WrongConfigKind(string path, int line, string key, string expected, string actual) =>
            F("{0}:{1}: {2} takes {3}, not {4}; the line is ignored.", path, line, key, expected, actual);

        public static string ConfigFileSyntax(string path, int line, int column, string problem) =>
            F("{0}:{1}:{2}: the file is not valid TOML: {3}", path, line, column, problem);
        public const string ConfigFileSyntaxRemedy =
            "Fix that line (TOML: key = \"text\", key = 42, [section] headers), or point ALLY_CONFIG at another file. Test-AllyConfiguration checks the files.";

        public static string ConfigFileMissing(string path) =>
            F("ALLY_CONFIG names {0}, which does not exist; no user settings file is read.", path);

        public static string ConfigFileUnreadable(string path, string why) => F("{0} could not be read: {1}", path, why);
        public static string ConfigFileUnwritable(string path, string why) => F("{0} could not be written: {1}", path, why);
        public static string FromWhere(string problem, string where) => F("{0} (from {1})", problem.TrimEnd('.'), where);
        public const string ConfigFileAccessRemedy = "Check the file's permissions, or point ALLY_CONFIG at a file you can read and write.";
    
        public static string NoSuchConfigKey(string key, string? nearest) => nearest is null
            ? F("Ally has no setting '{0}'.", key)
            : F("Ally has no setting '{0}'. Did you mean '{1}'?", key, nearest);
        public const string NoSuchConfigKeyRemedy = "Get-AllyConfiguration lists every setting with its ally.toml key; Tab completes the keys.";
        public static string SecretNotWritten(string key) => F("Ally does not write secrets ({0}) to ally.toml.", key);
        public static string SetConfigAction(string key, string value) => F("Set {0} = {1}", key, value);
        public static string OverriddenAfterSet(string key, string path, string origin) =>
            F("{0} is now set in {1}, but {2} still overrides it.", key, path, origin);
        public const string NotAScalarValue = "ally.toml takes a string, a number or true/false here";
        public static string ConfigFileRead(string path, string scope) => F("The {0} file {1} is valid.", scope, path);
        public static string ConfigFileAbsent(string path, bool fromVariable) => fromVariable
            ? F("ALLY_CONFIG names {0}, which does not exist.", path)
            : F("There is no user file at {0}; defaults and environment variables apply.", path);
        public const string ConfigFileAbsentRemedy = "Create one with Set-AllyConfiguration -Key provider.model -Value llama3.2 (or any key), if you want one.";
        public const string FixConfigLineRemedy = "Fix or remove the line; Get-AllyConfiguration lists the keys Ally takes.";
        public static string SettingFrom(string name, string value, string origin) => F("{0} = {1} (from {2}).", name, value.Length == 0 ? "(empty)" : value, origin);
        public static string ChatConfigured(string provider, string model, string? keySource) => keySource is null
            ? F("{0} with model {1}.", provider, model)
            : F("{0} with model {1}; the API key comes from {2}.", provider, model, keySource);
        public static string ProviderAnswered(string provider, string address, string? model) =>
            F("{0} at {1} answered{2}.", provider, address, model is null ? string.Empty : F(", and has {0}", model));
        public const string ProviderCheckRemedy = "Run Test-AllyProvider for the details of each problem and its remedy.";
        public static string ServerSideVariable(string name) =>
            F("{0} is a setting of the Ollama server, not of Ally: it applies where `ollama serve` runs (set it in that server's environment).", name);
        public const string ServerSideVariableRemedy = "Set it for the Ollama service (e.g. systemctl edit ollama, or before `ollama serve`); Ally does not need it.";
        public const string OpenRouterCacheHasNoEffect =
            "OPENROUTER_CACHE_ENABLED has no effect: OpenRouter offers no request cache to turn on. Prompt caching happens on its own for the models whose providers support it, and is billed at the cached rate.";
        public const string OpenRouterCacheRemedy = "Unset OPENROUTER_CACHE_ENABLED; nothing needs to be turned on.";
        public static string ConfigurationInvalid(int failed, int total, string first) =>
            F("{0} of {1} configuration checks failed. The first: {2}", failed, total, first);
        public const string ConfigurationInvalidRemedy = "See the checks with Status Failed and their Remedy (Test-AllyConfiguration | Where-Object Status -eq Failed).";
    }
}
