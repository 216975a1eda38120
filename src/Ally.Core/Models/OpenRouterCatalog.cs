using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;

namespace Ally
{
    /// <summary>
    /// The OpenRouter model catalog (<c>GET {base}/models</c>, no API key needed): every model with
    /// its context length, prices (converted from US dollars per token to per million tokens) and
    /// supported parameters.
    /// </summary>
    public sealed class OpenRouterCatalog
    {
        // A client of its own: the catalog needs no key and no chat-specific handlers.
        private const string ClientName = "openrouter-models";
        private readonly HttpClient _http;

        /// <summary>The catalog of the API at <paramref name="baseUrl"/> (ending in '/').</summary>
        public OpenRouterCatalog(Uri baseUrl)
        {
            BaseUrl = baseUrl;
            _http = AllyHttp.For(ClientName, baseUrl);
        }

        /// <summary>The API's base address.</summary>
        public Uri BaseUrl { get; }

        /// <summary>
        /// The catalog in one request; with <paramref name="supportedParameters"/>, only models that
        /// support all of them (the API's own <c>supported_parameters</c> filter).
        /// </summary>
        public async Task<IReadOnlyList<OpenRouterModelInfo>> ListAsync(IReadOnlyCollection<string>? supportedParameters, CancellationToken cancellationToken)
        {
            string path = "models";
            if (supportedParameters != null && supportedParameters.Count > 0)
            {
                path += "?supported_parameters=" + string.Join(",", supportedParameters.Select(Uri.EscapeDataString));
            }
            try
            {
                using HttpResponseMessage response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) throw StatusFailure((int)response.StatusCode, body, response.ReasonPhrase);
                using JsonDocument doc = JsonDocument.Parse(body);
                IReadOnlyList<OpenRouterModelInfo> models = Parse(doc.RootElement);
                // Also filter here: a server that ignores the query must not widen the answer.
                return supportedParameters is null ? models : models.Where(m => supportedParameters.All(m.Supports)).ToList();
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                string reason = HttpErrors.Reason(ex);
                throw new AllyException("OpenRouterUnreachable", AllyErrorCategory.ConnectionError, Messages.OpenRouterUnreachable(BaseUrl, reason),
                    Messages.OpenRouterUnreachableRemedy, ex);
            }
            catch (Exception ex) when (ex is JsonException || ex is IOException && !cancellationToken.IsCancellationRequested)
            {
                throw new AllyException("InvalidResponse", AllyErrorCategory.InvalidData, Messages.InvalidResponse("OpenRouter", ex.Message), null, ex);
            }
        }

        private static AllyException StatusFailure(int status, string body, string? reason)
        {
            string text = ErrorText(body) ?? (body.Trim().Length > 0 ? body.Trim() : reason ?? "no details");
            var failure = status switch
            {
                401 or 403 => new AllyException("AccessDenied", AllyErrorCategory.PermissionDenied, Messages.OpenRouterError(status, text)),
                429 => new AllyException("RateLimited", AllyErrorCategory.ResourceBusy, Messages.OpenRouterError(status, text)),
                _ => new AllyException("ProviderError", AllyErrorCategory.ProviderError, Messages.OpenRouterError(status, text)),
            };
            failure.StatusCode = status;
            failure.ServerMessage = text;
            return failure;
        }

        // OpenRouter's error shape: {"error":{"code":429,"message":"…"}}.
        private static string? ErrorText(string body)
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(body);
                return JsonFields.Object(doc.RootElement, "error") is JsonElement error ? JsonFields.String(error, "message") : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        /// <summary>Reads a <c>/models</c> answer: <c>{"data":[…]}</c>.</summary>
        internal static IReadOnlyList<OpenRouterModelInfo> Parse(JsonElement root)
        {
            var result = new List<OpenRouterModelInfo>();
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Array) return result;
            foreach (JsonElement item in data.EnumerateArray())
            {
                string? id = JsonFields.String(item, "id");
                if (string.IsNullOrEmpty(id)) continue;
                var model = new OpenRouterModelInfo(id!)
                {
                    DisplayName = JsonFields.String(item, "name"),
                    Description = JsonFields.String(item, "description"),
                    ContextLength = JsonFields.Int32(item, "context_length"),
                    SupportedParameters = JsonFields.Strings(item, "supported_parameters"),
                    Created = JsonFields.Int64(item, "created") is long created ? DateTimeOffset.FromUnixTimeSeconds(created) : (DateTimeOffset?)null,
                };
                if (JsonFields.Object(item, "pricing") is JsonElement pricing)
                {
                    model.PromptPrice = ModelFormat.PerMillionTokens(JsonFields.String(pricing, "prompt"));
                    model.CompletionPrice = ModelFormat.PerMillionTokens(JsonFields.String(pricing, "completion"));
                }
                if (JsonFields.Object(item, "architecture") is JsonElement architecture)
                {
                    model.InputModalities = JsonFields.Strings(architecture, "input_modalities");
                    model.OutputModalities = JsonFields.Strings(architecture, "output_modalities");
                }
                if (JsonFields.Object(item, "top_provider") is JsonElement top)
                {
                    model.MaxCompletionTokens = JsonFields.Int32(top, "max_completion_tokens");
                    // The model's own context_length may be null while its top provider states one.
                    model.ContextLength ??= JsonFields.Int32(top, "context_length");
                }
                result.Add(model);
            }
            return result;
        }
    }
}
