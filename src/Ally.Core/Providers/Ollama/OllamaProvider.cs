using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Embeddings;

namespace Ally.Providers.Ollama
{
    /// <summary>The ollama provider: local (or remote) models on an Ollama server at OLLAMA_HOST.</summary>
    internal sealed class OllamaProvider : ProviderDescriptor
    {
        // [host[:port]/][namespace/]name[:tag] — Ollama's name parts: letters, digits, '_', '-', '.'.
        private static readonly Regex ModelName = new Regex(
            @"^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?::[0-9]+)?/){0,2}[A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?$",
            RegexOptions.CultureInvariant);

        public override string Name => "ollama";
        public override ProviderCapabilities Capabilities =>
            ProviderCapabilities.Chat | ProviderCapabilities.InstalledModels | ProviderCapabilities.Pull | ProviderCapabilities.Delete | ProviderCapabilities.Embeddings;
        public override string DefaultModel => "llama3.1";
        public override IReadOnlyList<Setting> Settings => new Setting[]
        {
            AllySettings.OllamaHost, AllySettings.OllamaOptions, AllySettings.OllamaNumThread, AllySettings.OllamaNumGpu, AllySettings.OllamaNumCtx, AllySettings.OllamaKeepAlive,
        };
        public override Setting<Uri>? AddressSetting => AllySettings.OllamaHost;

        public override ProviderEndpoint ResolveEndpoint(SettingsResolver settings)
        {
            Resolved<Uri> host = settings.Resolve(AllySettings.OllamaHost);
            return new ProviderEndpoint(host.Value, warnings: host.Warning is null ? null : new[] { host.Warning });
        }

        public override string ServerName(ProviderEndpoint endpoint) => "Ollama";

        /// <summary>True for a well-formed Ollama model name.</summary>
        public static bool IsValidModelName(string? name) => !string.IsNullOrWhiteSpace(name) && name!.Length <= AllySettings.MaxModelNameLength && ModelName.IsMatch(name);

        public override void CheckModelName(string model, SettingOrigin origin, ProviderEndpoint endpoint)
        {
            if (!IsValidModelName(model))
                throw new AllyException(ErrorIds.InvalidModelName, Messages.InvalidModelName(Messages.Excerpt(model, 80), origin.Describe()), Messages.InvalidModelNameRemedy);
        }

        public override void CheckOptions(IReadOnlyDictionary<string, object?> options) => OllamaOptions.Check(options);

        /// <summary>The model's maximum context (/api/show's model_info); null when the server does not say or cannot answer.</summary>
        public override async Task<int?> ContextLengthAsync(ProviderContext context, string model, CancellationToken cancellationToken)
        {
            try
            {
                using JsonDocument? show = await OllamaConnection.For(context).SendJsonAsync(HttpMethod.Post, "api/show", json =>
                {
                    json.WriteStartObject();
                    json.WriteString("model", model);
                    json.WriteEndObject();
                }, model, null, cancellationToken).ConfigureAwait(false);
                return show is null ? null : OllamaEmbedder.ContextLength(show.RootElement);
            }
            catch (AllyException)
            {
                return null; // the chat request itself will say what is wrong (model not installed, …)
            }
        }

