using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Embeddings;

namespace Ally.Providers.OpenAI
{
    /// <summary>
    /// Embeddings through an OpenAI-compatible <c>embeddings</c> endpoint (protocols §4, §3.13):
    /// within OpenAI's limits (2,048 inputs, 300,000 tokens per request, 8,192 tokens per input,
    /// estimated conservatively), vectors asked for as base64 (little-endian float32, a quarter of the
    /// JSON's size) but read as numbers too, and put back in order by <c>index</c>.
    /// </summary>
    internal sealed class OpenAIEmbedder : TextEmbedder
    {
        public const int MaxInputs = 2048;
        public const int MaxRequestTokens = 300_000;
        public const int MaxInputTokens = 8192;

        private readonly OpenAIConnection _connection;

        public OpenAIEmbedder(ProviderContext context, EmbedderOptions options, bool officialApi)
            : base(context.Provider.Name, options, new EmbeddingLimits(Math.Min(options.BatchSize ?? MaxInputs, MaxInputs), MaxRequestTokens))
        {
            // OpenAI shortens only the text-embedding-3 models' vectors; a compatible server decides for itself.
            if (options.Dimensions != null && officialApi && !options.Model.StartsWith("text-embedding-3", StringComparison.OrdinalIgnoreCase))
                throw new AllyException(ErrorIds.DimensionsNotSupported, Messages.DimensionsNotSupported(options.Model), Messages.DimensionsNotSupportedRemedy);
            _connection = new OpenAIConnection(context);
        }

        protected override Task<int?> PrepareCoreAsync(CancellationToken cancellationToken) => Task.FromResult<int?>(MaxInputTokens);

        public override async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            JsonDocument answer;
            try
            {
                answer = await _connection.SendJsonAsync(HttpMethod.Post, "embeddings", json =>
                {
                    json.WriteStartObject();
                    json.WriteString("model", Model);
                    json.WriteStartArray("input");
                    foreach (string text in texts) json.WriteStringValue(text);
                    json.WriteEndArray();
                    json.WriteString("encoding_format", "base64");
                    if (Dimensions is int dimensions) json.WriteNumber("dimensions", dimensions);
                    json.WriteEndObject();
                }, Model, cancellationToken).ConfigureAwait(false);
            }
            catch (AllyException ex) when (ex.Id == ErrorIds.ContextLengthExceeded
                // llama.cpp's server: an input over its batch size fails the request with a 500.
                || ex.ServerMessage?.IndexOf("too large to process", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                throw new AllyException(ErrorIds.InputTooLong, ex.Problem, Messages.InputTooLongRemedy, ex) { ServerMessage = ex.ServerMessage, StatusCode = ex.StatusCode };
            }
            using (answer)
            {
                try
                {
                    return Read(answer.RootElement, texts.Count);
                }
                catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is KeyNotFoundException || ex is FormatException || ex is IndexOutOfRangeException)
                {
                    throw new AllyException(ErrorIds.InvalidResponse, Messages.InvalidResponse(_connection.ServerName), Messages.InvalidResponseRemedy, ex);
                }
            }
        }

        /// <summary>The vectors of an answer, by <c>index</c> (servers need not keep the order).</summary>
        private float[][] Read(JsonElement root, int count)
        {
            JsonElement data = root.GetProperty("data");
            var vectors = new float[count][];
            int received = 0;
            foreach (JsonElement item in data.EnumerateArray())
            {
                int index = item.GetProperty("index").GetInt32();
                JsonElement embedding = item.GetProperty("embedding");
                float[] vector = embedding.ValueKind == JsonValueKind.String
                    ? EmbeddingVectors.FromBase64(embedding.GetString()!)
                    : EmbeddingVectors.FromJson(embedding);
                if (vectors[index] != null) throw new JsonException("index " + index + " twice");
                vectors[index] = vector;
                received++;
            }
            if (received != count)
                throw new AllyException(ErrorIds.InvalidResponse, Messages.WrongVectorCount(_connection.ServerName, count, received), Messages.InvalidResponseRemedy);
            return vectors;
        }
    }
}
