using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
using Ally.Providers.Ollama;
using OllamaSharp.Models;

namespace Ally
{
    /// <summary>
    /// Model management on an Ollama server: list installed (<c>/api/tags</c>) and loaded
    /// (<c>/api/ps</c>) models, their details (<c>/api/show</c>), pull and delete. Lists and details
    /// are read as plain JSON (OllamaSharp drops capabilities and context lengths); pull and delete
    /// go through OllamaSharp. Every failure is an <see cref="AllyException"/>.
    /// </summary>
    public sealed class OllamaModels
    {
        private readonly OllamaConnection _connection;
        private static string ProviderName => Providers.ProviderRegistry.Ollama.Name;

        /// <summary>Model management for the Ollama server of <paramref name="ollama"/> (its address and network settings).</summary>
        public OllamaModels(Providers.ProviderContext ollama) => _connection = OllamaConnection.For(ollama);

        /// <summary>The server's base address.</summary>
        public Uri Host => _connection.Host;

        /// <summary>The installed models, as the server orders them (most recently changed first). One request.</summary>
        public async Task<IReadOnlyList<ModelInfo>> ListAsync(CancellationToken cancellationToken)
        {
            using JsonDocument? doc = await _connection.SendJsonAsync(HttpMethod.Get, "api/tags", null, null, null, cancellationToken).ConfigureAwait(false);
            return ReadModels(doc, (name, item, details) => new ModelInfo(name, ProviderName)
            {
                Size = JsonFields.Int64(item, "size") ?? 0,
                Digest = JsonFields.String(item, "digest"),
                ModifiedAt = JsonFields.Time(item, "modified_at"),
                // Newer servers list these too (api/types.go ListModelResponse); older ones leave them to /api/show.
                Capabilities = JsonFields.Strings(item, "capabilities"),
                Family = details.Family,
                Families = details.Families,
                ParameterSize = details.ParameterSize,
                QuantizationLevel = details.QuantizationLevel,
                Format = details.Format,
                ContextLength = details.ContextLength,
                EmbeddingLength = details.EmbeddingLength,
            });
        }

        /// <summary>The models loaded in memory. One request.</summary>
        public async Task<IReadOnlyList<RunningModelInfo>> ListRunningAsync(CancellationToken cancellationToken)
        {
            using JsonDocument? doc = await _connection.SendJsonAsync(HttpMethod.Get, "api/ps", null, null, null, cancellationToken).ConfigureAwait(false);
            return ReadModels(doc, (name, item, details) => new RunningModelInfo(name, ProviderName)
            {
                Size = JsonFields.Int64(item, "size") ?? 0,
                SizeVram = JsonFields.Int64(item, "size_vram") ?? 0,
                // The context the model was loaded with, not the model's maximum (details.context_length).
                ContextLength = JsonFields.Int32(item, "context_length"),
                ExpiresAt = JsonFields.Time(item, "expires_at"),
                Digest = JsonFields.String(item, "digest"),
                Family = details.Family,
                ParameterSize = details.ParameterSize,
                QuantizationLevel = details.QuantizationLevel,
            });
        }

        /// <summary>Fills in <paramref name="model"/>'s <c>/api/show</c> details (capabilities, context length, parameters, licence) and returns it.</summary>
        public async Task<ModelInfo> DescribeAsync(ModelInfo model, CancellationToken cancellationToken)
        {
            using JsonDocument? doc = await _connection.SendJsonAsync(HttpMethod.Post, "api/show", w =>
            {
                w.WriteStartObject();
                w.WriteString("model", model.Name);
                w.WriteEndObject();
            }, model.Name, Messages.NoInstalledModelRemedy(model.Name), cancellationToken).ConfigureAwait(false);
            if (doc is null) return model;
            JsonElement show = doc.RootElement;
            IReadOnlyList<string> capabilities = JsonFields.Strings(show, "capabilities");
            if (capabilities.Count > 0) model.Capabilities = capabilities;
            model.Parameters = JsonFields.String(show, "parameters");
            model.License = JsonFields.String(show, "license");
            model.Template = JsonFields.String(show, "template");
            model.System = JsonFields.String(show, "system");
            if (JsonFields.Object(show, "model_info") is JsonElement info)
            {
                // The context length of a model is model_info["<general.architecture>.context_length"].
                string? architecture = JsonFields.String(info, "general.architecture");
                model.Architecture = architecture;
                model.ParameterCount = JsonFields.Int64(info, "general.parameter_count");
                if (architecture != null)
                {
                    model.ContextLength = JsonFields.Int32(info, architecture + ".context_length") ?? model.ContextLength;
                    model.EmbeddingLength = JsonFields.Int32(info, architecture + ".embedding_length") ?? model.EmbeddingLength;
                }
            }
            model.IsDetailed = true;
            return model;
        }

