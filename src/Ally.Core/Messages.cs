using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Ally
{
    /// <summary>
    /// Every message a user reads comes from here, so wording stays consistent and reviewable.
    /// </summary>
    internal static class Messages
    {
        private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

        /// <summary>Capitalises a sentence that starts with a provider name ("the server" → "The server").</summary>
        private static string Cap(string text) => text.Length > 0 && char.IsLower(text[0]) ? char.ToUpperInvariant(text[0]) + text.Substring(1) : text;

        public static string OllamaUnreachable(Uri host, string reason) =>
            F("Could not connect to Ollama at {0} ({1}).", host, reason);
        public const string OllamaUnreachableRemedy =
            "Start it with `ollama serve`, or set OLLAMA_HOST to the address it listens on.";

        public static string ConnectionLost(string provider, Uri host, string reason) =>
            F("The connection to {0} at {1} was lost ({2}).", provider, host, reason);

        public static string ModelNotInstalled(string model) => F("The model '{0}' is not installed.", model);

        public static string ModelNotFoundRemedy(string model) =>
            F("Run `Install-AllyModel {0}` to download it (or `ollama pull {0}`), or list installed models with `ollama list`.", model);

        public static string OllamaError(int status, string serverText) =>
            F("Ollama answered {0}: {1}", status, serverText);

        public const string ServerBusyRemedy = "Ollama's request queue is full; try again shortly or raise OLLAMA_MAX_QUEUE on the server.";

        public static string StreamError(string provider, string serverText) =>
            Cap(F("{0} reported an error while generating the answer: {1}", provider, serverText));
        public const string PartialKeptRemedy = "The part of the answer received before the error is on the exception's PartialResponse property.";

        public static string StreamTruncated(string provider) =>
            F("The connection to {0} ended before the answer was complete.", provider);

        public static string InvalidResponse(string provider, string detail) =>
            Cap(F("{0} sent a response Ally could not read: {1}", provider, detail));

        public static string Timeout(double seconds) =>
            F("The request did not finish within {0} seconds.", seconds);
        public const string TimeoutRemedy = "Raise -TimeoutSec (0 means no limit), use a smaller model, or lower -MaxTokens.";

        public static string Retrying(string problem, TimeSpan delay, int retry, int maxRetries) =>
            F("{0} Retrying in {1:0.0} s ({2} of {3}).", problem, delay.TotalSeconds, retry, maxRetries);

        public static string ProviderAnswered(string provider, int status, string serverText) =>
            Cap(F("{0} answered {1}: {2}", provider, status, serverText));

        public static string OpenRouterModelFormRemedy(string model) =>
            F("Use the vendor/model form (e.g. openai/gpt-4o, anthropic/claude-3-sonnet) instead of '{0}'; list models with `Get-AllyModel -Provider OpenRouter`.", model);
        public static string OpenRouterModelUnavailableRemedy(string model) =>
            F("'{0}' is not available on OpenRouter now; check the name with `Get-AllyModel -Provider OpenRouter` or pick another model.", model);
        public const string InvalidApiKeyRemedy =
            "Check the key in OPENROUTER_API_KEY (or -ApiKey, or your vault's secret) and verify it at https://openrouter.ai/settings/keys.";
        public const string InsufficientCreditsRemedy = "Add credits at https://openrouter.ai/credits, or raise this key's credit limit.";
        public const string RequestBlockedRemedy = "The request was refused by moderation or a guardrail; rephrase the prompt or choose another model.";
        public const string RateLimitedRemedy = "Wait a little, lower -ThrottleLimit, or check your limits with `Test-AllyProvider -Provider openrouter`.";
        public const string UpstreamRemedy = "The model's provider failed; try again, or choose another model.";
        public const string ServiceUnavailableRemedy = "No provider can serve this model right now; try again later or choose another model.";
        public const string TryAgainRemedy = "Try again; a smaller -MaxTokens helps long requests.";

        public static string ProviderUnreachable(string provider, Uri address, string reason) =>
            F("Could not connect to {0} at {1} ({2}).", provider, address, reason);
        public const string ProviderUnreachableRemedy = "Check the network connection and proxy settings, or ALLY_OPENROUTER_BASE_URL.";


        public static string InvalidOpenRouterModel(string value, string source) =>
            F("'{0}' (from {1}) is not an OpenRouter model id.", value, source);

        public const string ApiKeyRequired = "OpenRouter needs an API key and none was found.";
        public const string ApiKeyRequiredRemedy =
            "Set the OPENROUTER_API_KEY environment variable (safest), pass -ApiKey (a SecureString, e.g. from Read-Host -AsSecureString), " +
            "or store it in a SecretManagement vault and set ALLY_SECRET_VAULT to the vault's name (secret name OPENROUTER_API_KEY).";
        public const string PlainTextApiKeyWarning =
            "-ApiKey was given as plain text, which can end up in your history and logs. An environment variable (OPENROUTER_API_KEY) or a SecretManagement vault is safer.";
        public static string VaultReadFailed(string vault, string name, string reason) =>
            F("Could not read secret '{0}' from vault '{1}': {2}", name, vault, reason);

        public static string CostLimitReached(decimal spent, decimal limit) =>
            F("Stopped: the requests so far cost {0:0.######} USD, which reaches the limit of {1:0.######} USD.", spent, limit);
        public const string CostLimitRemedy = "Raise -MaxCost (or ALLY_MAX_COST), or send fewer items.";

        public static string InvalidNumberSetting(string value, string origin) =>
            F("'{0}' (from {1}) is not a valid number.", value, origin);

        public static string ReservedOption(string key) =>
            F("-Options cannot set '{0}': Ally sets it itself.", key);

        public const string PromptRequired = "No prompt was given and nothing was piped in.";
        public const string PromptRequiredRemedy = "Pass a prompt, e.g. Invoke-AllyChat \"Explain this\", or pipe text into the command.";

        public static string UnknownProvider(string value, string source, IEnumerable<string> known) =>
            F("'{0}' (from {1}) is not a known provider.", value, source) + " Use one of: " + string.Join(", ", known) + ".";

        public static string InvalidModelName(string value, string source) =>
            F("'{0}' (from {1}) is not a valid Ollama model name.", value, source);
        public const string InvalidModelNameRemedy = "Use name[:tag] or namespace/name[:tag], e.g. llama3.1 or llama3.2:3b.";

        public static string InvalidOllamaHost(string value, string detail) =>
            F("OLLAMA_HOST='{0}' cannot be used: {1}", value, detail);
        public const string InvalidOllamaHostRemedy = "Set it like Ollama expects, e.g. 127.0.0.1:11434 or http://server:11434.";

        public static string UnknownOllamaOption(string key, IEnumerable<string> known) =>
            F("'{0}' is not an Ollama option.", key) + " Valid options: " + string.Join(", ", known) + ".";

        public static string InvalidOllamaOptionValue(string key, object? value, string type) =>
            F("The Ollama option '{0}' needs a {2} value, not '{1}'.", key, value, type);

        // Model management (Get-AllyModel, Install-AllyModel, Remove-AllyModel).

        public static string TransferOf(string completed, string total) => F("{0} of {1}", completed, total);
        public const string Unloading = "Stopping...";
        public const string Forever = "Forever";
        public static string FromNow(int count, string unit) => F("{0} {1}{2} from now", count, unit, count == 1 ? string.Empty : "s");
        public const string PriceFree = "free";
        public const string PriceVariable = "variable";

        public static string UnknownModelProvider(string value, IEnumerable<string> known) =>
            F("'{0}' is not a provider with a model list.", value) + " Use one of: " + string.Join(", ", known) + ".";

        public static string NoInstalledModel(string name) => F("No installed model matches '{0}'.", name);
        public static string NoInstalledModelRemedy(string name) =>
            F("List installed models with Get-AllyModel, or install this one with `Install-AllyModel {0}`.", name);
        public static string NoCatalogModel(string name) => F("The OpenRouter catalog has no model '{0}'.", name);
        public const string NoCatalogModelRemedy =
            "OpenRouter names models vendor/model, e.g. openai/gpt-4o or anthropic/claude-3-haiku; list them with Get-AllyModel -Provider OpenRouter.";
        public static string NotRecommended(string name) => F("'{0}' is not among the recommended models.", name);
        public const string NotRecommendedRemedy = "Get-AllyModel -Recommended lists them; -UseCase Code, Chat, Analysis or Privacy narrows the list.";
        public static string NoRunningModel(string name) => F("No model matching '{0}' is loaded.", name);
        public const string NoRunningModelRemedy = "Get-AllyModel -Running lists the models Ollama holds in memory; a model loads when it is first used.";
        public static string OllamaOnlyOption(string parameter) => F("{0} applies to Ollama models only.", parameter);
        public static string OpenRouterOnlyOption(string parameter) => F("{0} applies to the OpenRouter catalog only (-Provider OpenRouter).", parameter);

        public const string RemoveNotFoundRemedy = "Get-AllyModel lists the installed models.";
        public static string RecommendedInstalledUnknown(string reason) =>
            F("Could not ask Ollama which models are installed, so IsInstalled is empty: {0}", reason);

        public static string PullActivity(string model) => F("Installing {0}", model);
        public static string PullLayerActivity(string digest) => F("Layer {0}", digest);
        public static string PullLayerCount(int done, int count, string transfer) => F("{0} of {1} layers, {2}", done, count, transfer);
        public const string PullStarting = "Starting";
        public static string PullModelNotFound(string model, string serverText) =>
            F("Ollama could not find '{0}' to pull: {1}", model, serverText);
        public static string PullModelNotFoundRemedy(string model) =>
            F("Check the name and tag (e.g. {0} or {0}:latest) at https://ollama.com/library; Get-AllyModel -Recommended lists suggestions.", ModelNames.ShortName(model));
        public static string PullFailed(string model, string serverText) => F("Pulling '{0}' failed: {1}", model, serverText);
        public static string PullFailedRemedy(string model) =>
            F("Run `Install-AllyModel {0}` again: the download resumes where it stopped.", model);
        public static string PullIncomplete(string model) => F("The pull of '{0}' ended before Ollama reported success.", model);
        public static string HostedModelNotInstallable(string names) =>
            F("Skipped hosted models (they run on OpenRouter and need no install): {0}.", names);
        public const string ShouldProcessInstall = "Download and install the Ollama model";
        public const string ShouldProcessRemove = "Delete the Ollama model";

        public static string InstalledTooltip(string name, string? parameterSize, string? quantization, string size) =>
            F("{0} ({1})", name, string.Join(", ", new[] { parameterSize, quantization, size }.Where(p => !string.IsNullOrEmpty(p))));
        public static string CatalogTooltip(string displayName, string context, string promptPrice, string completionPrice) =>
            F("{0}: {1} tokens context, {2} in / {3} out per million tokens", displayName, context.Length == 0 ? "?" : context, promptPrice, completionPrice);
        public static string RecommendedTooltip(string name) => F("{0} (recommended; Get-AllyModel -Recommended)", name);

        public static string OpenRouterUnreachable(Uri baseUrl, string reason) => F("Could not reach OpenRouter at {0} ({1}).", baseUrl, reason);
        public const string OpenRouterUnreachableRemedy = "Check the internet connection and proxy, or ALLY_OPENROUTER_BASE_URL if it is set.";
        public static string OpenRouterError(int status, string serverText) => F("OpenRouter answered {0}: {1}", status, serverText);
        public static string InvalidOpenRouterBaseUrl(string value, string origin) =>
            F("'{0}' (from {1}) is not an http or https address.", value, origin);
        public const string InvalidOpenRouterBaseUrlRemedy = "Set it to the API's base address, e.g. https://openrouter.ai/api/v1.";
    }
}
