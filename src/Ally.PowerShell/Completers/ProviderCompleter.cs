using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Ally.Providers;

namespace Ally.PowerShell.Completers
{
    /// <summary>Completes -Provider with the providers of the registry (those that can chat).</summary>
    public class ProviderCompleter : IArgumentCompleter
    {
        /// <summary>What the providers offered must be able to do.</summary>
        private protected virtual ProviderCapabilities Needs => ProviderCapabilities.Chat;

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<ProviderDescriptor> providers = ProviderRegistry.All.Where(p => (p.Capabilities & Needs) != 0);
            // The same matching rule as the model completers.
            return ModelCompletions.Match(providers.Select(p => new CompletionItem(p.Name, p.Name)), wordToComplete)
                .Select(i => new CompletionResult(i.Name, i.Name, CompletionResultType.ParameterValue, i.Description));
        }
    }

    /// <summary>Completes -Provider of Get-AllyModel: the providers with a model list.</summary>
    public sealed class ModelListProviderCompleter : ProviderCompleter
    {
        private protected override ProviderCapabilities Needs => ProviderCapabilities.InstalledModels | ProviderCapabilities.Catalog;
    }

    /// <summary>Completes -Provider of the embedding cmdlets: the providers that can embed.</summary>
    public sealed class EmbeddingProviderCompleter : ProviderCompleter
    {
        private protected override ProviderCapabilities Needs => ProviderCapabilities.Embeddings;
    }
}
