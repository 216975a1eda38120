using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Ally.Providers;

namespace Ally.PowerShell.Completers
{
    /// <summary>Completes -Provider with the providers this version knows.</summary>
    public sealed class ProviderCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            // The same matching rule as the model completers.
            return ModelCompletions.Match(ChatProviders.Known.Select(p => new CompletionItem(p)), wordToComplete)
                .Select(i => new CompletionResult(i.Name, i.Name, CompletionResultType.ParameterValue, i.Name));
        }
    }
}
