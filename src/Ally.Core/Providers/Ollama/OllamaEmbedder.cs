using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Async;
using Ally.Embeddings;
using Ally.Http;

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
            _connection = OllamaConnection.For(context);
            // num_ctx stays out: inputs are sized from the model's own context length (/api/show).
            _options = options.Defaults.Options?.Where(o => !string.Equals(o.Key, "num_ctx", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(o => o.Key, o => o.Value, StringComparer.OrdinalIgnoreCase);
            _keepAlive = options.Defaults.KeepAlive;
        }

        private readonly IReadOnlyDictionary<string, object?>? _options;
        private readonly string? _keepAlive;

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
            using PooledBuffer answer = await _connection.SendAsync(HttpMethod.Post, "api/embed", json =>
            {
                json.WriteStartObject();
                json.WriteString("model", Model);
                json.WriteStartArray("input");
                foreach (string text in texts) json.WriteStringValue(text);
                json.WriteEndArray();
                json.WriteBoolean("truncate", false);
                if (Dimensions is int dimensions) json.WriteNumber("dimensions", dimensions);
                OllamaOptions.WriteKeepAlive(json, _keepAlive);
                OllamaOptions.Write(json, _options);
                json.WriteEndObject();
            }, Model, null, cancellationToken).ConfigureAwait(false);
            List<float[]> vectors;
            try
            {
                vectors = ReadEmbeddings(answer.Span);
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is FormatException)
            {
                throw new AllyException(ErrorIds.InvalidResponse, Messages.InvalidResponse("Ollama"), Messages.InvalidResponseRemedy, ex);
            }
            if (vectors.Count != texts.Count)
                throw new AllyException(ErrorIds.InvalidResponse, Messages.WrongVectorCount("Ollama", texts.Count, vectors.Count), Messages.InvalidResponseRemedy);
            return vectors.ToArray();
        }

        /// <summary>
        /// The <c>embeddings</c> of an /api/embed answer, in one forward pass: hundreds of numbers per
        /// input are read straight into their vectors, without a document in between.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        internal static List<float[]> ReadEmbeddings(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
            List<float[]>? vectors = null;
            var values = new List<float>(1024);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals(EmbeddingsField))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException();
                vectors = new List<float[]>();
                while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    values.Clear();
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number) values.Add(reader.GetSingle());
                    if (reader.TokenType != JsonTokenType.EndArray) throw new JsonException();
                    vectors.Add(values.ToArray());
                }
                if (reader.TokenType != JsonTokenType.EndArray) throw new JsonException();
            }
            return vectors ?? throw new JsonException("no embeddings");
        }

        private static readonly byte[] EmbeddingsField = System.Text.Encoding.UTF8.GetBytes("embeddings");
    }
}
