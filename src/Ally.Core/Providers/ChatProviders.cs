using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Ally.Configuration;
using Ally.Http;
using Ally.Providers.Ollama;
using Ally.Providers.OpenRouter;

namespace Ally.Providers
{
    /// <summary>The chat settings a request needs, resolved and checked before any network call.</summary>
    public sealed class ChatSettings
    {
        private ChatSettings() { }

        /// <summary>The provider name (lower case) and where it came from.</summary>
        public ResolvedSetting Provider { get; private set; } = null!;
        /// <summary>The model name and where it came from.</summary>
        public ResolvedSetting Model { get; private set; } = null!;
        /// <summary>Ollama's normalised base address.</summary>
        public Uri OllamaHost { get; private set; } = Configuration.OllamaHost.Default;
        /// <summary>The OpenRouter (or compatible) API base address, ending in '/'.</summary>
        public Uri OpenRouterBaseUrl { get; private set; } = OpenRouterOptions.OfficialBaseUrl;
        /// <summary>OpenRouter attribution: HTTP-Referer.</summary>
        public string OpenRouterReferer { get; private set; } = string.Empty;
        /// <summary>OpenRouter attribution: X-OpenRouter-Title.</summary>
        public string OpenRouterTitle { get; private set; } = string.Empty;
        /// <summary>The SecretManagement vault to read keys from, or null.</summary>
        public string? SecretVault { get; private set; }
        /// <summary>Retries of transient failures.</summary>
        public int MaxRetry { get; private set; } = RetryPolicy.DefaultMaxRetries;
        /// <summary>Spending limit of a -ForEach run in USD, or null.</summary>
        public decimal? MaxCost { get; private set; }
        /// <summary>A warning to show the user (e.g. an invalid port in OLLAMA_HOST), or null.</summary>
        public string? Warning { get; private set; }

        /// <summary>True when the provider must have an API key (OpenRouter itself; not a compatible server elsewhere).</summary>
        public bool RequiresApiKey => Provider.Value == OpenRouterChatProvider.ProviderName && OpenRouterOptions.IsOfficialHost(OpenRouterBaseUrl);

        /// <summary>Resolves and validates every chat setting; throws <see cref="AllyException"/> on a bad value.</summary>
        public static ChatSettings Resolve(SettingsResolver settings)
        {
            var result = new ChatSettings();
            ResolvedSetting provider = settings.Resolve(SettingsResolver.Provider);
            string name = (provider.Value ?? string.Empty).Trim().ToLowerInvariant();
            if (!ChatProviders.Known.Contains(name))
            {
                throw new AllyException("UnknownProvider", AllyErrorCategory.InvalidArgument,
                    Messages.UnknownProvider(provider.Value ?? string.Empty, provider.Origin, ChatProviders.Known));
            }
            result.Provider = new ResolvedSetting(provider.Definition, name, provider.Source);

            if (name == OpenRouterChatProvider.ProviderName)
            {
                // Only OpenRouter's own settings: a bad ALLY_OPENROUTER_BASE_URL must not break Ollama chats.
                result.OpenRouterBaseUrl = OpenRouterAddress.Resolve(settings);
                result.OpenRouterReferer = settings.Resolve(SettingsResolver.OpenRouterReferer).Value ?? string.Empty;
                result.OpenRouterTitle = settings.Resolve(SettingsResolver.OpenRouterTitle).Value ?? string.Empty;
                result.SecretVault = settings.Resolve(SettingsResolver.SecretVault).Value;
            }

            ResolvedSetting model = settings.Resolve(SettingsResolver.Model);
            if (name == OpenRouterChatProvider.ProviderName)
            {
                // The shared default (llama3.1) is an Ollama name; OpenRouter's own default is a vendor/model id.
                if (model.Source == SettingSource.Default) model = new ResolvedSetting(model.Definition, ChatProviders.DefaultOpenRouterModel, SettingSource.Default);
                // Other OpenAI-compatible servers name models as they like; OpenRouter wants vendor/model.
                if (OpenRouterOptions.IsOfficialHost(result.OpenRouterBaseUrl) && !OpenRouterChatProvider.IsValidModelId(model.Value))
                {
                    throw new AllyException("InvalidModelName", AllyErrorCategory.InvalidArgument,
                        Messages.InvalidOpenRouterModel(model.Value ?? string.Empty, model.Origin), Messages.OpenRouterModelFormRemedy(model.Value ?? string.Empty));
                }
            }
            else if (!ChatProviders.IsValidOllamaModelName(model.Value))
            {
                throw new AllyException("InvalidModelName", AllyErrorCategory.InvalidArgument,
                    Messages.InvalidModelName(model.Value ?? string.Empty, model.Origin), Messages.InvalidModelNameRemedy);
            }
            result.Model = model;

            result.OllamaHost = Configuration.OllamaHost.Resolve(settings, out string? warning);
            result.Warning = warning;

            ResolvedSetting retry = settings.Resolve(SettingsResolver.MaxRetry);
            if (!int.TryParse(retry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int maxRetry) || maxRetry > 10)
            {
                throw new AllyException("InvalidSetting", AllyErrorCategory.InvalidArgument, Messages.InvalidNumberSetting(retry.Value ?? string.Empty, retry.Origin),
                    "Use a whole number from 0 to 10.");
            }
            result.MaxRetry = maxRetry;

            ResolvedSetting cost = settings.Resolve(SettingsResolver.MaxCost);
            if (cost.Value != null)
            {
                if (!decimal.TryParse(cost.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal maxCost) || maxCost <= 0)
                {
                    throw new AllyException("InvalidSetting", AllyErrorCategory.InvalidArgument, Messages.InvalidNumberSetting(cost.Value, cost.Origin),
                        "Use a positive amount in USD, e.g. 0.50.");
                }
                result.MaxCost = maxCost;
            }
            return result;
        }
    }

    /// <summary>Creates chat providers by name.</summary>
    public static class ChatProviders
    {
        /// <summary>The model OpenRouter uses when none is configured.</summary>
        public const string DefaultOpenRouterModel = "openai/gpt-4o";

        /// <summary>The providers this version can chat with.</summary>
        public static IReadOnlyCollection<string> Known { get; } = new[] { OllamaChatProvider.ProviderName, OpenRouterChatProvider.ProviderName };

        /// <summary>The provider the settings name; <paramref name="apiKey"/> is used by providers that need one.</summary>
        public static IChatProvider Create(ChatSettings settings, ApiKey? apiKey = null) => settings.Provider.Value switch
        {
            OllamaChatProvider.ProviderName => new OllamaChatProvider(settings.OllamaHost),
            OpenRouterChatProvider.ProviderName => new OpenRouterChatProvider(
                new OpenRouterOptions(settings.OpenRouterBaseUrl, apiKey, settings.OpenRouterReferer, settings.OpenRouterTitle)),
            _ => throw new AllyException("UnknownProvider", AllyErrorCategory.InvalidArgument,
                Messages.UnknownProvider(settings.Provider.Value ?? string.Empty, settings.Provider.Origin, Known)),
        };

        // [host[:port]/][namespace/]name[:tag] — Ollama's name parts: letters, digits, '_', '-', '.'.
        private static readonly Regex OllamaName = new Regex(
            @"^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?::[0-9]+)?/){0,2}[A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?$",
            RegexOptions.CultureInvariant);

        /// <summary>True when <paramref name="name"/> is a well-formed Ollama model name.</summary>
        public static bool IsValidOllamaModelName(string? name) => !string.IsNullOrWhiteSpace(name) && OllamaName.IsMatch(name!);
    }
}
