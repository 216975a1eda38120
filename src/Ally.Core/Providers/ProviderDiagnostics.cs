using System;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Http;
using Ally.Providers.Ollama;
using Ally.Providers.OpenRouter;

namespace Ally.Providers
{
    /// <summary>Checks a provider end to end without chatting: reachability, key, credit, model.</summary>
    public static class ProviderDiagnostics
    {
        /// <summary>Runs the checks for the provider the settings name.</summary>
        public static Task<ProviderStatus> CheckAsync(ChatSettings settings, ApiKey? apiKey, CancellationToken cancellationToken) =>
            settings.Provider.Value == OpenRouterChatProvider.ProviderName
                ? CheckOpenRouterAsync(settings, apiKey, cancellationToken)
                : CheckOllamaAsync(settings, cancellationToken);

        private static async Task<ProviderStatus> CheckOllamaAsync(ChatSettings settings, CancellationToken cancellationToken)
        {
            var status = new ProviderStatus(OllamaChatProvider.ProviderName, settings.OllamaHost) { Model = settings.Model.Value };
            try
            {
                using (JsonDocument? version = await OllamaConnection.For(settings.OllamaHost)
                    .SendJsonAsync(HttpMethod.Get, "api/version", null, null, null, cancellationToken).ConfigureAwait(false))
                {
                    status.Reachable = true;
                    status.Version = version is null ? null : JsonFields.String(version.RootElement, "version");
                }
                string model = settings.Model.Value!;
                IReadOnlyList<ModelInfo> installed = await new OllamaModels(settings.OllamaHost).ListAsync(cancellationToken).ConfigureAwait(false);
                status.ModelAvailable = installed.Any(m => ModelNames.SameModel(m.Name, model));
                if (status.ModelAvailable == false) status.AddProblem(Messages.ModelNotInstalled(model) + " " + Messages.ModelNotFoundRemedy(model));
            }
            catch (AllyException ex)
            {
                // An answer with an error status still means the server is there.
                status.Reachable = ex.StatusCode != null;
                status.AddProblem(ex);
            }
            return status;
        }

        private static async Task<ProviderStatus> CheckOpenRouterAsync(ChatSettings settings, ApiKey? apiKey, CancellationToken cancellationToken)
        {
            var options = new OpenRouterOptions(settings.OpenRouterBaseUrl, apiKey, settings.OpenRouterReferer, settings.OpenRouterTitle);
            var status = new ProviderStatus(OpenRouterChatProvider.ProviderName, options.BaseUrl) { Model = settings.Model.Value, KeySource = apiKey?.Source };
            HttpClient http = AllyHttp.For(OpenRouterChatProvider.ProviderName, options.BaseUrl);
            try
            {
                if (apiKey is null)
                {
                    if (settings.RequiresApiKey) status.AddProblem(ApiKeys.Missing());
                }
                else
                {
                    // /key is current; older deployments (and many scripts) know only /auth/key.
                    (HttpStatusCode code, string body) = await GetAsync(http, "key", options, cancellationToken).ConfigureAwait(false);
                    if (code == HttpStatusCode.NotFound) (code, body) = await GetAsync(http, "auth/key", options, cancellationToken).ConfigureAwait(false);
                    status.Reachable = true;
                    if (code == HttpStatusCode.OK) ReadKey(body, status);
                    else if (code != HttpStatusCode.NotFound)
                    {
                        if (code == HttpStatusCode.Unauthorized || code == HttpStatusCode.Forbidden) status.KeyValid = false;
                        status.AddProblem(OpenRouterErrors.FromStatus((int)code, OpenRouterErrors.Parse(body, null), null, settings.Model.Value!, "OpenRouter"));
                    }
                }

                await CheckListedAsync(options.BaseUrl, settings.Model.Value!, status, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                status.AddProblem(Messages.ProviderUnreachable("OpenRouter", options.BaseUrl, HttpErrors.Reason(ex)) + " " + Messages.ProviderUnreachableRemedy);
            }
            return status;
        }

        private static void ReadKey(string body, ProviderStatus status)
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement data = doc.RootElement.TryGetProperty("data", out JsonElement d) ? d : doc.RootElement;
            status.KeyValid = true;
            status.KeyLabel = JsonFields.String(data, "label");
            status.CreditLimit = Number(data, "limit");
            status.CreditRemaining = Number(data, "limit_remaining");
            status.Usage = Number(data, "usage");
            if (data.TryGetProperty("is_free_tier", out JsonElement free) && (free.ValueKind == JsonValueKind.True || free.ValueKind == JsonValueKind.False))
                status.IsFreeTier = free.GetBoolean();
            if (data.TryGetProperty("rate_limit", out JsonElement rate) && rate.ValueKind == JsonValueKind.Object
                && rate.TryGetProperty("requests", out JsonElement requests) && requests.ValueKind == JsonValueKind.Number)
            {
                status.RateLimit = string.Format(CultureInfo.InvariantCulture, "{0} requests per {1}", requests.GetInt64(), JsonFields.String(rate, "interval") ?? "interval");
            }
            if (status.CreditRemaining is decimal left && left <= 0) status.AddProblem(Messages.InsufficientCreditsRemedy);
        }

        /// <summary>Looks the model up in the catalog; a server without one (404) leaves the answer open.</summary>
        private static async Task CheckListedAsync(Uri baseUrl, string model, ProviderStatus status, CancellationToken cancellationToken)
        {
            IReadOnlyList<OpenRouterModelInfo> catalog;
            try
            {
                catalog = await new OpenRouterCatalog(baseUrl).ListAsync(null, cancellationToken).ConfigureAwait(false);
            }
            catch (AllyException ex)
            {
                if (ex.StatusCode is null) status.AddProblem(ex);
                else status.Reachable = true;
                return;
            }
            status.Reachable = true;
            string id = model.Split(':')[0];
            status.ModelAvailable = catalog.Any(m => string.Equals(m.Name, id, StringComparison.OrdinalIgnoreCase));
            if (status.ModelAvailable == false) status.AddProblem(Messages.OpenRouterModelUnavailableRemedy(model));
        }

        private static decimal? Number(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : (decimal?)null;

        private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient http, string path, OpenRouterOptions options, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            OpenRouterChatProvider.ApplyHeaders(request, options);
            using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        }
    }
}
