using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Providers.OpenAI;

namespace Ally.Providers.OpenRouter
{
    /// <summary>
    /// The openrouter provider: hosted models through OpenRouter's OpenAI-compatible API (or another
    /// compatible server at ALLY_OPENROUTER_BASE_URL). Adds to the OpenAI family: the key is required by
    /// openrouter.ai itself, model ids are vendor/model there, attribution headers, costs, catalog prices
    /// and the /key endpoint (credit, rate limit) for diagnostics.
    /// </summary>
    internal sealed class OpenRouterProvider : ProviderDescriptor
    {
        private const string OfficialHost = "openrouter.ai";
        private static readonly Regex ModelId = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._:-]*$", RegexOptions.CultureInvariant);

        public override string Name => "openrouter";
        public override ProviderCapabilities Capabilities =>
            ProviderCapabilities.Chat | ProviderCapabilities.Catalog | ProviderCapabilities.CatalogFilters | ProviderCapabilities.Cost;
        public override string DefaultModel => "openai/gpt-4o";
        public override IReadOnlyList<Setting> Settings => new Setting[]
        {
            AllySettings.OpenRouterBaseUrl, AllySettings.OpenRouterApiKey, AllySettings.OpenRouterReferer, AllySettings.OpenRouterTitle,
        };
        public override Setting<Uri>? AddressSetting => AllySettings.OpenRouterBaseUrl;
        public override SecretSetting KeySetting => AllySettings.OpenRouterApiKey;

        public override ProviderEndpoint ResolveEndpoint(SettingsResolver settings) => new ProviderEndpoint(
            settings.Resolve(AllySettings.OpenRouterBaseUrl).Value,
            new[]
            {
                new KeyValuePair<string, string>("HTTP-Referer", settings.Resolve(AllySettings.OpenRouterReferer).Value),
                new KeyValuePair<string, string>("X-OpenRouter-Title", settings.Resolve(AllySettings.OpenRouterTitle).Value),
            });

        /// <summary>True for openrouter.ai itself (keys required, model ids are vendor/model).</summary>
        private static bool IsOfficial(ProviderEndpoint endpoint) => string.Equals(endpoint.BaseAddress.Host, OfficialHost, StringComparison.OrdinalIgnoreCase);

        public override bool RequiresKey(ProviderEndpoint endpoint) => IsOfficial(endpoint);

        // OpenRouter's catalog is public.
        public override bool CatalogRequiresKey(ProviderEndpoint endpoint) => false;

        public override string ServerName(ProviderEndpoint endpoint) => IsOfficial(endpoint) ? "OpenRouter" : Messages.ServerAt(endpoint.BaseAddress);

        public override void CheckModelName(string model, SettingOrigin origin, ProviderEndpoint endpoint)
        {
            // Other OpenAI-compatible servers name models as they like; OpenRouter wants vendor/model.
            if (IsOfficial(endpoint) && !ModelId.IsMatch(model))
            {
                string shown = Messages.Excerpt(model, 80);
                throw new AllyException(ErrorIds.InvalidModelName, Messages.InvalidOpenRouterModel(shown, origin.Describe()), Messages.OpenRouterModelFormRemedy(shown));
            }
        }

        // ALLY_OPENROUTER_BASE_URL mostly points at a gateway to OpenRouter: its advice holds there too.
        public override string ModelNameRemedy(string model, ProviderEndpoint endpoint) => Messages.OpenRouterModelFormRemedy(model);

        public override string ModelUnavailableRemedy(string model, ProviderEndpoint endpoint) => Messages.OpenRouterModelUnavailableRemedy(model);

        public override string KeyRemedy(ProviderEndpoint endpoint, string variable) => Messages.OpenRouterKeyRemedy(variable);

        public override void CheckOptions(IReadOnlyDictionary<string, object?> options) => OpenAIChatProvider.CheckOptions(options);

        public override IChatProvider CreateChat(ProviderContext context) => new OpenAIChatProvider(context);

        public override IModelCatalog CreateCatalog(ProviderContext context) => new OpenAICatalog(context);

        public override async Task<ProviderStatus> DiagnoseAsync(ProviderContext context, string model, CancellationToken cancellationToken)
        {
            ProviderStatus status = NewStatus(context, model);
            var connection = new OpenAIConnection(context);
            if (context.Key is null)
            {
                if (RequiresKey(context.Endpoint)) status.AddProblem(ApiKeys.Missing(context.ServerName, context.KeySetting!));
            }
            else
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    // /key is current; older deployments (and many scripts) know only /auth/key.
                    JsonDocument? key = await KeyInfoAsync(connection, "key", cancellationToken).ConfigureAwait(false)
                        ?? await KeyInfoAsync(connection, "auth/key", cancellationToken).ConfigureAwait(false);
                    status.Latency = clock.Elapsed;
                    status.Reachable = true;
                    if (key != null) using (key) ReadKey(key.RootElement, status);
                }
                catch (AllyException ex)
                {
                    if (ex.StatusCode != null) status.Latency = clock.Elapsed;
                    status.Reachable = ex.StatusCode != null;
                    if (ex.Id == ErrorIds.InvalidApiKey || ex.Id == ErrorIds.RequestBlocked) status.KeyValid = false;
                    status.AddProblem(ex);
                    if (ex.StatusCode is null) return status;
                }
            }
            await OpenAIDiagnostics.CheckListedAsync(context, model, status, singleModelServers: false, cancellationToken).ConfigureAwait(false);
            return status;
        }

        /// <summary>The key endpoint's answer, or null when the server has no such endpoint (404).</summary>
        private static async Task<JsonDocument?> KeyInfoAsync(OpenAIConnection connection, string path, CancellationToken cancellationToken)
        {
            try
            {
                return await connection.GetJsonAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (AllyException ex) when (ex.StatusCode == 404)
            {
                return null;
            }
        }

        private static void ReadKey(JsonElement root, ProviderStatus status)
        {
            JsonElement data = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out JsonElement d) ? d : root;
            status.KeyValid = true;
            status.KeyLabel = JsonFields.String(data, "label");
            status.CreditLimit = Number(data, "limit");
            status.CreditRemaining = Number(data, "limit_remaining");
            status.Usage = Number(data, "usage");
            if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("is_free_tier", out JsonElement free) && (free.ValueKind == JsonValueKind.True || free.ValueKind == JsonValueKind.False))
                status.IsFreeTier = free.GetBoolean();
            if (JsonFields.Object(data, "rate_limit") is JsonElement rate && JsonFields.Int64(rate, "requests") is long requests)
            {
                status.RateLimit = string.Format(CultureInfo.InvariantCulture, "{0} requests per {1}", requests, JsonFields.String(rate, "interval") ?? "interval");
            }
            if (status.CreditRemaining is decimal left && left <= 0) status.AddProblem(Messages.InsufficientCreditsRemedy);
        }

        private static decimal? Number(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : (decimal?)null;
    }
}