        /// <summary>The user's num_ctx, which is the window.</summary>
        public override int? FixedWindow(ChatRequest request)
        {
            if (request.Options is null) return null;
            foreach (KeyValuePair<string, object?> option in request.Options)
            {
                if (string.Equals(option.Key, "num_ctx", StringComparison.OrdinalIgnoreCase) && AllySettings.IsNumber(option.Value))
                    return Convert.ToInt32(option.Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            return null;
        }

        /// <summary>Allocates <paramref name="tokens"/> with num_ctx (Ollama's default is small and cuts long prompts silently).</summary>
        public override ChatRequest WithWindow(ChatRequest request, int tokens)
        {
            var options = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            if (request.Options != null)
            {
                foreach (KeyValuePair<string, object?> option in request.Options) options[option.Key] = option.Value;
            }
            options["num_ctx"] = (long)tokens;
            return request.With(request.Messages, options);
        }

        /// <summary>[ollama.options] from ally.toml, then num_thread (OLLAMA_NUM_THREADS), num_gpu (OLLAMA_GPU_LAYERS) and num_ctx over it; keep_alive.</summary>
        public override RequestDefaults ResolveDefaults(SettingsResolver settings)
        {
            Resolved<IReadOnlyDictionary<string, object?>?> table = settings.Resolve(AllySettings.OllamaOptions);
            Dictionary<string, object?>? options = null;
            if (table.Value != null)
            {
                try
                {
                    OllamaOptions.Check(table.Value);
                }
                catch (AllyException ex)
                {
                    throw new AllyException(ex.Id, Messages.FromWhere(ex.Problem, table.Origin.Describe()), ex.Remedy);
                }
                options = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (KeyValuePair<string, object?> option in table.Value) options[option.Key] = option.Value;
            }
            void Set(string name, Setting<int?> setting)
            {
                if (settings.Resolve(setting).Value is int value) (options ??= new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase))[name] = (long)value;
            }
            Set("num_thread", AllySettings.OllamaNumThread);
            Set("num_gpu", AllySettings.OllamaNumGpu);
            Set("num_ctx", AllySettings.OllamaNumCtx);
            return new RequestDefaults(options, settings.Resolve(AllySettings.OllamaKeepAlive).Value);
        }

        public override IChatProvider CreateChat(ProviderContext context) => new OllamaChatProvider(context);

        public override string? DefaultEmbeddingModel => "nomic-embed-text";

        public override ITextEmbedder CreateEmbedder(ProviderContext context, EmbedderOptions options) => new OllamaEmbedder(context, options);

        public override async Task<ProviderStatus> DiagnoseAsync(ProviderContext context, string model, CancellationToken cancellationToken)
        {
            ProviderStatus status = NewStatus(context, model);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                using (JsonDocument? version = await OllamaConnection.For(context)
                    .SendJsonAsync(HttpMethod.Get, "api/version", null, null, null, cancellationToken).ConfigureAwait(false))
                {
                    status.Latency = clock.Elapsed;
                    status.Reachable = true;
                    status.Version = version is null ? null : JsonFields.String(version.RootElement, "version");
                }
                IReadOnlyList<ModelInfo> installed = await new OllamaModels(context).ListAsync(cancellationToken).ConfigureAwait(false);
                status.ModelAvailable = installed.Any(m => ModelNames.SameModel(m.Name, model));
                if (status.ModelAvailable == false) status.AddProblem(Messages.ModelNotInstalled(model) + " " + Messages.ModelNotFoundRemedy(model));
            }
            catch (AllyException ex)
            {
                // An answer with an error status still means a server is there.
                if (ex.StatusCode != null) status.Latency ??= clock.Elapsed;
                status.Reachable = ex.StatusCode != null;
                status.AddProblem(ex);
            }
            return status;
        }

        /// <summary>
        /// Ollama's load request: /api/chat with the model and no messages loads it and answers
        /// {"done":true,"done_reason":"load"} — or fails as a chat would, e.g. 500 "model requires more
        /// system memory (X GiB) than is available (Y GiB)" (InsufficientMemory).
        /// </summary>
        public override bool CanLoadModels => true;

        public override async Task LoadModelAsync(ProviderContext context, string model, ProviderStatus status, CancellationToken cancellationToken)
        {
            try
            {
                using JsonDocument? answer = await OllamaConnection.For(context).SendJsonAsync(HttpMethod.Post, "api/chat", w =>
                {
                    w.WriteStartObject();
                    w.WriteString("model", model);
                    w.WriteStartArray("messages");
                    w.WriteEndArray();
                    w.WriteBoolean("stream", false);
                    w.WriteEndObject();
                }, model, null, cancellationToken).ConfigureAwait(false);
                status.ModelLoaded = true;
            }
            catch (AllyException ex)
            {
                status.ModelLoaded = false;
                status.AddProblem(Messages.ModelLoadFailed(model) + ex.Message);
            }
        }
    }
}
