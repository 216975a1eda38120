using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using Ally.Embeddings;
using Ally.Providers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Finds the embedded items closest in meaning to a query (semantic search).</para>
    /// The query is embedded with the items' own provider and model; items are ranked by cosine similarity.
    /// </summary>
    [Cmdlet(VerbsCommon.Search, "AllyEmbedding", DefaultParameterSetName = TextSet)]
    [OutputType(typeof(EmbeddingSearchResult))]
    public sealed class SearchAllyEmbeddingCommand : AllyCmdlet
    {
        private const string TextSet = "Query";
        private const string VectorSet = "Vector";

        /// <summary>What to look for, in words; embedded with the items' provider and model.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = TextSet)]
        [ValidateNotNullOrEmpty]
        public string? Query { get; set; }

        /// <summary>A query vector (e.g. an Embedding's Vector) instead of text.</summary>
        [Parameter(Mandatory = true, ParameterSetName = VectorSet)]
        [ValidateNotNullOrEmpty]
        public float[]? Vector { get; set; }

        /// <summary>The items to search (New-AllyEmbedding or Import-AllyEmbedding output).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public Embedding[] InputObject { get; set; } = System.Array.Empty<Embedding>();

        /// <summary>How many results to return.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Top { get; set; } = 5;

        /// <summary>Leave out results scoring below this (cosine similarity, -1 to 1).</summary>
        [Parameter]
        [ValidateRange(-1.0, 1.0)]
        public double MinimumScore { get; set; } = -1;

        /// <summary>The API key for openai items' query (a SecureString). Default: OPENAI_API_KEY, then the vault in ALLY_SECRET_VAULT.</summary>
        [Parameter(ParameterSetName = TextSet)]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString? ApiKey { get; set; }

        /// <summary>The proxy for this command's requests: http://host:port (user:password@ allowed, never shown), or 'none' for direct connections. Default: ALLY_PROXY, else the system's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Proxy { get; set; }

        private readonly List<Embedding> _items = new List<Embedding>();

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (Embedding item in InputObject)
            {
                if (item != null) _items.Add(item);
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            Embedding? first = OrStop(() => EmbeddingSearch.CheckUniform(_items, Messages.SearchTask));
            if (first is null) return;
            float[] query = Vector ?? EmbedQuery(first);
            List<(int Index, double Score)> top = OrStop(() => EmbeddingSearch.Top(_items, query, Top));
            int rank = 0;
            foreach ((int index, double score) in top)
            {
                if (score < MinimumScore) break;
                WriteObject(new EmbeddingSearchResult(++rank, score, _items[index]));
            }
        }

        /// <summary>The query's vector, from the items' provider and model (with the model's query prefix when the items used task prefixes).</summary>
        private float[] EmbedQuery(Embedding like)
        {
            ProviderDescriptor? provider = ProviderRegistry.Find(like.Provider);
            if (provider is null || !provider.Can(ProviderCapabilities.Embeddings))
                ThrowAllyError(new AllyException(ErrorIds.UnknownProvider, Messages.CannotEmbedQuery(like.Provider), Messages.QueryVectorRemedy));
            EmbeddingSettings settings = OrStop(() => EmbeddingSettings.Resolve(Settings, VaultReader, provider, like.Model));
            WarnAbout(settings.Context);
            // The items' length, asked for where the model can shorten its vectors (else it is the model's own).
            ITextEmbedder embedder;
            try
            {
                embedder = settings.CreateEmbedder(like.Dimensions, 1, like.UsesTaskPrefix);
            }
            catch (AllyException ex) when (ex.Id == ErrorIds.DimensionsNotSupported)
            {
                embedder = OrStop(() => settings.CreateEmbedder(null, 1, like.UsesTaskPrefix));
            }
            try
            {
                return Await(EmbeddingService.EmbedQueryAsync(embedder, Query!, settings.RetryPolicy, settings.Timeout, WriteWarning, CancellationToken));
            }
            catch (AllyException ex)
            {
                ThrowAllyError(ex, Query);
                throw; // not reached
            }
        }
    }
}
