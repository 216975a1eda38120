using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Embeddings;

namespace Ally.Providers.OpenAI
{
    /// <summary>
    /// The openai provider: OpenAI itself, or any OpenAI-compatible server — llama.cpp's server, vLLM,
    /// LM Studio — at ALLY_OPENAI_BASE_URL. A key (OPENAI_API_KEY, -ApiKey or the vault) is required by
    /// OpenAI's own API only; a compatible server gets one when it is configured.
    /// </summary>
    internal sealed class OpenAIProvider : ProviderDescriptor
    {
        private const string OfficialHost = "api.openai.com";

        public override string Name => "openai";
        public override ProviderCapabilities Capabilities => ProviderCapabilities.Chat | ProviderCapabilities.Catalog | ProviderCapabilities.Embeddings;
        public override string DefaultModel => "gpt-4o-mini";
        public override IReadOnlyList<Setting> Settings => new Setting[] { AllySettings.OpenAIBaseUrl, AllySettings.OpenAIApiKey };
        public override Setting<Uri>? AddressSetting => AllySettings.OpenAIBaseUrl;
        public override SecretSetting KeySetting => AllySettings.OpenAIApiKey;

        public override ProviderEndpoint ResolveEndpoint(SettingsResolver settings) => new ProviderEndpoint(settings.Resolve(AllySettings.OpenAIBaseUrl).Value);

        private static bool IsOfficial(ProviderEndpoint endpoint) => string.Equals(endpoint.BaseAddress.Host, OfficialHost, StringComparison.OrdinalIgnoreCase);

        public override bool RequiresKey(ProviderEndpoint endpoint) => IsOfficial(endpoint);

        public override string ServerName(ProviderEndpoint endpoint) => IsOfficial(endpoint) ? "OpenAI" : Messages.ServerAt(endpoint.BaseAddress);

        public override string KeyRemedy(ProviderEndpoint endpoint, string variable) =>
            IsOfficial(endpoint) ? Messages.OpenAIKeyRemedy(variable) : Messages.CompatibleServerKeyRemedy(variable);

        // Compatible servers name their models as they like (llama.cpp even ignores the name): any name goes.
        public override void CheckModelName(string model, SettingOrigin origin, ProviderEndpoint endpoint) { }

        public override void CheckOptions(IReadOnlyDictionary<string, object?> options) => OpenAIChatProvider.CheckOptions(options);

        public override IChatProvider CreateChat(ProviderContext context) => new OpenAIChatProvider(context);

        public override string? DefaultEmbeddingModel => "text-embedding-3-small";

        public override ITextEmbedder CreateEmbedder(ProviderContext context, EmbedderOptions options) =>
            new OpenAIEmbedder(context, options, IsOfficial(context.Endpoint));

        public override IModelCatalog CreateCatalog(ProviderContext context) => new OpenAICatalog(context);

        public override async Task<ProviderStatus> DiagnoseAsync(ProviderContext context, string model, CancellationToken cancellationToken)
        {
            ProviderStatus status = NewStatus(context, model);
            if (MissingCatalogKey(context) is AllyException missing)
            {
                // Asking OpenAI without a key would only be refused.
                status.AddProblem(missing);
                return status;
            }
            await OpenAIDiagnostics.CheckListedAsync(context, model, status, singleModelServers: !IsOfficial(context.Endpoint), cancellationToken).ConfigureAwait(false);
            return status;
        }
    }
}
