using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ally.Http;
using Ally.Providers;

namespace Ally.Configuration
{
    /// <summary>
    /// Every setting Ally has, each defined once with its type, parser, checks and remedy. Cmdlets,
    /// providers and (next) ally.toml all go through these definitions, so a value means the same
    /// thing and fails the same way wherever it comes from.
    /// </summary>
    public static class AllySettings
    {
        /// <summary>The longest model name accepted; real names are far shorter.</summary>
        public const int MaxModelNameLength = 256;

        /// <summary>The chat provider.</summary>
        public static readonly Setting<ProviderDescriptor> Provider = ProviderSetting(
            "Provider", "ALLY_PROVIDER", "provider.name", "The chat provider.", ProviderRegistry.Default, ProviderCapabilities.Chat);

        /// <summary>The chat model; unset means the provider's default.</summary>
        public static readonly Setting<string?> Model = new Setting<string?>(
            "Model", "ALLY_MODEL", "provider.model", "The chat model (default: the provider's).", null,
            text => text.Length > MaxModelNameLength ? ParseResult<string?>.Fail(Messages.NameTooLong(text.Length, MaxModelNameLength)) : ParseResult<string?>.Ok(text),
            Messages.InvalidModelNameRemedy, errorId: ErrorIds.InvalidModelName);

        /// <summary>The embedding provider (set by -Provider of the embedding cmdlets).</summary>
        public static readonly Setting<ProviderDescriptor> EmbeddingProvider = ProviderSetting(
            "EmbeddingProvider", "ALLY_EMBEDDING_PROVIDER", "embeddings.provider", "The embedding provider.", ProviderRegistry.Simple,
            ProviderCapabilities.Embeddings, parameterName: "Provider");

        /// <summary>The embedding model (set by -Model of the embedding cmdlets); unset means the provider's default.</summary>
        public static readonly Setting<string?> EmbeddingModel = new Setting<string?>(
            "EmbeddingModel", "ALLY_EMBEDDING_MODEL", "embeddings.model", "The embedding model (default: the provider's).", null,
            text => text.Length > MaxModelNameLength ? ParseResult<string?>.Fail(Messages.NameTooLong(text.Length, MaxModelNameLength)) : ParseResult<string?>.Ok(text),
            Messages.InvalidModelNameRemedy, errorId: ErrorIds.InvalidModelName)
        { ParameterName = "Model" };

        /// <summary>Ollama's address, parsed as Ollama parses OLLAMA_HOST.</summary>
        public static readonly Setting<Uri> OllamaHost = new Setting<Uri>(
            "OllamaHost", "OLLAMA_HOST", "ollama.host", "The Ollama server's address.", Configuration.OllamaHost.Default,
            Configuration.OllamaHost.Parse, Messages.InvalidOllamaHostRemedy, errorId: ErrorIds.InvalidOllamaHost);

        /// <summary>The OpenRouter API (or another OpenAI-compatible server behind the openrouter provider).</summary>
        public static readonly Setting<Uri> OpenRouterBaseUrl = new Setting<Uri>(
            "OpenRouterBaseUrl", "ALLY_OPENROUTER_BASE_URL", "openrouter.base_url", "The OpenRouter API's base address.", new Uri("https://openrouter.ai/api/v1/"),
            ParseHttpUrl, Messages.BaseUrlRemedy("https://openrouter.ai/api/v1"), errorId: ErrorIds.InvalidOpenRouterBaseUrl);

        /// <summary>OpenRouter app attribution: the HTTP-Referer header.</summary>
        public static readonly Setting<string> OpenRouterReferer = TextSetting(
            "OpenRouterReferer", "ALLY_OPENROUTER_REFERER", "openrouter.referer", "OpenRouter attribution: the HTTP-Referer header.", "https://github.com/ally-pwsh/Ally");

        /// <summary>OpenRouter app attribution: the X-OpenRouter-Title header.</summary>
        public static readonly Setting<string> OpenRouterTitle = TextSetting(
            "OpenRouterTitle", "ALLY_OPENROUTER_TITLE", "openrouter.title", "OpenRouter attribution: the X-OpenRouter-Title header.", "Ally (PowerShell)");

        /// <summary>OpenRouter's API key.</summary>
        public static readonly SecretSetting OpenRouterApiKey = new SecretSetting("ApiKey", "OPENROUTER_API_KEY", "OpenRouter's API key.", Messages.ApiKeyRemedy("OPENROUTER_API_KEY"));

        /// <summary>The OpenAI API, or any OpenAI-compatible server (llama.cpp, vLLM, LM Studio).</summary>
        public static readonly Setting<Uri> OpenAIBaseUrl = new Setting<Uri>(
            "OpenAIBaseUrl", "ALLY_OPENAI_BASE_URL", "openai.base_url", "The OpenAI-compatible API's base address.", new Uri("https://api.openai.com/v1/"),
            ParseHttpUrl, Messages.BaseUrlRemedy("http://localhost:8080/v1"), errorId: ErrorIds.InvalidOpenAIBaseUrl);

