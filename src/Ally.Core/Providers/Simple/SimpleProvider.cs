using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Embeddings;

namespace Ally.Providers.Simple
{
    /// <summary>
    /// The simple provider: Ally's own hashing embedder (<see cref="SimpleEmbedder"/>), offline, no
    /// server, no key. The default embedding provider; it has no chat.
    /// </summary>
    internal sealed class SimpleProvider : ProviderDescriptor
    {
        private static readonly ProviderEndpoint Local = new ProviderEndpoint(new Uri("ally://simple/"));

        public override string Name => "simple";
        public override ProviderCapabilities Capabilities => ProviderCapabilities.Embeddings;
        public override string DefaultModel => SimpleEmbedder.ModelName;
        public override string? DefaultEmbeddingModel => SimpleEmbedder.ModelName;
        public override IReadOnlyList<Setting> Settings => Array.Empty<Setting>();

        public override ProviderEndpoint ResolveEndpoint(SettingsResolver settings) => Local;

        public override string ServerName(ProviderEndpoint endpoint) => Messages.SimpleEmbedderName;

        public override void CheckModelName(string model, SettingOrigin origin, ProviderEndpoint endpoint)
        {
            if (!string.Equals(model, SimpleEmbedder.ModelName, StringComparison.OrdinalIgnoreCase))
                throw new AllyException(ErrorIds.InvalidModelName, Messages.SimpleHasOneModel(Messages.Excerpt(model, 80), origin.Describe(), SimpleEmbedder.ModelName),
                    Messages.SimpleModelRemedy);
        }

        public override void CheckOptions(IReadOnlyDictionary<string, object?> options) { }

        public override ITextEmbedder CreateEmbedder(ProviderContext context, EmbedderOptions options) => new SimpleTextEmbedder(options);

        /// <summary>Embeds on the worker threads, in parallel across a command's batches.</summary>
        private sealed class SimpleTextEmbedder : TextEmbedder
        {
            private readonly int _dimensions;

            public SimpleTextEmbedder(EmbedderOptions options)
                : base("simple", new EmbedderOptions(SimpleEmbedder.ModelName) { Dimensions = options.Dimensions, UseTaskPrefixes = false },
                    new EmbeddingLimits(options.BatchSize ?? 256, int.MaxValue))
            {
                _dimensions = options.Dimensions ?? SimpleEmbedder.DefaultDimensions;
            }

            public override Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) => Task.Run(() =>
            {
                var vectors = new float[texts.Count][];
                for (int i = 0; i < texts.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    vectors[i] = SimpleEmbedder.Embed(texts[i], _dimensions);
                }
                return vectors;
            }, cancellationToken);
        }
    }
}
