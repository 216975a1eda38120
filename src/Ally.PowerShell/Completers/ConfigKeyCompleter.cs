using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Ally.Configuration;
using Ally.Providers;

namespace Ally.PowerShell.Completers
{
    /// <summary>Completes -Key of the configuration cmdlets with ally.toml's keys (and Ollama's option names under ollama.options).</summary>
    public sealed class ConfigKeyCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<CompletionItem> keys = ConfigKeys.All.Select(k => new CompletionItem(k.Name, k.Setting.Description));
            if (wordToComplete.StartsWith(AllySettings.OllamaOptions.ConfigKey + ".", System.StringComparison.OrdinalIgnoreCase))
                keys = keys.Concat(Ally.Providers.Ollama.OllamaOptions.Names.Select(n => new CompletionItem(AllySettings.OllamaOptions.ConfigKey + "." + n, "Ollama option " + n)));
            return ModelCompletions.Match(keys, wordToComplete)
                .Select(i => new CompletionResult(i.Name, i.Name, CompletionResultType.ParameterValue, i.Description));
        }
    }
}