        /// <summary>The OpenAI (or compatible server's) API key.</summary>
        public static readonly SecretSetting OpenAIApiKey = new SecretSetting("ApiKey", "OPENAI_API_KEY", "The OpenAI API key.", Messages.ApiKeyRemedy("OPENAI_API_KEY"));

        /// <summary>The SecretManagement vault that holds API keys (consulted only when set).</summary>
        public static readonly Setting<string?> SecretVault = OptionalText(
            "SecretVault", "ALLY_SECRET_VAULT", "secrets.vault", "The SecretManagement vault that holds API keys.");

        /// <summary>Retries of a transient failure.</summary>
        public static readonly Setting<int> MaxRetry = new Setting<int>(
            "MaxRetry", "ALLY_MAX_RETRY", "limits.max_retry", "Retries of a transient failure.", 3,
            text => WholeNumber(text, 0, 10), Messages.RangeRemedy(0, 10), convert: value => WholeNumber(value, 0, 10));

        /// <summary>Spending limit of one -ForEach run, in USD.</summary>
        public static readonly Setting<decimal?> MaxCost = new Setting<decimal?>(
            "MaxCost", "ALLY_MAX_COST", "limits.max_cost", "Spending limit of one -ForEach run in USD.", null,
            text => PositiveAmount(text), Messages.MaxCostRemedy, convert: PositiveAmount);

        /// <summary>Most tokens to generate.</summary>
        public static readonly Setting<int?> MaxTokens = new Setting<int?>(
            "MaxTokens", null, "limits.max_tokens", "Most tokens to generate.", null,
            text => Optional(WholeNumber(text, 1, int.MaxValue)), Messages.RangeRemedy(1, int.MaxValue), convert: value => Optional(WholeNumber(value, 1, int.MaxValue)));

        /// <summary>Sampling temperature.</summary>
        public static readonly Setting<double?> Temperature = new Setting<double?>(
            "Temperature", null, "provider.temperature", "Sampling temperature, 0 to 2.", null,
            text => Fraction(text, 0, 2), Messages.RangeRemedy(0, 2), convert: value => Fraction(value, 0, 2));

        /// <summary>Whole-request time limit in seconds; 0 (the default) means none.</summary>
        public static readonly Setting<TimeSpan?> TimeoutSec = new Setting<TimeSpan?>(
            "TimeoutSec", null, "limits.timeout_seconds", "Whole-request time limit in seconds (0 = none).", null,
            text => Seconds(text), Messages.RangeRemedy(0, int.MaxValue), convert: Seconds);

        /// <summary>Provider options (Ollama: its options object; others: extra request fields).</summary>
        public static readonly Setting<IReadOnlyDictionary<string, object?>?> Options = new Setting<IReadOnlyDictionary<string, object?>?>(
            "Options", null, null, "Provider options (Ollama: num_ctx, num_thread, …; others: extra request fields).", null,
            _ => ParseResult<IReadOnlyDictionary<string, object?>?>.Fail(Messages.NotATable), Messages.OptionsRemedy,
            convert: value => value is IReadOnlyDictionary<string, object?> table
                ? ParseResult<IReadOnlyDictionary<string, object?>?>.Ok(table)
                : ParseResult<IReadOnlyDictionary<string, object?>?>.Fail(Messages.NotATable));

        /// <summary>The variable the chat provider's API key is read from, instead of the provider's own (ally.toml only).</summary>
        public static readonly Setting<string?> ApiKeyVariable = VariableName(
            "ApiKeyEnv", "provider.api_key_env", "The environment variable the chat provider's API key is read from (default: the provider's own).");

        /// <summary>The variable the embedding provider's API key is read from (ally.toml only).</summary>
        public static readonly Setting<string?> EmbeddingApiKeyVariable = VariableName(
            "EmbeddingApiKeyEnv", "embeddings.api_key_env", "The environment variable the embedding provider's API key is read from (default: the provider's own).");

        /// <summary>Default Ollama options for every request (ally.toml [ollama.options]); -Options and the single settings below go over them.</summary>
        public static readonly Setting<IReadOnlyDictionary<string, object?>?> OllamaOptions = new Setting<IReadOnlyDictionary<string, object?>?>(
            "OllamaOptions", null, "ollama.options", "Default Ollama options for every request (num_ctx, top_p, …); -Options goes over them.", null,
            _ => ParseResult<IReadOnlyDictionary<string, object?>?>.Fail(Messages.NotATable), Messages.OptionsRemedy,
            convert: value => value is IReadOnlyDictionary<string, object?> table
                ? ParseResult<IReadOnlyDictionary<string, object?>?>.Ok(table)
                : ParseResult<IReadOnlyDictionary<string, object?>?>.Fail(Messages.NotATable));

