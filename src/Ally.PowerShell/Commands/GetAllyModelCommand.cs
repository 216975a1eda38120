using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ally.PowerShell.Completers;
using Ally.Providers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists models: installed or running Ollama models, a hosted provider's catalog, or the recommended models.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AllyModel", DefaultParameterSetName = InstalledSet)]
    [OutputType(typeof(ModelInfo), typeof(CatalogModelInfo), ParameterSetName = new[] { InstalledSet })]
    [OutputType(typeof(RunningModelInfo), ParameterSetName = new[] { RunningSet })]
    [OutputType(typeof(RecommendedModel), ParameterSetName = new[] { RecommendedSet })]
    public sealed class GetAllyModelCommand : AllyModelCmdlet
    {
        private const string InstalledSet = "Installed";
        private const string RunningSet = "Running";
        private const string RecommendedSet = "Recommended";
        private const string DetailedTypeName = "Ally.ModelInfo#Detailed";

        /// <summary>Only models with these names; wildcards allowed. llama3.1 also matches llama3.1:latest.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ListedModelCompleter))]
        public string[]? Name { get; set; }

        /// <summary>ollama (installed models, the default), openrouter (the hosted catalog) or openai (the models the server serves).</summary>
        [Parameter(ParameterSetName = InstalledSet)]
        [Parameter(ParameterSetName = RecommendedSet)]
        [ValidateProvider(nameof(ProviderCapabilities.InstalledModels), nameof(ProviderCapabilities.Catalog))]
        [ArgumentCompleter(typeof(ModelListProviderCompleter))]
        public string? Provider { get; set; }

        /// <summary>Adds each model's details from Ollama: capabilities, context length, parameters, licence.</summary>
        [Parameter(ParameterSetName = InstalledSet)]
        public SwitchParameter Detailed { get; set; }

        /// <summary>With -Provider openrouter: only models that support all of these request parameters (tools, reasoning, response_format, …).</summary>
        [Parameter(ParameterSetName = InstalledSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SupportedParameterCompleter))]
        public string[]? SupportedParameter { get; set; }

        /// <summary>Lists the models Ollama holds in memory, with memory use, GPU share, context length and expiry.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RunningSet)]
        public SwitchParameter Running { get; set; }

        /// <summary>Lists the recommended models, with tier, sizes, download size, memory needed, whether each is installed, and whether the catalog still serves the hosted ones.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RecommendedSet)]
        public SwitchParameter Recommended { get; set; }

        /// <summary>With -Recommended: the recommendations for Code, Chat, Analysis or Privacy work.</summary>
        [Parameter(ParameterSetName = RecommendedSet)]
        public ModelUseCase? UseCase { get; set; }

        private readonly List<string> _names = new List<string>();

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (Name != null) _names.AddRange(Name);
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            ProviderDescriptor? provider = Provider is null ? null : ProviderRegistry.Find(Provider);
            switch (ParameterSetName)
            {
                case RunningSet:
                    WriteRunning();
                    break;
                case RecommendedSet:
                    WriteRecommended(UseCase, provider);
                    break;
                default:
                    provider ??= ProviderRegistry.Ollama;
                    if (provider.Can(ProviderCapabilities.InstalledModels)) WriteInstalled();
                    else WriteCatalog(provider);
                    break;
            }
        }

        private void WriteInstalled()
        {
            if (SupportedParameter != null) ThrowOnlyFor("-" + nameof(SupportedParameter), ProviderCapabilities.CatalogFilters);
            var models = new OllamaModels(Ollama);
            IReadOnlyList<ModelInfo> installed = OrStop(() => Await(models.ListAsync(CancellationToken)));
            ModelCompletions.RememberInstalled(CompletionCache, OllamaHost, installed);
            foreach (ModelInfo model in FilterByName(installed, m => m.Name, _names, NoInstalledModel))
            {
                if (!Detailed)
                {
                    WriteObject(model);
                    continue;
                }
                try
                {
                    var detailed = PSObject.AsPSObject(Await(models.DescribeAsync(model, CancellationToken)));
                    detailed.TypeNames.Insert(0, DetailedTypeName);
                    WriteObject(detailed);
                }
                catch (AllyException ex)
                {
                    WriteError(ToErrorRecord(ex, model));
                }
            }
        }

        private void WriteRunning()
        {
            IReadOnlyList<RunningModelInfo> running = OrStop(() => Await(new OllamaModels(Ollama).ListRunningAsync(CancellationToken)));
            WriteObject(FilterByName(running, m => m.Name, _names,
                name => new AllyException(ErrorIds.ModelNotLoaded, Messages.NoRunningModel(name), Messages.NoRunningModelRemedy)), true);
        }

        private void WriteCatalog(ProviderDescriptor provider)
        {
            if (Detailed) ThrowOnlyFor("-" + nameof(Detailed), ProviderCapabilities.InstalledModels);
            if (SupportedParameter != null && !provider.Can(ProviderCapabilities.CatalogFilters)) ThrowOnlyFor("-" + nameof(SupportedParameter), ProviderCapabilities.CatalogFilters);
            ProviderContext context = OrStop(() => ResolveProvider(provider, requireKey: false));
            if (provider.MissingCatalogKey(context) is AllyException missing) ThrowAllyError(missing);
            WriteVerbose($"The models of {Messages.WithAddress(context.ServerName, context.Endpoint.BaseAddress)}.");
            IReadOnlyList<CatalogModelInfo> catalog = OrStop(() => Await(provider.CreateCatalog(context)!.ListAsync(SupportedParameter, CancellationToken)));
            if (SupportedParameter is null) ModelCompletions.RememberCatalog(CompletionCache, context, catalog);
            WriteObject(FilterByName(catalog, m => m.Name, _names,
                name => new AllyException(ErrorIds.ModelNotFound, Messages.NoCatalogModel(context.ServerName, name), Messages.NoCatalogModelRemedy(provider.Name))), true);
        }

        private void WriteRecommended(ModelUseCase? useCase, ProviderDescriptor? provider)
        {
            IReadOnlyList<RecommendedModel> picks = RecommendedModels.Get(useCase, provider);
            picks = FilterByName(picks, r => r.Name, _names,
                name => new AllyException(ErrorIds.ModelNotRecommended, Messages.NotRecommended(name), Messages.NotRecommendedRemedy)).ToList();
            if (picks.Any(p => p.IsLocal))
            {
                try
                {
                    IReadOnlyList<ModelInfo> installed = Await(new OllamaModels(Ollama).ListAsync(CancellationToken));
                    ModelCompletions.RememberInstalled(CompletionCache, OllamaHost, installed);
                    RecommendedModels.MarkInstalled(picks, installed.Select(m => m.Name).ToList());
                }
                catch (AllyException ex)
                {
                    // The recommendations stand without Ollama; only "installed" is unknown.
                    WriteWarning(Messages.RecommendedInstalledUnknown(ex.Problem));
                }
            }
            if (picks.Any(p => !p.IsLocal)) MarkAvailable(picks, fetch: provider == RecommendedModels.HostedProvider);
            WriteObject(picks, true);
        }

        /// <summary>
        /// Says whether the hosted provider's catalog still serves each hosted pick: from the cached
        /// catalog, fetched only when the user asked for that provider (a local-only user's listing
        /// never reaches out to a cloud service).
        /// </summary>
        private void MarkAvailable(IReadOnlyList<RecommendedModel> picks, bool fetch)
        {
            try
            {
                ProviderContext context = ResolveProvider(RecommendedModels.HostedProvider, requireKey: false);
                IReadOnlyList<CompletionItem> catalog = ModelCompletions.Catalog(CompletionCache, context, fetch);
                RecommendedModels.MarkAvailable(picks, catalog.Select(i => i.Name).ToList());
            }
            catch (AllyException ex)
            {
                WriteVerbose(ex.Message);
            }
        }

        private static AllyException NoInstalledModel(string name) =>
            new AllyException(ErrorIds.ModelNotFound, Messages.NoInstalledModel(name), Messages.NoInstalledModelRemedy(name));

        private void ThrowOnlyFor(string parameter, ProviderCapabilities capability) =>
            ThrowAllyError(new AllyException(ErrorIds.InvalidParameterCombination,
                Messages.OnlyFor(parameter, ProviderRegistry.With(capability).Select(p => p.Name))));
    }
}
