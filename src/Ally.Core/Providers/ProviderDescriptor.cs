using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Embeddings;
using Ally.Http;

namespace Ally.Providers
{
    /// <summary>What a provider can do.</summary>
    [Flags]
    public enum ProviderCapabilities
    {
        /// <summary>Nothing.</summary>
        None = 0,
        /// <summary>Chat (Invoke-AllyChat).</summary>
        Chat = 1,
        /// <summary>Lists the models installed on the server (Get-AllyModel: ModelInfo).</summary>
        InstalledModels = 2,
        /// <summary>Lists the models a hosted API serves (Get-AllyModel: CatalogModelInfo).</summary>
        Catalog = 4,
        /// <summary>Downloads models (Install-AllyModel).</summary>
        Pull = 8,
        /// <summary>Deletes models (Remove-AllyModel).</summary>
        Delete = 16,
        /// <summary>The catalog can be filtered by supported request parameters (OpenRouter).</summary>
        CatalogFilters = 32,
        /// <summary>Makes embeddings.</summary>
        Embeddings = 128,
        /// <summary>Reports what each request cost.</summary>
        Cost = 64,
    }

    /// <summary>Where and how to reach a provider: its base address (ending in '/') and the extra headers it wants.</summary>
    public sealed class ProviderEndpoint
    {
        internal ProviderEndpoint(Uri baseAddress, IReadOnlyList<KeyValuePair<string, string>>? headers = null, IReadOnlyList<string>? warnings = null)
        {
            BaseAddress = baseAddress;
            Headers = headers ?? Array.Empty<KeyValuePair<string, string>>();
            Warnings = warnings ?? Array.Empty<string>();
        }

        /// <summary>The base address, ending in '/'.</summary>
        public Uri BaseAddress { get; }
        /// <summary>Headers sent with every request (OpenRouter's attribution).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }
        /// <summary>Warnings about the settings that made it (e.g. a bad port in OLLAMA_HOST).</summary>
        public IReadOnlyList<string> Warnings { get; }
    }

    /// <summary>What a provider's own settings add to every request: default options and how long a model stays loaded.</summary>
    public sealed class RequestDefaults
    {
        /// <summary>Creates defaults.</summary>
        public RequestDefaults(IReadOnlyDictionary<string, object?>? options, string? keepAlive)
        {
            Options = options;
            KeepAlive = keepAlive;
        }

        /// <summary>No defaults.</summary>
        public static RequestDefaults None { get; } = new RequestDefaults(null, null);

        /// <summary>Default options, or null.</summary>
        public IReadOnlyDictionary<string, object?>? Options { get; }
        /// <summary>Ollama's keep_alive, or null.</summary>
        public string? KeepAlive { get; }