        /// <summary>Deletes an installed model (<c>DELETE /api/delete</c>).</summary>
        public async Task DeleteAsync(string model, CancellationToken cancellationToken)
        {
            await _connection.DeleteAsync(model, Messages.RemoveNotFoundRemedy, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Pulls <paramref name="model"/>, yielding each progress line as it arrives. An error line
        /// in the stream (Ollama answers an unknown model with 200 and then <c>{"error":…}</c>) and a
        /// stream that ends without <c>success</c> are failures, never a quiet end. Cancelling stops
        /// the download; Ollama keeps what it has, so pulling again resumes.
        /// </summary>
        public async IAsyncEnumerable<PullStatus> PullAsync(string model, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            IAsyncEnumerator<PullModelResponse?> lines = _connection.PullAsync(model, cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool received = false;
            bool succeeded = false;
            try
            {
                while (true)
                {
                    PullModelResponse? line;
                    try
                    {
                        if (!await lines.MoveNextAsync().ConfigureAwait(false)) break;
                        line = lines.Current;
                    }
                    catch (Exception ex) when (PullFailure(ex, model, received, cancellationToken) is AllyException failure)
                    {
                        throw failure;
                    }
                    if (line is null) continue;
                    received = true;
                    var status = new PullStatus(line.Status ?? string.Empty, line.Digest, line.Total, line.Completed);
                    if (status.Digest is null && string.Equals(status.Status, "success", StringComparison.OrdinalIgnoreCase)) succeeded = true;
                    yield return status;
                }
            }
            finally
            {
                await lines.DisposeAsync().ConfigureAwait(false);
            }

            if (!succeeded)
            {
                throw new AllyException(ErrorIds.PullFailed, Messages.PullIncomplete(model), Messages.PullFailedRemedy(model));
            }
        }

        private AllyException? PullFailure(Exception ex, string model, bool received, CancellationToken cancellationToken)
        {
            if (ex is OllamaResponseException response && response.MidStream && response.MalformedLine is null)
            {
                // "pull model manifest: file does not exist": the registry has no such model or tag.
                bool unknown = response.ServerMessage.IndexOf("file does not exist", StringComparison.OrdinalIgnoreCase) >= 0;
                var failure = unknown
                    ? new AllyException(ErrorIds.ModelNotFound, Messages.PullModelNotFound(model, response.ServerMessage),
                        Messages.PullModelNotFoundRemedy(ModelNames.ShortName(model)), ex)
                    : new AllyException(ErrorIds.PullFailed, Messages.PullFailed(model, response.ServerMessage),
                        Messages.PullFailedRemedy(model), ex);
                failure.ServerMessage = response.ServerMessage;
                return failure;
            }
            if (received && (ex is IOException || ex is HttpRequestException) && !cancellationToken.IsCancellationRequested)
            {
                return new AllyException(ErrorIds.PullFailed, Messages.PullFailed(model, HttpFailures.Reason(ex)), Messages.PullFailedRemedy(model), ex);
            }
            return _connection.Failure(ex, "api/pull", model, cancellationToken, Messages.PullModelNotFoundRemedy(ModelNames.ShortName(model)));
        }

        /// <summary>The <c>models</c> array of /api/tags and /api/ps, each entry with a name, read by <paramref name="read"/>.</summary>
        private static IReadOnlyList<T> ReadModels<T>(JsonDocument? doc, Func<string, JsonElement, ModelDetails, T> read)
        {
            var result = new List<T>();
            if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("models", out JsonElement models)
                || models.ValueKind != JsonValueKind.Array)
            {
                return result;
            }
            foreach (JsonElement item in models.EnumerateArray())
            {
                string? name = JsonFields.String(item, "name") ?? JsonFields.String(item, "model");
                if (name != null) result.Add(read(name, item, new ModelDetails(JsonFields.Object(item, "details"))));
            }
            return result;
        }

        /// <summary>A model's <c>details</c> object (api/types.go <c>ModelDetails</c>); empty strings count as unknown.</summary>
        private sealed class ModelDetails
        {
            public ModelDetails(JsonElement? details)
            {
                if (!(details is JsonElement d)) return;
                Family = NonEmpty(JsonFields.String(d, "family"));
                Families = JsonFields.Strings(d, "families");
                ParameterSize = NonEmpty(JsonFields.String(d, "parameter_size"));
                QuantizationLevel = NonEmpty(JsonFields.String(d, "quantization_level"));
                Format = NonEmpty(JsonFields.String(d, "format"));
                ContextLength = JsonFields.Int32(d, "context_length");
                EmbeddingLength = JsonFields.Int32(d, "embedding_length");
            }

            public string? Family { get; }
            public IReadOnlyList<string> Families { get; } = Array.Empty<string>();
            public string? ParameterSize { get; }
            public string? QuantizationLevel { get; }
            public string? Format { get; }
            public int? ContextLength { get; }
            public int? EmbeddingLength { get; }
        }

        private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
