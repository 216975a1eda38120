using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Ally
{
    /// <summary>
    /// Every message a user reads comes from here, so wording stays consistent and reviewable. Text
    /// that comes from the user or a server goes through <see cref="Excerpt"/>: no message echoes more
    /// than a couple of hundred characters of it.
    /// </summary>
    internal static partial class Messages
    {
        private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

        /// <summary>Capitalises a sentence that starts with a server name ("the server at …" → "The server at …").</summary>
        private static string Cap(string text) => text.Length > 0 && char.IsLower(text[0]) ? char.ToUpperInvariant(text[0]) + text.Substring(1) : text;

        /// <summary>The longest excerpt of user or server text a message carries.</summary>
        public const int ExcerptLength = 200;

        /// <summary>
        /// <paramref name="text"/> on one line (runs of whitespace and line breaks become one space),
        /// cut to <paramref name="max"/> characters with an ellipsis.
        /// </summary>
        public static string Excerpt(string? text, int max = ExcerptLength)
        {
            if (string.IsNullOrEmpty(text)) return string.Empty;
            var sb = new StringBuilder(Math.Min(text!.Length, max + 1));
            bool space = false;
            foreach (char c in text)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c))
                {
                    space = sb.Length > 0;
                    continue;
                }
                if (space) sb.Append(' ');
                space = false;
                sb.Append(c);
                if (sb.Length > max) break;
            }
            if (sb.Length <= max) return sb.ToString();
            return sb.ToString(0, max - 1).TrimEnd() + "…";
        }

        /// <summary>A value as a user would describe it: "a hashtable", "a list", "the text 'abc'", "42".</summary>
        public static string DescribeValue(object? value) => value switch
        {
            null => "nothing",
            string s => F("the text '{0}'", Excerpt(s, 60)),
            bool b => b ? "$true" : "$false",
            IDictionary => "a hashtable",
            IEnumerable => "a list",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => F("a {0}", value.GetType().Name),
        };

        /// <summary>"the server at http://host:8080/v1/": how a server without a name of its own is called.</summary>
        public static string ServerAt(Uri address) => F("the server at {0}", address);

        /// <summary>A server's name with its address, unless the name already has it.</summary>
        public static string WithAddress(string server, Uri address) =>
            server.IndexOf(address.ToString(), StringComparison.OrdinalIgnoreCase) >= 0 ? server : F("{0} at {1}", server, address);

        // Settings, checked before any request.

        /// <summary>"'x' (from ALLY_MAX_RETRY) cannot be used: it must be from 0 to 10." — <paramref name="value"/> already quoted or described.</summary>
        public static string InvalidSettingValue(string value, string origin, string why) => F("{0} (from {1}) cannot be used: {2}.", value, origin, why);
        public static string WrongKind(object value) => "it is " + DescribeValue(value);
        public static string KnownProviders(IEnumerable<string> names) => "Use one of: " + string.Join(", ", names) + ".";
        public const string NotAProvider = "it is not a provider Ally knows";
        public const string ProviderCannotList = "that provider cannot do this";
        public static string ProviderCannotDo(string provider, string task) => provider + " cannot be used for " + task;
        public const string ChatTask = "chat";
        public const string EmbeddingTask = "embeddings";
        public static string NameTooLong(int length, int max) => F("it is {0} characters long, and model names have at most {1}", length, max);
        public const string SchemeMustBeHttp = "the scheme must be http or https";
        public const string NotAValidAddress = "it is not a valid address";
        public const string NotAnHttpAddress = "it is not an http or https address";
        public static string OllamaHostBadPort(string port, string defaultPort) => F("OLLAMA_HOST has an invalid port '{0}'; using {1}.", Excerpt(port, 20), defaultPort);
        public const string InvalidOllamaHostRemedy = "Set it like Ollama expects, e.g. 127.0.0.1:11434 or http://server:11434.";
        public static string BaseUrlRemedy(string example) => F("Set it to the API's base address, e.g. {0}.", example);
        public const string NotAWholeNumber = "it is not a whole number";
        public const string NotANumber = "it is not a number";
        public const string NotPositive = "it must be more than 0";
        public static string OutOfRange(double min, double max) =>
            max >= int.MaxValue ? F("it must be at least {0}", min) : F("it must be from {0} to {1}", min, max);
        public static string RangeRemedy(double min, double max) =>
            max >= int.MaxValue ? F("Use a whole number of {0} or more.", min) : F("Use a value from {0} to {1}.", min, max);
        public const string MaxCostRemedy = "Use a positive amount in USD, e.g. 0.50.";
        public const string NotATable = "it is not a hashtable";
        public const string OptionsRemedy = "Pass a hashtable, e.g. -Options @{ num_ctx = 8192 }.";

        public static string InvalidModelName(string value, string source) => F("'{0}' (from {1}) is not a valid Ollama model name.", value, source);
        public const string InvalidModelNameRemedy = "Use name[:tag] or namespace/name[:tag], e.g. llama3.1 or llama3.2:3b.";
        public static string InvalidOpenRouterModel(string value, string source) => F("'{0}' (from {1}) is not an OpenRouter model id.", value, source);
        public static string OpenRouterModelFormRemedy(string model) =>
            F("Use the vendor/model form (e.g. openai/gpt-4o, anthropic/claude-sonnet-4.5) instead of '{0}'; list models with `Get-AllyModel -Provider openrouter`.", Excerpt(model, 80));

        public static string UnknownOllamaOption(string key, IEnumerable<string> known) =>
            F("'{0}' is not an Ollama option.", key) + " Valid options: " + string.Join(", ", known) + ".";
        public static string InvalidOllamaOptionValue(string key, string kind, string value) => F("The Ollama option {0} needs {1}, not {2}.", key, kind, value);
        public const string KindWholeNumber = "a whole number";
        public const string KindNumber = "a number";
        public const string KindBoolean = "$true or $false";
        public const string KindTextList = "a list of strings";
        public const string KindText = "text";
        public static string ReservedOption(string key) => F("-Options cannot set '{0}': Ally sets it itself.", Excerpt(key, 60));

        public const string PromptRequired = "No prompt was given and nothing was piped in.";
        public const string PromptRequiredRemedy = "Pass a prompt, e.g. Invoke-AllyChat \"Explain this\", or pipe text into the command.";

        // API keys.

        public static string ApiKeyRequired(string server) => F("{0} needs an API key and none was found.", Cap(server));
        public static string ApiKeyRemedy(string variable) =>
            F("Set the {0} environment variable (safest), pass -ApiKey (a SecureString, e.g. from Read-Host -AsSecureString), " +
              "or store it in a SecretManagement vault and set ALLY_SECRET_VAULT to the vault's name (secret name {0}).", variable);
        public static string PlainTextApiKeyWarning(string variable) =>
            F("-ApiKey was given as plain text, which can end up in your history and logs. An environment variable ({0}) or a SecretManagement vault is safer.", variable);
        public static string VaultReadFailed(string vault, string name, string reason) => F("Could not read secret '{0}' from vault '{1}': {2}", name, vault, Excerpt(reason));
        public static string VaultUnavailable(string vault) =>
            F("ALLY_SECRET_VAULT is set to '{0}', but Get-Secret (Microsoft.PowerShell.SecretManagement) is not available.", vault);
        public static string ServerWantsKey(string server, string text) => Cap(F("{0} wants an API key (it answered 401: {1}).", server, text));
        public static string ServerRefusedKey(string server, string source, string text) => Cap(F("{0} refused the API key from {1} (401: {2}).", server, source, text));
        public static string KeyRemedy(string variable) =>
            F("Give the key the server expects in {0}, with -ApiKey, or in the vault named by ALLY_SECRET_VAULT (secret {0}).", variable);
        public static string OpenRouterKeyRemedy(string variable) =>
            F("Check the key in {0} (or -ApiKey, or your vault's secret) and verify it at https://openrouter.ai/settings/keys.", variable);

        // Connections.

        public static string OllamaUnreachable(Uri host, string reason) => F("Could not connect to Ollama at {0} ({1}).", host, reason);
        public const string OllamaUnreachableRemedy = "Start it with `ollama serve`, or set OLLAMA_HOST to the address it listens on.";
        public static string ProviderUnreachable(string server, string reason) => Cap(F("Could not connect to {0} ({1}).", server, reason));
        public static string ProviderUnreachableRemedy(string variable) =>
            F("Check that the server runs, the network and proxy settings, and {0}.", variable);
        public static string ConnectionLost(string server, string reason) => Cap(F("The connection to {0} was lost before the answer began ({1}).", server, reason));
        public const string ConnectionLostRemedy =
            "Nothing of the answer had arrived, so running the command again is safe; Ally already retried -MaxRetry times. " +
            "If it keeps happening, the server (a restart, a crash) or a proxy in between is closing connections: check its logs.";
        public static string NotOllama(Uri host, string path, string text) =>
            F("The server at {0} is not Ollama: it answered 404 to /{1} ({2}).", host, path, text);
        public static string NotOllamaRemedy(Uri host) =>
            F("If it is an OpenAI-compatible server (llama.cpp, vLLM, LM Studio), use -Provider openai with ALLY_OPENAI_BASE_URL={0}v1; otherwise set OLLAMA_HOST to your Ollama server's address.", host);
        public static string GatewayRemedy(string variable) =>
            F("A proxy or gateway answered instead of the server: check that the server runs behind it, and {0}.", variable);

        // What servers answer.

        public static string ServerAnswered(string server, int status, string? reason, string text)
        {
            string code = string.IsNullOrEmpty(reason) ? status.ToString(CultureInfo.InvariantCulture) : F("{0} ({1})", status, reason);
            return string.IsNullOrEmpty(text) || string.Equals(text, reason, StringComparison.OrdinalIgnoreCase)
                ? Cap(F("{0} answered {1}.", server, code))
                : Cap(F("{0} answered {1}: {2}", server, code, text));
        }
        public static string ModelNotInstalled(string model) => F("The model '{0}' is not installed.", model);
        public static string ModelNotFoundRemedy(string model) =>
            F("Run `Install-AllyModel {0}` to download it (or `ollama pull {0}`), or list installed models with `ollama list`.", Excerpt(model, 80));
        public const string OllamaAccessDeniedRemedy = "A proxy in front of Ollama, or a cloud model without `ollama signin`, refused the request; check OLLAMA_HOST and the proxy's credentials.";
        public const string ServerBusyRemedy = "Ollama's request queue is full; try again shortly or raise OLLAMA_MAX_QUEUE on the server.";
        public static string InsufficientMemoryRemedy(string model) =>
            F("Use a smaller variant (e.g. `Install-AllyModel llama3.2:1b`, then -Model llama3.2:1b, instead of {0}), unload other models (Get-AllyModel -Running), or add memory or swap.", Excerpt(model, 80));
        public static string ContextLengthRemedy(string provider) =>
            F("Shorten the input (or send items one at a time with -ForEach), choose a model with a longer context (`Get-AllyModel -Provider {0}`), " +
              "or, for Ollama and llama.cpp, give the server a larger context (Ollama: -Options @{{ num_ctx = 16384 }}).", provider);
        public static string ModelListRemedy(string model, string provider) =>
            F("Check the name '{0}'; `Get-AllyModel -Provider {1}` lists the models the server serves.", Excerpt(model, 80), provider);
        public static string OpenRouterModelUnavailableRemedy(string model) =>
            F("'{0}' is not available on OpenRouter now; check the name, in the vendor/model form (e.g. openai/gpt-4o), with `Get-AllyModel -Provider openrouter`, or pick another model.", Excerpt(model, 80));
        public static string ModelNotListed(string model, string server, string provider) =>
            Cap(F("{0} does not list the model '{1}'; `Get-AllyModel -Provider {2}` shows the models it serves.", server, Excerpt(model, 80), provider));
        public const string InsufficientCreditsRemedy = "Add credits at https://openrouter.ai/credits, or raise this key's credit limit.";
        public const string InsufficientQuotaRemedy = "The account's quota is used up: check the plan and billing of the account the key belongs to; retrying does not help.";
        public const string RequestBlockedRemedy = "The request was refused by moderation or a guardrail; rephrase the prompt or choose another model.";
        public static string RateLimitedRemedy(string provider) =>
            F("Wait a little and try again (Ally retries by itself, honouring Retry-After: raise -MaxRetry or ALLY_MAX_RETRY to let it wait longer), " +
              "or lower -ThrottleLimit; `Test-AllyProvider -Provider {0}` shows the limits it reports.", provider);
        public const string UpstreamRemedy = "The model's provider failed; try again, or choose another model.";
        public const string ServiceUnavailableRemedy = "No provider can serve this model right now; try again later or choose another model.";
        public const string TryAgainRemedy = "Try again; a smaller -MaxTokens helps long requests.";
        public const string ServerErrorRemedy = "The server's message says what failed; its log has the details. Try again, or with another model.";
        public static string InvalidResponse(string server) => Cap(F("{0} sent a response Ally could not read.", server));
        public const string InvalidResponseRemedy = "Check that the address points at the right kind of server; if it does, try again.";

        // During the answer.

        public static string StreamError(string server, string serverText) => Cap(F("{0} reported an error while generating the answer: {1}", server, serverText));
        public const string ProviderReportedError = "the provider reported an error";
        public static string StreamTruncated(string server) => Cap(F("The connection to {0} ended before the answer was complete.", server));
        public static string MalformedStream(string server, string excerpt) => Cap(F("{0} sent a line Ally could not read in the middle of the answer: {1}", server, excerpt));
        public const string MalformedLine = "a line that is not JSON";
        public const string PartialKeptRemedy =
            "Run the command again for a whole answer. The part received before the failure is the error's TargetObject " +
            "($Error[0].TargetObject) and the exception's PartialResponse.";
        public const string RunAgainRemedy = "Nothing of the answer had arrived: run the command again.";
        public const string MalformedStreamRemedy =
            "Run the command again; if it happens again, a proxy may be changing the response, or the server is not the kind the provider expects. " +
            "Any part received before it is the error's TargetObject.";
        public static string TokenLimitInThinking(int? tokens) =>
            F("The answer is empty: the model spent the whole token limit{0} on its reasoning (see Thinking). Raise -MaxTokens.",
                tokens is int n ? F(" ({0} tokens)", n) : string.Empty);

        public static string Timeout(double seconds) => F("The request did not finish within {0} seconds.", seconds);
        public const string TimeoutRemedy = "Raise -TimeoutSec (0 means no limit), use a smaller model, or lower -MaxTokens.";
        public static string Retrying(string problem, TimeSpan delay, int retry, int maxRetries) =>
            F("{0} Retrying in {1:0.0} s ({2} of {3}).", problem, delay.TotalSeconds, retry, maxRetries);
        public static string CostLimitReached(decimal spent, decimal limit) =>
            F("Stopped: the requests so far cost {0:0.######} USD, which reaches the limit of {1:0.######} USD.", spent, limit);
        public const string CostLimitRemedy = "Raise -MaxCost (or ALLY_MAX_COST), or send fewer items.";

        // Model management (Get-AllyModel, Install-AllyModel, Remove-AllyModel).

        public static string TransferOf(string completed, string total) => F("{0} of {1}", completed, total);
        public const string Unloading = "Stopping...";
        public const string Forever = "Forever";
        public static string FromNow(int count, string unit) => F("{0} {1}{2} from now", count, unit, count == 1 ? string.Empty : "s");
        public const string PriceFree = "free";
        public const string PriceVariable = "variable";

        public static string NoInstalledModel(string name) => F("No installed model matches '{0}'.", Excerpt(name, 80));
        public static string NoInstalledModelRemedy(string name) =>
            F("List installed models with Get-AllyModel, or install this one with `Install-AllyModel {0}`.", Excerpt(name, 80));
        public static string NoCatalogModel(string server, string name) => Cap(F("{0} lists no model '{1}'.", server, Excerpt(name, 80)));
        public static string NoCatalogModelRemedy(string provider) =>
            F("`Get-AllyModel -Provider {0}` lists the model names (OpenRouter names them vendor/model, e.g. openai/gpt-4o).", provider);
        public static string NotRecommended(string name) => F("'{0}' is not among the recommended models.", Excerpt(name, 80));
        public const string NotRecommendedRemedy = "Get-AllyModel -Recommended lists them; -UseCase Code, Chat, Analysis or Privacy narrows the list.";
        public static string NoRunningModel(string name) => F("No model matching '{0}' is loaded.", Excerpt(name, 80));
        public const string NoRunningModelRemedy = "Get-AllyModel -Running lists the models Ollama holds in memory; a model loads when it is first used.";
        public static string OnlyFor(string parameter, IEnumerable<string> providers) =>
            F("{0} applies to -Provider {1} only.", parameter, string.Join(" or ", providers));
        public static string ProviderCannot(string provider, string what, IEnumerable<string> providers) =>
            F("The provider {0} cannot {1}; these can: {2}.", provider, what, string.Join(", ", providers));

        public const string RemoveNotFoundRemedy = "Get-AllyModel lists the installed models.";
        public static string RecommendedInstalledUnknown(string reason) =>
            F("Could not ask Ollama which models are installed, so IsInstalled is empty: {0}", reason);

        public static string PullActivity(string model) => F("Installing {0}", model);
        public static string PullLayerActivity(string digest) => F("Layer {0}", digest);
        public static string PullLayerCount(int done, int count, string transfer) => F("{0} of {1} layers, {2}", done, count, transfer);
        public const string PullStarting = "Starting";
        public static string PullModelNotFound(string model, string serverText) => F("Ollama could not find '{0}' to pull: {1}", Excerpt(model, 80), serverText);
        public static string PullModelNotFoundRemedy(string shortName) =>
            F("Check the name and tag (e.g. {0} or {0}:latest) at https://ollama.com/library; Get-AllyModel -Recommended lists suggestions.", Excerpt(shortName, 80));
        public static string PullFailed(string model, string serverText) => F("Pulling '{0}' failed: {1}", model, serverText);
        public static string PullFailedRemedy(string model) => F("Run `Install-AllyModel {0}` again: the download resumes where it stopped.", model);
        public static string PullIncomplete(string model) => F("The pull of '{0}' ended before Ollama reported success.", model);
        public static string HostedModelNotInstallable(string names) => F("Skipped hosted models (they run on a hosted provider and need no install): {0}.", names);
        public const string ShouldProcessInstall = "Download and install the Ollama model";
        public const string ShouldProcessRemove = "Delete the Ollama model";

        public static string InstalledTooltip(string name, string? parameterSize, string? quantization, string size) =>
            F("{0} ({1})", name, string.Join(", ", new[] { parameterSize, quantization, size }.Where(p => !string.IsNullOrEmpty(p))));
        public static string CatalogTooltip(string displayName, string context, string promptPrice, string completionPrice) =>
            F("{0}: {1} tokens context, {2} in / {3} out per million tokens", displayName, context.Length == 0 ? "?" : context, promptPrice, completionPrice);
        public static string RecommendedTooltip(string name) => F("{0} (recommended; Get-AllyModel -Recommended)", name);
    }
}
