using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using Ally.Embeddings;
using Ally.PowerShell.Async;
using Ally.PowerShell.Completers;
using Ally.PowerShell.Input;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Turns text, files or any objects into embedding vectors for semantic search.</para>
    /// Inputs are batched per request and embedded several batches at a time; results come out in input order.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "AllyEmbedding")]
    [OutputType(typeof(Embedding))]
    public sealed class NewAllyEmbeddingCommand : AllyCmdlet
    {
        /// <summary>What to embed: text, files (Get-ChildItem), Get-Content lines, or any object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        public PSObject? InputObject { get; set; }

        /// <summary>simple (offline, the default), ollama or openai. Default: ALLY_EMBEDDING_PROVIDER, else simple.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EmbeddingProviderCompleter))]
        public string? Provider { get; set; }

        /// <summary>The embedding model. Default: ALLY_EMBEDDING_MODEL, else the provider's (nomic-embed-text, text-embedding-3-small, hash-v1).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EmbeddingModelCompleter))]
        public string? Model { get; set; }

        /// <summary>The vector length (simple: any; openai: text-embedding-3 models; ollama: shorter than the model's).</summary>
        [Parameter]
        [ValidateRange(1, 65536)]
        public int Dimensions { get; set; }

        /// <summary>Split each text into chunks of about this many tokens, on paragraph and line boundaries.</summary>
        [Parameter]
        [ValidateRange(TextChunker.MinChunkSize, 1000000)]
        public int ChunkSize { get; set; }

        /// <summary>With -ChunkSize, how many tokens each chunk repeats from the end of the one before.</summary>
        [Parameter]
        [ValidateRange(0, 1000000)]
        public int ChunkOverlap { get; set; }

        /// <summary>Most inputs per request (ollama: 16; openai: 2048; simple: 256).</summary>
        [Parameter]
        [ValidateRange(1, 2048)]
        public int BatchSize { get; set; }

        /// <summary>How many requests run at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>Do not add the model's task prefixes (nomic-embed-text's search_document: and search_query:).</summary>
        [Parameter]
        public SwitchParameter NoTaskPrefix { get; set; }

        /// <summary>
        /// An earlier set (e.g. Import-AllyEmbedding): an input whose text is unchanged takes its earlier
        /// vector and is not sent again. With Export-AllyEmbedding, this refreshes a saved set.
        /// </summary>
        [Parameter]
        [AllowEmptyCollection]
        public Embedding[]? Reuse { get; set; }

        /// <summary>The API key for openai (a SecureString; plain text is accepted with a warning). Default: OPENAI_API_KEY, then the vault in ALLY_SECRET_VAULT.</summary>
        [Parameter]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString? ApiKey { get; set; }

        /// <summary>Retries of a transient failure (rate limit, busy server, dropped connection). Default: ALLY_MAX_RETRY, else 3.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetry { get; set; }

        /// <summary>Time limit of each request in seconds; 0 means none.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int TimeoutSec { get; set; }

        /// <summary>The proxy for this command's requests: http://host:port (user:password@ allowed, never shown), or 'none' for direct connections. Default: ALLY_PROXY, else the system's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Proxy { get; set; }

        private ITextEmbedder? _embedder;
        private EmbeddingSettings? _settings;
        private EmbeddingBatcher? _batcher;
        private EmbeddingInputReader? _reader;
        private CmdletPump? _pump;
        private CountProgress? _progress;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(ChunkOverlap)))
            {
                if (!MyInvocation.BoundParameters.ContainsKey(nameof(ChunkSize)))
                    ThrowAllyError(new AllyException(ErrorIds.InvalidParameterCombination, Messages.OverlapNeedsChunkSize, Messages.OverlapNeedsChunkSizeRemedy));
                if (ChunkOverlap >= ChunkSize)
                    ThrowAllyError(new AllyException(ErrorIds.InvalidParameterCombination, Messages.OverlapTooLarge(ChunkOverlap, ChunkSize), Messages.OverlapTooLargeRemedy));
            }
            _settings = OrStop(() => EmbeddingSettings.Resolve(Settings, VaultReader));
            WarnAbout(_settings.Context);
            _embedder = OrStop(() => _settings.CreateEmbedder(Bound(nameof(Dimensions), Dimensions), Bound(nameof(BatchSize), BatchSize), !NoTaskPrefix));
            if (MyInvocation.BoundParameters.ContainsKey("Verbose"))
            {
                WriteVerbose(Messages.EmbeddingVerbose(_embedder.Provider, _settings.ProviderOrigin.Describe(), _embedder.Model, _settings.ModelOrigin.Describe(),
                    _embedder.Limits.MaxBatchItems, _embedder.UsesTaskPrefix));
            }
            _batcher = new EmbeddingBatcher(_embedder, Reuse is null ? null : new EmbeddingReuse(Reuse));
            _reader = new EmbeddingInputReader(this, Bound(nameof(ChunkSize), ChunkSize), ChunkOverlap);
            _pump = new CmdletPump(this, CancellationToken, ThrottleLimit);
            _progress = new CountProgress(this, Messages.EmbeddingActivity(_embedder.Provider, _embedder.Model));
        }

        private int? Bound(string parameter, int value) => MyInvocation.BoundParameters.ContainsKey(parameter) ? value : (int?)null;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (InputObject is null) return;
            List<EmbeddingInput> inputs;
            try
            {
                inputs = _reader!.Read(InputObject);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "EmbeddingInputUnreadable", ErrorCategory.ReadError, InputObject));
                return;
            }
            foreach (EmbeddingInput input in inputs)
            {
                if (_batcher!.Add(input) is IReadOnlyList<EmbeddingInput> group) Start(group);
            }
            // Keep output flowing, and keep what waits in memory bounded however fast the input comes.
            _pump!.WaitForRoom(ThrottleLimit * 2);
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (_batcher!.Flush() is IReadOnlyList<EmbeddingInput> group) Start(group);
            _pump!.WaitAll();
            _progress!.Complete();
            if (Reuse != null) WriteVerbose(Messages.EmbeddingReused(_batcher.Reused, _progress.Done));
        }

        private protected override void DisposeCore()
        {
            _progress?.Complete();
            _pump?.Dispose();
        }

        private void Start(IReadOnlyList<EmbeddingInput> group)
        {
            ITextEmbedder embedder = _embedder!;
            EmbeddingSettings settings = _settings!;
            _pump!.Start(
                job => EmbeddingService.EmbedAsync(embedder, group, settings.RetryPolicy, settings.Timeout, job.WriteWarning, job.CancellationToken),
                Write,
                Fail);
        }

        /// <summary>On the pipeline thread: a group's outcomes, in order.</summary>
        private void Write(EmbeddingOutcome[] outcomes)
        {
            foreach (EmbeddingOutcome outcome in outcomes)
            {
                if (outcome.Embedding != null) WriteObject(outcome.Embedding);
                else WriteError(ToErrorRecord(outcome.Failure!, outcome.Input.InputObject ?? outcome.Input.Text));
            }
            _progress!.Add(outcomes.Length);
        }

        /// <summary>On the pipeline thread: a failure no later request can escape stops the command.</summary>
        private void Fail(Exception failure)
        {
            switch (failure)
            {
                case AllyException ex:
                    ThrowAllyError(ex);
                    break;
                case OperationCanceledException when CancellationToken.IsCancellationRequested:
                    throw new PipelineStoppedException();
                default:
                    throw failure;
            }
        }
    }
}
