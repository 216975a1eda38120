using System;
using System.Collections.Generic;
using System.Security;
using Ally.Configuration;
using Ally.Http;

namespace Ally.Providers
{
    /// <summary>
    /// Everything one chat command needs, resolved from the settings and checked before any network
    /// call: the provider and its endpoint and key, the model, limits, sampling and options. The one
    /// place a command's chat settings are built.
    /// </summary>
    public sealed class ChatSettings
    {
        private ChatSettings(ProviderContext context, Resolved<ProviderDescriptor> provider, string model, SettingOrigin modelOrigin)
        {
            Context = context;
            ProviderSetting = provider;
            Model = model;
            ModelOrigin = modelOrigin;
        }

        /// <summary>The provider, its endpoint and key.</summary>
        public ProviderContext Context { get; }
        /// <summary>The provider.</summary>
        public ProviderDescriptor Provider => Context.Provider;
        /// <summary>The provider setting, with where it came from.</summary>
        public Resolved<ProviderDescriptor> ProviderSetting { get; }
        /// <summary>The model.</summary>
        public string Model { get; }
        /// <summary>Where the model came from.</summary>
        public SettingOrigin ModelOrigin { get; }
        /// <summary>Retries of transient failures.</summary>
        public int MaxRetry { get; private set; }
        /// <summary>Spending limit of a -ForEach run in USD, or null.</summary>
        public decimal? MaxCost { get; private set; }
        /// <summary>Whole-request time limit, or null for none.</summary>
        public TimeSpan? Timeout { get; private set; }
        /// <summary>Most tokens to generate, or null.</summary>
        public int? MaxTokens { get; private set; }
        /// <summary>Sampling temperature, or null.</summary>
        public double? Temperature { get; private set; }
        /// <summary>Provider options (checked by the provider), or null.</summary>
        public IReadOnlyDictionary<string, object?>? Options { get; private set; }
        /// <summary>How long Ollama keeps the model loaded (ally.toml ollama.keep_alive), or null for the server's default.</summary>
        public string? KeepAlive { get; private set; }
        /// <summary>Things the user should know about the settings (e.g. a bad port in OLLAMA_HOST).</summary>
        public IReadOnlyList<string> Warnings => Context.Endpoint.Warnings;

        /// <summary>The retry policy these settings ask for.</summary>
        public RetryPolicy RetryPolicy => new RetryPolicy(MaxRetry);

        /// <summary>Resolves and checks every chat setting; throws <see cref="AllyException"/> on a bad value or a missing key.</summary>
        /// <param name="settings">Parameters, environment, files, defaults.</param>
        /// <param name="readVault">Reads (vault, secret name) from a SecretManagement vault, or null.</param>
        /// <param name="requireKey">Fail with ApiKeyRequired when the provider needs a key and none was found.</param>
        public static ChatSettings Resolve(SettingsResolver settings, Func<string, string, SecureString?>? readVault, bool requireKey)
        {
            Resolved<ProviderDescriptor> provider = settings.Resolve(AllySettings.Provider);
            ProviderDescriptor descriptor = provider.Value;
            // The endpoint first: a model name's form can depend on the server (OpenRouter itself wants vendor/model).
            ProviderEndpoint endpoint = descriptor.ResolveEndpoint(settings);
            Resolved<string?> model = settings.Resolve(AllySettings.Model);
            string name = model.Value ?? descriptor.DefaultModel;
            descriptor.CheckModelName(name, model.Origin, endpoint);

            var result = new ChatSettings(ProviderContext.Resolve(descriptor, settings, readVault, requireKey, AllySettings.ApiKeyVariable), provider, name, model.Origin)
            {
                MaxRetry = settings.Resolve(AllySettings.MaxRetry).Value,
                MaxCost = settings.Resolve(AllySettings.MaxCost).Value,
                Timeout = settings.Resolve(AllySettings.TimeoutSec).Value,
                MaxTokens = settings.Resolve(AllySettings.MaxTokens).Value,
                Temperature = settings.Resolve(AllySettings.Temperature).Value,
            };
            RequestDefaults defaults = descriptor.ResolveDefaults(settings);
            result.Options = defaults.Merge(settings.Resolve(AllySettings.Options).Value);
            result.KeepAlive = defaults.KeepAlive;
            if (result.Options != null) descriptor.CheckOptions(result.Options);
            return result;
        }

        /// <summary>A request for <paramref name="messages"/> with these settings' model, limits, sampling and options.</summary>
        public ChatRequest CreateRequest(IReadOnlyList<ChatMessage> messages) => new ChatRequest(Model, messages)
        {
            MaxTokens = MaxTokens,
            Temperature = Temperature,
            Options = Options,
            Timeout = Timeout,
            KeepAlive = KeepAlive,
        };
    }
}
