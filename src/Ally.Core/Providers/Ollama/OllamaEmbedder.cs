using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Embeddings;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// Embeddings through Ollama's <c>/api/embed</c> (protocols §1.10): many inputs per request,
    /// <c>dimensions</c> passed through, and <c>truncate: false</c> — Ollama cuts over-long inputs
    /// silently or fails on them (§3.14), so Ally sizes inputs itself from the model's context length
    /// (<c>/api/show</c>), checked once before the first request together with the model's ability to embed.
    /// </summary>
    internal sealed class OllamaEmbedder : TextEmbedder
    {
        /// <summary>Inputs per request: modest, as large batches hurt some models' quality (ollama/ollama#6262).</summary>
        public const int DefaultBatchSize = 16;

        private readonly OllamaConnection _connection;

        public OllamaEmbedder(ProviderContext context, EmbedderOptions options)
            : base("ollama", options, new EmbeddingLimits(options.BatchSize ?? DefaultBatchSize, int.MaxValue))
        {
            _connection = OllamaConnection.For(context.Endpoint.BaseAddress);
        }

        protected override async Task<int?> PrepareCoreAsync(CancellationToken cancellationToken)
        {
            using JsonDocument? show = await _connection.SendJsonAsync(HttpMethod.Post, "api/show", json =>
            {
                json.WriteStartObject();
                json.WriteString("model", Model);
                json.WriteEndObject();
            }, Model, null, cancellationToken).ConfigureAwait(false);
            if (show is null || show.RootElement.ValueKind != JsonValueKind.Object) return null;
            JsonElement root = show.RootElement;

            // Older servers do not list capabilities: then the embed request itself tells.
            if (root.TryGetProperty("capabilities", out JsonElement capabilities) && capabilities.ValueKind == JsonValueKind.Array)
            {
                bool canEmbed = false;
                foreach (JsonElement capability in capabilities.EnumerateArray())
                {
                    if (capability.ValueKind == JsonValueKind.String && capability.ValueEquals("embedding")) canEmbed = true;
                }
                if (!canEmbed)
                    throw new AllyException(ErrorIds.EmbeddingNotSupported, Messages.EmbeddingNotSupported("Ollama", Model, Messages.NotAnEmbeddingModel),
                        Messages.EmbeddingNotSupportedRemedy(Provider));
            }
            return ContextLength(root);
        }

        /// <summary>The model's context length: <c>model_info["&lt;general.architecture&gt;.context_length"]</c>.</summary>
        internal static int? ContextLength(JsonElement show)
        {
            if (!show.TryGetProperty("model_info", out JsonElement info) || info.ValueKind != JsonValueKind.Object) return null;
            if (!info.TryGetProperty("general.architecture", out JsonElement architecture) || architecture.ValueKind != JsonValueKind.String) return null;
            return info.TryGetProperty(architecture.GetString() + ".context_length", out JsonElement length)
                && length.ValueKind == JsonValueKind.Number && length.TryGetInt32(out int tokens) && tokens > 0
                ? tokens
                : null;
        }

        public override async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            using JsonDocument? answer = await _connection.SendJsonAsync(HttpMethod.Post, "api/embed", json =>
            {
                json.WriteStartObject();
                json.WriteString("model", Model);
                json.WriteStartArray("input");
                foreach (string text in texts) json.WriteStringValue(text);
                json.WriteEndArray();
                json.WriteBoolean("truncate", false);
                if (Dimensions is int dimensions) json.WriteNumber("dimensions", dimensions);
                json.WriteEndObject();
            }, Model, null, cancellationToken).ConfigureAwait(false);
            try
            {
                JsonElement embeddings = answer?.RootElement.GetProperty("embeddings") ?? throw new JsonException();
                var vectors = new float[embeddings.GetArrayLength()][];
                int i = 0;
                foreach (JsonElement vector in embeddings.EnumerateArray()) vectors[i++] = EmbeddingVectors.FromJson(vector);
                if (vectors.Length != texts.Count)
                    throw new AllyException(ErrorIds.InvalidResponse, Messages.WrongVectorCount("Ollama", texts.Count, vectors.Length), Messages.InvalidResponseRemedy);
                return vectors;
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is KeyNotFoundException || ex is FormatException)
            {
                throw new AllyException(ErrorIds.InvalidResponse, Messages.InvalidResponse("Ollama"), Messages.InvalidResponseRemedy, ex);
            }
        }
    }
}