        /// <summary>Ollama's num_thread option: CPU threads for generation.</summary>
        public static readonly Setting<int?> OllamaNumThread = OptionalWholeNumber(
            "NumThread", "OLLAMA_NUM_THREADS", "ollama.num_thread", "CPU threads Ollama uses for a request (its num_thread option).", 1, 1024);

        /// <summary>Ollama's num_gpu option: layers offloaded to the GPU.</summary>
        public static readonly Setting<int?> OllamaNumGpu = OptionalWholeNumber(
            "NumGpu", "OLLAMA_GPU_LAYERS", "ollama.num_gpu", "Model layers Ollama offloads to the GPU (its num_gpu option; 0 = CPU only).", 0, 100000);

        /// <summary>Ollama's num_ctx option: the context window to allocate.</summary>
        public static readonly Setting<int?> OllamaNumCtx = OptionalWholeNumber(
            "NumCtx", null, "ollama.num_ctx", "The context window Ollama allocates, in tokens (its num_ctx option).", 1, 10_000_000);

        /// <summary>How long Ollama keeps a model loaded after a request.</summary>
        public static readonly Setting<string?> OllamaKeepAlive = new Setting<string?>(
            "KeepAlive", null, "ollama.keep_alive", "How long Ollama keeps the model loaded after a request (\"10m\", \"1h\", 0 = unload, -1 = forever).", null,
            KeepAliveText, Messages.KeepAliveRemedy,
            convert: value => IsNumber(value) && Convert.ToDouble(value, CultureInfo.InvariantCulture) % 1 == 0
                ? ParseResult<string?>.Ok(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture))
                : value is string text ? KeepAliveText(text) : ParseResult<string?>.Fail(Messages.NotADuration))
        { ConfigKindOverride = ConfigValueKind.TextOrInteger };

        /// <summary>Where Ally keeps its caches (model names for tab completion).</summary>
        public static readonly Setting<string?> CacheDirectory = OptionalText(
            "CacheDirectory", "ALLY_CACHE_DIR", "cache.directory", "Where Ally keeps its caches.");

        /// <summary>The proxy for Ally's requests: an http(s) address (user:password@ allowed, never shown), 'none', or unset for the system's.</summary>
        public static readonly Setting<ProxyChoice> Proxy = new Setting<ProxyChoice>(
            "Proxy", "ALLY_PROXY", "network.proxy", Messages.ProxyDescription, ProxyChoice.System, ProxyChoice.Parse, Messages.ProxyRemedy)
        { MaskText = ProxyChoice.Mask };

        /// <summary>A PEM file of CA certificates trusted for Ally's requests besides the system's (never instead of them).</summary>
        public static readonly Setting<CaBundle?> CaBundle = new FileSetting<CaBundle?>(
            "CaBundle", "ALLY_CA_BUNDLE", "network.ca_bundle", Messages.CaBundleDescription, null, Http.CaBundle.Load, Messages.CaBundleRemedy);

        private static Setting<int?> OptionalWholeNumber(string name, string? variable, string key, string description, int min, int max) =>
            new Setting<int?>(name, variable, key, description, null,
                text => Optional(WholeNumber(text, min, max)), Messages.RangeRemedy(min, max), convert: value => Optional(WholeNumber(value, min, max)));

        private static Setting<string?> VariableName(string name, string key, string description) =>
            new Setting<string?>(name, null, key, description, null,
                text => IsVariableName(text) ? ParseResult<string?>.Ok(text) : ParseResult<string?>.Fail(Messages.NotAVariableName),
                Messages.VariableNameRemedy);

        private static bool IsVariableName(string text) =>
            text.Length > 0 && text.Length <= 256 && !char.IsDigit(text[0]) && text.All(c => c == '_' || (c < 128 && char.IsLetterOrDigit(c)));