        /// <summary>The options of a request: these defaults with <paramref name="given"/> (-Options) over them, name by name.</summary>
        public IReadOnlyDictionary<string, object?>? Merge(IReadOnlyDictionary<string, object?>? given)
        {
            if (Options is null || Options.Count == 0) return given;
            if (given is null || given.Count == 0) return Options;
            var merged = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, object?> option in Options) merged[option.Key] = option.Value;
            foreach (KeyValuePair<string, object?> option in given) merged[option.Key] = option.Value;
            return merged;
        }
    }

    /// <summary>A provider with its endpoint and key resolved: what every connection to it is made from.</summary>
    public sealed class ProviderContext
    {
        internal ProviderContext(ProviderDescriptor provider, ProviderEndpoint endpoint, ApiKey? key, SecretSetting? keySetting = null, NetworkSettings? network = null)
        {
            Provider = provider;
            Endpoint = endpoint;
            Key = key;
            KeySetting = keySetting ?? provider.KeySetting;
            Network = network ?? NetworkSettings.Default;
        }

        /// <summary>The provider.</summary>
        public ProviderDescriptor Provider { get; }
        /// <summary>Where it is.</summary>
        public ProviderEndpoint Endpoint { get; }
        /// <summary>The API key, or null.</summary>
        public ApiKey? Key { get; }
        /// <summary>Where the key is read from: the provider's own setting, or one reading the variable ally.toml's api_key_env names.</summary>
        public SecretSetting? KeySetting { get; }
        /// <summary>How requests reach it: the proxy and the extra CA certificates.</summary>
        public NetworkSettings Network { get; }
        /// <summary>How messages name the server: Ollama, OpenRouter, OpenAI, or "the server at &lt;url&gt;".</summary>
        public string ServerName => Provider.ServerName(Endpoint);

        /// <summary>
        /// Resolves a provider's endpoint and key from the settings. With <paramref name="requireKey"/>, a
        /// provider that needs a key and has none fails with ApiKeyRequired before any request.
        /// </summary>
        /// <param name="provider">The provider.</param>
        /// <param name="settings">The settings.</param>
        /// <param name="readVault">Reads (vault, secret name) from a SecretManagement vault, or null.</param>
        /// <param name="requireKey">Fail when a needed key is missing.</param>
        /// <param name="keyVariable">The setting naming another variable to read the key from (ally.toml's provider.api_key_env or embeddings.api_key_env), or null.</param>
        public static ProviderContext Resolve(ProviderDescriptor provider, SettingsResolver settings,
            Func<string, string, System.Security.SecureString?>? readVault, bool requireKey, Setting<string?>? keyVariable = null)
        {
            ProviderEndpoint endpoint = provider.ResolveEndpoint(settings);
            NetworkSettings network = NetworkSettings.Resolve(settings);
            SecretSetting? keySetting = provider.KeySetting is SecretSetting own ? ApiKeys.SettingFor(own, settings, keyVariable) : null;
            ApiKey? key = keySetting != null ? ApiKeys.Resolve(keySetting, settings, readVault) : null;
            if (key is null && requireKey && keySetting != null && provider.RequiresKey(endpoint))
                throw ApiKeys.Missing(provider.ServerName(endpoint), keySetting);
            return new ProviderContext(provider, endpoint, key, keySetting, network);
        }
    }

    /// <summary>
    /// One provider, described once: its name, what it can do, the settings it owns, its key and when a
    /// key is required, how model names look, and the factories for its chat, model list and checks.
    /// Everything that differs between providers is asked of the descriptor; nothing else compares
    /// provider names. Adding a provider is one descriptor (registered in <see cref="ProviderRegistry"/>)
    /// plus its protocol classes.
    /// </summary>
    /// <remarks>Descriptors read <see cref="AllySettings"/> lazily (in members, never in constructors): the settings refer back to the registry.</remarks>
    public abstract class ProviderDescriptor
    {
        /// <summary>The name users type: ollama, openrouter, openai.</summary>
        public abstract string Name { get; }
        /// <summary>What it can do.</summary>
        public abstract ProviderCapabilities Capabilities { get; }
        /// <summary>The model used when none is configured.</summary>
        public abstract string DefaultModel { get; }
        /// <summary>The provider's own settings (beyond the common ones).</summary>
        public abstract IReadOnlyList<Setting> Settings { get; }
        /// <summary>Its API key setting (variable and parameter), or null for a provider without keys.</summary>
        public virtual SecretSetting? KeySetting => null;
        /// <summary>The setting that holds its address (OLLAMA_HOST, ALLY_OPENROUTER_BASE_URL, ALLY_OPENAI_BASE_URL).</summary>
        public virtual Setting<Uri>? AddressSetting => null;

        /// <summary>True when it can do all of <paramref name="capabilities"/>.</summary>
        public bool Can(ProviderCapabilities capabilities) => (Capabilities & capabilities) == capabilities;

        /// <summary>Resolves the endpoint from the settings (throws <see cref="AllyException"/> for a bad address).</summary>
        public abstract ProviderEndpoint ResolveEndpoint(SettingsResolver settings);

        /// <summary>True when requests to <paramref name="endpoint"/> need a key.</summary>
        public virtual bool RequiresKey(ProviderEndpoint endpoint) => false;

        /// <summary>True when the model list at <paramref name="endpoint"/> needs a key (by default, when requests do).</summary>
        public virtual bool CatalogRequiresKey(ProviderEndpoint endpoint) => RequiresKey(endpoint);

        /// <summary>The ApiKeyRequired error when <paramref name="context"/> has no key although its model list needs one; otherwise null.</summary>
        public AllyException? MissingCatalogKey(ProviderContext context) =>
            context.Key is null && context.KeySetting != null && CatalogRequiresKey(context.Endpoint) ? ApiKeys.Missing(ServerName(context.Endpoint), context.KeySetting) : null;

        /// <summary>How messages name the server at <paramref name="endpoint"/>.</summary>
        public abstract string ServerName(ProviderEndpoint endpoint);

        /// <summary>Checks a model name's form for this provider at <paramref name="endpoint"/>; throws InvalidModelName.</summary>
        public abstract void CheckModelName(string model, SettingOrigin origin, ProviderEndpoint endpoint);

        /// <summary>Request defaults from the provider's own settings (Ollama: ally.toml's [ollama.options], num_thread, num_gpu, num_ctx, keep_alive); -Options goes over them.</summary>
        public virtual RequestDefaults ResolveDefaults(SettingsResolver settings) => RequestDefaults.None;

        /// <summary>The model's context window in tokens, or null when the provider does not say.</summary>
        public virtual Task<int?> ContextLengthAsync(ProviderContext context, string model, CancellationToken cancellationToken)
        {
            if (!(CreateCatalog(context) is IModelCatalog catalog)) return Task.FromResult<int?>(null);
            return FromCatalogAsync(catalog, model, cancellationToken);
        }

        private static async Task<int?> FromCatalogAsync(IModelCatalog catalog, string model, CancellationToken cancellationToken)
        {
            try
            {
                IReadOnlyList<CatalogModelInfo> models = await catalog.ListAsync(null, cancellationToken).ConfigureAwait(false);
                return models.FirstOrDefault(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase))?.ContextLength;
            }
            catch (AllyException)
            {
                return null; // the chat request itself will say what is wrong
            }
        }

        /// <summary>The window the request itself fixes (Ollama: its num_ctx option), or null.</summary>
        public virtual int? FixedWindow(ChatRequest request) => null;

        /// <summary>The request with a window of <paramref name="tokens"/> allocated (Ollama: num_ctx); by default unchanged.</summary>
        public virtual ChatRequest WithWindow(ChatRequest request, int tokens) => request;

        /// <summary>Checks -Options for this provider (names, kinds of values); throws before any request.</summary>
        public abstract void CheckOptions(IReadOnlyDictionary<string, object?> options);

        /// <summary>A chat client.</summary>
        public virtual IChatProvider CreateChat(ProviderContext context) => throw new NotSupportedException(Name + " has no chat.");

        /// <summary>The provider's model list, for providers with <see cref="ProviderCapabilities.Catalog"/>.</summary>
        public virtual IModelCatalog? CreateCatalog(ProviderContext context) => null;

        /// <summary>What to suggest when the server rejects a model name.</summary>
        public virtual string ModelNameRemedy(string model, ProviderEndpoint endpoint) => Messages.ModelListRemedy(model, Name);

        /// <summary>What to suggest when the server does not serve a model.</summary>
        public virtual string ModelUnavailableRemedy(string model, ProviderEndpoint endpoint) => Messages.ModelListRemedy(model, Name);

        /// <summary>What to suggest when the server refuses the key (or wants one) that is read from <paramref name="variable"/>.</summary>
        public virtual string KeyRemedy(ProviderEndpoint endpoint, string variable) => Messages.KeyRemedy(variable);

        /// <summary>A new Test-AllyProvider result for <paramref name="context"/> and <paramref name="model"/>: provider, address, where the key came from, and the proxy its requests use.</summary>
        protected ProviderStatus NewStatus(ProviderContext context, string model) => new ProviderStatus(Name, context.Endpoint.BaseAddress)
        {
            Model = model,
            KeySource = context.Key?.Source,
            Proxy = context.Network.DescribeProxy(context.Endpoint.BaseAddress),
        };

        /// <summary>Checks the provider end to end without chatting: reachable, key, model (Test-AllyProvider).</summary>
        public virtual Task<ProviderStatus> DiagnoseAsync(ProviderContext context, string model, CancellationToken cancellationToken) =>
            throw new NotSupportedException(Name + " has no server to check.");

        /// <summary>True when <see cref="LoadModelAsync"/> can load a model on request (Ollama); hosted and OpenAI-compatible servers load their models themselves.</summary>
        public virtual bool CanLoadModels => false;
        /// <summary>
        /// Loads <paramref name="model"/> into the server's memory and records the outcome on
        /// <paramref name="status"/> (Test-AllyProvider -LoadModel): the only way to learn that a model does not fit.
        /// </summary>
        public virtual Task LoadModelAsync(ProviderContext context, string model, ProviderStatus status, CancellationToken cancellationToken) =>
            throw new NotSupportedException(Name + " cannot load models on request.");
        /// <summary>The model New-AllyEmbedding uses when none is given, or null when the provider cannot embed.</summary>
        public virtual string? DefaultEmbeddingModel => null;

        /// <summary>An embedder for <paramref name="options"/> (only for providers with <see cref="ProviderCapabilities.Embeddings"/>).</summary>
        public virtual ITextEmbedder CreateEmbedder(ProviderContext context, EmbedderOptions options) =>
            throw new NotSupportedException(Name + " cannot embed.");

        /// <summary>The name.</summary>
        public override string ToString() => Name;
    }

    /// <summary>A hosted provider's list of models.</summary>
    public interface IModelCatalog
    {
        /// <summary>The models; with <paramref name="supportedParameters"/>, only those supporting all of them (where the provider says).</summary>
        Task<IReadOnlyList<CatalogModelInfo>> ListAsync(IReadOnlyCollection<string>? supportedParameters, CancellationToken cancellationToken);
    }
}
