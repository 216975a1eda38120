using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ally.Configuration;
using Ally.PowerShell.Completers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists models: installed or running Ollama models, the OpenRouter catalog, or the recommended models.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AllyModel", DefaultParameterSetName = InstalledSet)]
    [OutputType(typeof(ModelInfo), typeof(OpenRouterModelInfo), ParameterSetName = new[] { InstalledSet })]
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

        /// <summary>ollama (installed models, the default) or openrouter (the hosted catalog).</summary>
        [Parameter(ParameterSetName = InstalledSet)]
        [Parameter(ParameterSetName = RecommendedSet)]
        [ValidateSet(ModelProviders.Ollama, ModelProviders.OpenRouter, IgnoreCase = true)]
        public string? Provider { get; set; }

        /// <summary>Adds each model's details from Ollama: capabilities, context length, parameters, licence.</summary>
        [Parameter(ParameterSetName = InstalledSet)]
        public SwitchParameter Detailed { get; set; }

        /// <summary>With -Provider OpenRouter: only models that support all of these request parameters (tools, reasoning, response_format, …).</summary>
        [Parameter(ParameterSetName = InstalledSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SupportedParameterCompleter))]
        public string[]? SupportedParameter { get; set; }

        /// <summary>Lists the models Ollama holds in memory, with memory use, GPU share, context length and expiry.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RunningSet)]
        public SwitchParameter Running { get; set; }

        /// <summary>Lists the recommended models, with tier, sizes, download size, memory needed and whether each is installed.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RecommendedSet)]
        public SwitchParameter Recommended { get; set; }

        /// <summary>With -Recommended: the recommendations for Code, Chat, Analysis or Privacy work.</summary>
        /// <remarks>
        /// A string, not <see cref="ModelUseCase"/>: an enum field would make PowerShell load Ally.Core
        /// while it scans the cmdlets, before the module initializer can point it at Dependencies/.
        /// </remarks>
        [Parameter(ParameterSetName = RecommendedSet)]
        [ValidateSet(nameof(ModelUseCase.Code), nameof(ModelUseCase.Chat), nameof(ModelUseCase.Analysis), nameof(ModelUseCase.Privacy), IgnoreCase = true)]
        public string? UseCase { get; set; }

        private readonly List<string> _names = new List<string>();

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (Name != null) _names.AddRange(Name);
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            string provider = (Provider ?? ModelProviders.Ollama).ToLowerInvariant();
            switch (ParameterSetName)
            {
                case RunningSet:
                    WriteRunning();
                    break;
                case RecommendedSet:
                    WriteRecommended(UseCase is null ? (ModelUseCase?)null : (ModelUseCase)Enum.Parse(typeof(ModelUseCase), UseCase, ignoreCase: true),
                        Provider is null ? null : provider);
                    break;
                default:
                    if (provider == ModelProviders.OpenRouter) WriteCatalog();
                    else WriteInstalled();
                    break;
            }
        }

        private void WriteInstalled()
        {
            if (SupportedParameter != null) ThrowArgumentError(Messages.OpenRouterOnlyOption("-" + nameof(SupportedParameter)));
            var models = new OllamaModels(OllamaHost);
            IReadOnlyList<ModelInfo> installed = Call(() => Await(models.ListAsync(CancellationToken)));
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
            IReadOnlyList<RunningModelInfo> running = Call(() => Await(new OllamaModels(OllamaHost).ListRunningAsync(CancellationToken)));
            WriteObject(FilterByName(running, m => m.Name, _names,
                name => new AllyException("ModelNotLoaded", AllyErrorCategory.ObjectNotFound, Messages.NoRunningModel(name), Messages.NoRunningModelRemedy)), true);
        }

        private void WriteCatalog()
        {
            if (Detailed) ThrowArgumentError(Messages.OllamaOnlyOption("-" + nameof(Detailed)));
            Uri baseUrl = Call(() => OpenRouterAddress.Resolve(Settings));
            WriteVerbose($"OpenRouter catalog at {baseUrl}models.");
            IReadOnlyList<OpenRouterModelInfo> catalog = Call(() => Await(new OpenRouterCatalog(baseUrl).ListAsync(SupportedParameter, CancellationToken)));
            if (SupportedParameter is null) ModelCompletions.RememberCatalog(CompletionCache, baseUrl, catalog);
            WriteObject(FilterByName(catalog, m => m.Name, _names,
                name => new AllyException("ModelNotFound", AllyErrorCategory.ObjectNotFound, Messages.NoCatalogModel(name), Messages.NoCatalogModelRemedy)), true);
        }

        private void WriteRecommended(ModelUseCase? useCase, string? provider)
        {
            IReadOnlyList<RecommendedModel> picks = RecommendedModels.Get(useCase, provider);
            picks = FilterByName(picks, r => r.Name, _names,
                name => new AllyException("ModelNotRecommended", AllyErrorCategory.ObjectNotFound, Messages.NotRecommended(name), Messages.NotRecommendedRemedy)).ToList();
            if (picks.Any(p => p.IsLocal))
            {
                try
                {
                    IReadOnlyList<ModelInfo> installed = Await(new OllamaModels(OllamaHost).ListAsync(CancellationToken));
                    ModelCompletions.RememberInstalled(CompletionCache, OllamaHost, installed);
                    RecommendedModels.MarkInstalled(picks, installed.Select(m => m.Name).ToList());
                }
                catch (AllyException ex)
                {
                    // The recommendations stand without Ollama; only "installed" is unknown.
                    WriteWarning(Messages.RecommendedInstalledUnknown(ex.Problem));
                }
            }
            WriteObject(picks, true);
        }

        private static AllyException NoInstalledModel(string name) =>
            new AllyException("ModelNotFound", AllyErrorCategory.ObjectNotFound, Messages.NoInstalledModel(name), Messages.NoInstalledModelRemedy(name));

        /// <summary>Runs a call whose failure leaves nothing to list: an Ally failure stops the command.</summary>
        private T Call<T>(Func<T> call)
        {
            try
            {
                return call();
            }
            catch (AllyException ex)
            {
                ThrowAllyError(ex);
                throw; // not reached: ThrowAllyError always throws
            }
        }

        private void ThrowArgumentError(string message) =>
            ThrowAllyError(new AllyException("InvalidParameterCombination", AllyErrorCategory.InvalidArgument, message));
    }
}
