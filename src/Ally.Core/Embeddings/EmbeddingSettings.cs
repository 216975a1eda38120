using System;
using System.Security;
using Ally.Configuration;
using Ally.Http;
using Ally.Providers;

namespace Ally.Embeddings
{
    /// <summary>
    /// Everything an embedding command needs, resolved and checked before any request: the provider
    /// (-Provider, ALLY_EMBEDDING_PROVIDER, else simple) with its endpoint and key, the model (-Model,
    /// ALLY_EMBEDDING_MODEL, else the provider's default embedding model), retries and the time limit.
    /// </summary>
    public sealed class EmbeddingSettings
    {
        private EmbeddingSettings(ProviderContext context, string model, SettingOrigin providerOrigin, SettingOrigin modelOrigin)
        {
            Context = context;
            Model = model;
            ProviderOrigin = providerOrigin;
            ModelOrigin = modelOrigin;
        }

        /// <summary>The provider, its endpoint and key.</summary>
        public ProviderContext Context { get; }
        /// <summary>The provider.</summary>
        public ProviderDescriptor Provider => Context.Provider;
        /// <summary>The embedding model.</summary>
        public string Model { get; }
        /// <summary>Where the provider came from.</summary>
        public SettingOrigin ProviderOrigin { get; }
        /// <summary>Where the model came from.</summary>
        public SettingOrigin ModelOrigin { get; }
        /// <summary>Retries of transient failures.</summary>
        public RetryPolicy RetryPolicy { get; private set; } = new RetryPolicy(0);
        /// <summary>Time limit of each request, or null.</summary>
        public TimeSpan? Timeout { get; private set; }

        /// <summary>
        /// Resolves the settings; <paramref name="provider"/> and <paramref name="model"/> (a search uses
        /// its items') win over the settings when given. Throws <see cref="AllyException"/> on a bad value
        /// or a missing key.
        /// </summary>
        public static EmbeddingSettings Resolve(SettingsResolver settings, Func<string, string, SecureString?>? readVault,
            ProviderDescriptor? provider = null, string? model = null)
        {
            Resolved<ProviderDescriptor>? providerSetting = provider is null ? settings.Resolve(AllySettings.EmbeddingProvider) : null;
            ProviderDescriptor descriptor = provider ?? providerSetting!.Value;
            SettingOrigin providerOrigin = providerSetting?.Origin ?? SettingOrigin.Default;
            ProviderEndpoint endpoint = descriptor.ResolveEndpoint(settings);
            string name;
            SettingOrigin modelOrigin;
            if (model != null)
            {
                name = model;
                modelOrigin = SettingOrigin.Default;
            }
            else
            {
                Resolved<string?> resolved = settings.Resolve(AllySettings.EmbeddingModel);
                name = resolved.Value ?? descriptor.DefaultEmbeddingModel!;
                modelOrigin = resolved.Origin;
            }
            descriptor.CheckModelName(name, modelOrigin, endpoint);
            return new EmbeddingSettings(ProviderContext.Resolve(descriptor, settings, readVault, requireKey: true, AllySettings.EmbeddingApiKeyVariable), name, providerOrigin, modelOrigin)
            {
                RetryPolicy = new RetryPolicy(settings.Resolve(AllySettings.MaxRetry).Value),
                Timeout = settings.Resolve(AllySettings.TimeoutSec).Value,
                Defaults = descriptor.ResolveDefaults(settings),
            };
        }

        /// <summary>The provider's request defaults from its own settings (Ollama's num_thread, num_gpu, options, keep_alive).</summary>
        public RequestDefaults Defaults { get; private set; } = RequestDefaults.None;

        /// <summary>The provider's embedder for these settings.</summary>
        public ITextEmbedder CreateEmbedder(int? dimensions, int? batchSize, bool taskPrefixes) =>
            Provider.CreateEmbedder(Context, new EmbedderOptions(Model) { Dimensions = dimensions, BatchSize = batchSize, UseTaskPrefixes = taskPrefixes, Defaults = Defaults });
    }
}
