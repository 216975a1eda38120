using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Providers.OpenAI
{
    /// <summary>
    /// The models an OpenAI-compatible API lists (<c>GET {base}/models</c>, with the key when there is
    /// one: llama.cpp's server and others protect it). OpenRouter's catalog adds context lengths, prices
    /// (converted from US dollars per token to per million tokens) and supported parameters; OpenAI and
    /// the compatible servers give ids, owners and creation times.
    /// </summary>
    internal sealed class OpenAICatalog : IModelCatalog
    {
        private readonly OpenAIConnection _connection;

        public OpenAICatalog(ProviderContext context) => _connection = new OpenAIConnection(context);

        public async Task<IReadOnlyList<CatalogModelInfo>> ListAsync(IReadOnlyCollection<string>? supportedParameters, CancellationToken cancellationToken)
        {
            string path = "models";
            if (supportedParameters != null && supportedParameters.Count > 0)
            {
                path += "?supported_parameters=" + string.Join(",", supportedParameters.Select(Uri.EscapeDataString));
            }
            using JsonDocument doc = await _connection.GetJsonAsync(path, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<CatalogModelInfo> models = Parse(doc.RootElement, _connection.Context.Provider.Name);
            // Also filter here: a server that ignores the query must not widen the answer.
            return supportedParameters is null ? models : models.Where(m => supportedParameters.All(m.Supports)).ToList();
        }

        /// <summary>Reads a <c>/models</c> answer: <c>{"data":[…]}</c>.</summary>
        internal static IReadOnlyList<CatalogModelInfo> Parse(JsonElement root, string provider)
        {
            var result = new List<CatalogModelInfo>();
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Array) return result;
            foreach (JsonElement item in data.EnumerateArray())
            {
                string? id = JsonFields.String(item, "id");
                if (string.IsNullOrEmpty(id)) continue;
                var model = new CatalogModelInfo(id!, provider)
                {
                    DisplayName = JsonFields.String(item, "name"),
                    Description = JsonFields.String(item, "description"),
                    OwnedBy = JsonFields.String(item, "owned_by"),
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
                // llama.cpp describes its model in "meta": the context it was trained with.
                if (JsonFields.Object(item, "meta") is JsonElement meta) model.ContextLength ??= JsonFields.Int32(meta, "n_ctx_train");
                result.Add(model);
            }
            return result;
        }
    }
}