        /// <summary>A Go duration as Ollama's keep_alive takes it ("10m", "1h30m", "-1", "0"), or a whole number of seconds.</summary>
        private static ParseResult<string?> KeepAliveText(string text)
        {
            string value = text.Trim();
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) return ParseResult<string?>.Ok(value);
            if (System.Text.RegularExpressions.Regex.IsMatch(value, @"^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")) return ParseResult<string?>.Ok(value);
            return ParseResult<string?>.Fail(Messages.NotADuration);
        }

        private static Setting<string> TextSetting(string name, string? variable, string key, string description, string defaultValue) =>
            new Setting<string>(name, variable, key, description, defaultValue, text => ParseResult<string>.Ok(text), string.Empty);

        private static Setting<string?> OptionalText(string name, string? variable, string key, string description) =>
            new Setting<string?>(name, variable, key, description, null, text => ParseResult<string?>.Ok(text), string.Empty);

        /// <summary>A provider setting that accepts the providers able to do <paramref name="needs"/>.</summary>
        private static Setting<ProviderDescriptor> ProviderSetting(string name, string variable, string key, string description, ProviderDescriptor defaultValue,
            ProviderCapabilities needs, string? parameterName = null)
        {
            ParseResult<ProviderDescriptor> Parse(string text) =>
                ProviderRegistry.Find(text) is not ProviderDescriptor provider ? ParseResult<ProviderDescriptor>.Fail(Messages.NotAProvider)
                : provider.Can(needs) ? ParseResult<ProviderDescriptor>.Ok(provider)
                : ParseResult<ProviderDescriptor>.Fail(Messages.ProviderCannotDo(provider.Name, needs == ProviderCapabilities.Chat ? Messages.ChatTask : Messages.EmbeddingTask));
            var setting = new Setting<ProviderDescriptor>(name, variable, key, description, defaultValue, Parse,
                Messages.KnownProviders(ProviderRegistry.With(needs).Select(p => p.Name)),
                convert: value => Parse(Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim() ?? string.Empty), errorId: ErrorIds.UnknownProvider);
            if (parameterName != null) setting.ParameterName = parameterName;
            return setting;
        }

        /// <summary>An absolute http(s) address, normalised to end in '/' so that relative paths land under it.</summary>
        internal static ParseResult<Uri> ParseHttpUrl(string text)
        {
            string value = text.Trim().Trim('"', '\'');
            if (!Uri.TryCreate(value.TrimEnd('/') + "/", UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                return ParseResult<Uri>.Fail(Messages.NotAnHttpAddress);
            return ParseResult<Uri>.Ok(uri);
        }

        private static ParseResult<int> WholeNumber(object value, int min, int max)
        {
            if (value is string text)
            {
                if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed)) return ParseResult<int>.Fail(Messages.NotAWholeNumber);
                value = parsed;
            }
            if (!IsNumber(value)) return ParseResult<int>.Fail(Messages.NotAWholeNumber);
            double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (number % 1 != 0) return ParseResult<int>.Fail(Messages.NotAWholeNumber);
            if (number < min || number > max) return ParseResult<int>.Fail(Messages.OutOfRange(min, max));
            return ParseResult<int>.Ok((int)number);
        }

        private static ParseResult<int?> Optional(ParseResult<int> result) =>
            result.Success ? ParseResult<int?>.Ok(result.Value) : ParseResult<int?>.Fail(result.Problem!);

        private static ParseResult<decimal?> PositiveAmount(object value)
        {
            decimal amount;
            if (value is string text)
            {
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out amount)) return ParseResult<decimal?>.Fail(Messages.NotANumber);
            }
            else if (IsNumber(value)) amount = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
            else return ParseResult<decimal?>.Fail(Messages.NotANumber);
            return amount > 0 ? ParseResult<decimal?>.Ok(amount) : ParseResult<decimal?>.Fail(Messages.NotPositive);
        }

        private static ParseResult<double?> Fraction(object value, double min, double max)
        {
            double number;
            if (value is string text)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number)) return ParseResult<double?>.Fail(Messages.NotANumber);
            }
            else if (IsNumber(value)) number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            else return ParseResult<double?>.Fail(Messages.NotANumber);
            if (double.IsNaN(number) || number < min || number > max) return ParseResult<double?>.Fail(Messages.OutOfRange(min, max));
            return ParseResult<double?>.Ok(number);
        }

        private static ParseResult<TimeSpan?> Seconds(object value)
        {
            ParseResult<int> seconds = WholeNumber(value, 0, int.MaxValue);
            if (!seconds.Success) return ParseResult<TimeSpan?>.Fail(seconds.Problem!);
            return ParseResult<TimeSpan?>.Ok(seconds.Value == 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(seconds.Value));
        }

        internal static bool IsNumber(object? value) =>
            value is byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal;

        /// <summary>Every setting, in display order (for Get-AllyConfiguration).</summary>
        public static IReadOnlyList<Setting> All { get; } = new Setting[]
        {
            Provider, Model, EmbeddingProvider, EmbeddingModel, OllamaHost, OpenRouterBaseUrl, OpenRouterReferer, OpenRouterTitle, OpenRouterApiKey, OpenAIBaseUrl, OpenAIApiKey,
            SecretVault, MaxRetry, MaxCost, MaxTokens, Temperature, TimeoutSec, ApiKeyVariable, EmbeddingApiKeyVariable,
            OllamaOptions, OllamaNumThread, OllamaNumGpu, OllamaNumCtx, OllamaKeepAlive, CacheDirectory, Proxy, CaBundle,
        };
    }
}
