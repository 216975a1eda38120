using System;
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
            HttpClient http = OllamaConnection.For(settings.OllamaHost).Http;
            try
            {
                using (JsonDocument version = await GetJsonAsync(http, "api/version", cancellationToken).ConfigureAwait(false))
                {
                    status.Reachable = true;
                    status.Version = version.RootElement.TryGetProperty("version", out JsonElement v) ? v.GetString() : null;
                }
                using JsonDocument tags = await GetJsonAsync(http, "api/tags", cancellationToken).ConfigureAwait(false);
                status.ModelAvailable = false;
                string wanted = WithTag(settings.Model.Value!);
                if (tags.RootElement.TryGetProperty("models", out JsonElement models) && models.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement m in models.EnumerateArray())
                    {
                        if (m.TryGetProperty("name", out JsonElement n) && string.Equals(WithTag(n.GetString() ?? string.Empty), wanted, StringComparison.OrdinalIgnoreCase))
                            status.ModelAvailable = true;
                    }
                }
                if (status.ModelAvailable == false)
                    status.AddProblem(Messages.ModelNotInstalled(settings.Model.Value!) + " " + Messages.ModelNotFoundRemedy(settings.Model.Value!));
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                status.AddProblem(Messages.OllamaUnreachable(settings.OllamaHost, HttpErrors.Reason(ex)) + " " + Messages.OllamaUnreachableRemedy);
            }
            catch (OllamaResponseException ex)
            {
                status.Reachable = true;
                status.AddProblem(Messages.OllamaError(ex.StatusCode ?? 0, ex.ServerMessage));
            }
            return status;
        }

        private static string WithTag(string name) => name.IndexOf(':') >= 0 && name.LastIndexOf(':') > name.LastIndexOf('/') ? name : name + ":latest";

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
                    else if (code == HttpStatusCode.Unauthorized || code == HttpStatusCode.Forbidden)
                    {
                        status.KeyValid = false;
                        status.AddProblem(OpenRouterErrors.FromStatus((int)code, OpenRouterErrors.Parse(body, null), null, settings.Model.Value!, "OpenRouter"));
                    }
                    else if (code != HttpStatusCode.NotFound)
                    {
                        status.AddProblem(OpenRouterErrors.FromStatus((int)code, OpenRouterErrors.Parse(body, null), null, settings.Model.Value!, "OpenRouter"));
                    }
                }

                (HttpStatusCode modelsCode, string modelsBody) = await GetAsync(http, "models", options, cancellationToken).ConfigureAwait(false);
                status.Reachable = true;
                if (modelsCode == HttpStatusCode.OK) status.ModelAvailable = ListsModel(modelsBody, settings.Model.Value!);
                if (status.ModelAvailable == false) status.AddProblem(Messages.OpenRouterModelUnavailableRemedy(settings.Model.Value!));
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
            status.KeyLabel = String(data, "label");
            status.CreditLimit = Number(data, "limit");
            status.CreditRemaining = Number(data, "limit_remaining");
            status.Usage = Number(data, "usage");
            if (data.TryGetProperty("is_free_tier", out JsonElement free) && (free.ValueKind == JsonValueKind.True || free.ValueKind == JsonValueKind.False))
                status.IsFreeTier = free.GetBoolean();
            if (data.TryGetProperty("rate_limit", out JsonElement rate) && rate.ValueKind == JsonValueKind.Object
                && rate.TryGetProperty("requests", out JsonElement requests) && requests.ValueKind == JsonValueKind.Number)
            {
                status.RateLimit = string.Format(CultureInfo.InvariantCulture, "{0} requests per {1}", requests.GetInt64(), String(rate, "interval") ?? "interval");
            }
            if (status.CreditRemaining is decimal left && left <= 0) status.AddProblem(Messages.InsufficientCreditsRemedy);
        }

        private static bool ListsModel(string body, string model)
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Array) return true;
            string id = model.Split(':')[0];
            foreach (JsonElement m in data.EnumerateArray())
            {
                if (m.TryGetProperty("id", out JsonElement e) && string.Equals(e.GetString(), id, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }

        private static string? String(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        private static decimal? Number(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : (decimal?)null;

        private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient http, string path, OpenRouterOptions options, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            OpenRouterChatProvider.ApplyHeaders(request, options);
            using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        }

        private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string path, CancellationToken cancellationToken)
        {
            using HttpResponseMessage response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        }
    }
}
