using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Ally.Configuration;

namespace Ally.PowerShell.Completers
{
    /// <summary>
    /// Base of the model-name completers: the lists come from the <see cref="CompletionCache"/>
    /// (never a network call per key press), and nothing ever throws — a server that is down simply
    /// means fewer names.
    /// </summary>
    public abstract class ModelNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var settings = new SettingsResolver();
                IEnumerable<CompletionItem> items = Items(settings, CompletionCache.For(settings), fakeBoundParameters);
                return ModelCompletions.Match(items, wordToComplete)
                    .Select(i => new CompletionResult(Quote(i.Name), i.Name, CompletionResultType.ParameterValue, i.Description))
                    .ToList();
            }
            catch (Exception)
            {
                // Completion must never show an error (bad OLLAMA_HOST, unreadable cache, …).
                return Array.Empty<CompletionResult>();
            }
        }

        /// <summary>The names to offer, before matching what was typed.</summary>
        private protected abstract IEnumerable<CompletionItem> Items(SettingsResolver settings, CompletionCache cache, IDictionary fakeBoundParameters);

        /// <summary>The -Provider already typed on the command line, lower-cased, or null.</summary>
        private protected static string? BoundProvider(IDictionary fakeBoundParameters) =>
            fakeBoundParameters["Provider"] is object value ? (value is PSObject ps ? ps.BaseObject : value).ToString()?.Trim().ToLowerInvariant() : null;

        /// <summary>Installed Ollama models of the configured server (only cached ones when not <paramref name="fetch"/>).</summary>
        private protected static IReadOnlyList<CompletionItem> Installed(SettingsResolver settings, CompletionCache cache, bool fetch = true) =>
            ModelCompletions.Installed(cache, OllamaHost.Resolve(settings, out _), fetch);

        /// <summary>The OpenRouter catalog of the configured base address (only a cached one when not <paramref name="fetch"/>).</summary>
        private protected static IReadOnlyList<CompletionItem> Catalog(SettingsResolver settings, CompletionCache cache, bool fetch = true) =>
            ModelCompletions.Catalog(cache, OpenRouterAddress.Resolve(settings), fetch);

        private static string Quote(string name) =>
            name.IndexOfAny(NeedsQuotes) < 0 ? name : "'" + name.Replace("'", "''") + "'";

        private static readonly char[] NeedsQuotes = " \t,;(){}$@#'\"`&|<>".ToCharArray();
    }

    /// <summary>
    /// -Model of the chat cmdlets: the models of -Provider when it is given; otherwise those of the
    /// configured provider (ALLY_PROVIDER, else ollama), then the other provider's if already cached.
    /// </summary>
    public sealed class ModelCompleter : ModelNameCompleter
    {
        private protected override IEnumerable<CompletionItem> Items(SettingsResolver settings, CompletionCache cache, IDictionary fakeBoundParameters)
        {
            string? provider = BoundProvider(fakeBoundParameters);
            if (provider != null) return provider == ModelProviders.OpenRouter ? Catalog(settings, cache) : Installed(settings, cache);
            // The other provider's list is offered only from the cache: completing a local model
            // must never reach out to a cloud service the user did not ask for.
            bool openRouter = string.Equals(settings.Resolve(SettingsResolver.Provider).Value?.Trim(), ModelProviders.OpenRouter, StringComparison.OrdinalIgnoreCase);
            return openRouter
                ? Catalog(settings, cache).Concat(Cached(() => Installed(settings, cache, fetch: false)))
                : Installed(settings, cache).Concat(Cached(() => Catalog(settings, cache, fetch: false)));
        }

        // A bad setting for the other provider must not cost the names of this one.
        private static IReadOnlyList<CompletionItem> Cached(Func<IReadOnlyList<CompletionItem>> list)
        {
            try
            {
                return list();
            }
            catch (AllyException)
            {
                return Array.Empty<CompletionItem>();
            }
        }
    }

    /// <summary>-Name of Get-AllyModel: recommended models with -Recommended, the catalog with -Provider OpenRouter, else installed models.</summary>
    public sealed class ListedModelCompleter : ModelNameCompleter
    {
        private protected override IEnumerable<CompletionItem> Items(SettingsResolver settings, CompletionCache cache, IDictionary fakeBoundParameters)
        {
            if (fakeBoundParameters.Contains("Recommended"))
            {
                return RecommendedModels.Get(provider: BoundProvider(fakeBoundParameters)).Select(r => new CompletionItem(r.Name, r.Description));
            }
            return BoundProvider(fakeBoundParameters) == ModelProviders.OpenRouter ? Catalog(settings, cache) : Installed(settings, cache);
        }
    }

    /// <summary>-Name of Remove-AllyModel: installed Ollama models.</summary>
    public sealed class InstalledModelCompleter : ModelNameCompleter
    {
        private protected override IEnumerable<CompletionItem> Items(SettingsResolver settings, CompletionCache cache, IDictionary fakeBoundParameters) =>
            Installed(settings, cache);
    }

    /// <summary>-Name of Install-AllyModel: the recommended local models and their sizes, then the installed ones.</summary>
    public sealed class InstallableModelCompleter : ModelNameCompleter
    {
        private protected override IEnumerable<CompletionItem> Items(SettingsResolver settings, CompletionCache cache, IDictionary fakeBoundParameters) =>
            ModelCompletions.Installable(cache, OllamaHost.Resolve(settings, out _));
    }

    /// <summary>-SupportedParameter of Get-AllyModel: OpenRouter's request-parameter vocabulary.</summary>
    public sealed class SupportedParameterCompleter : IArgumentCompleter
    {
        private static readonly string[] Known =
        {
            "tools", "tool_choice", "max_tokens", "temperature", "top_p", "reasoning", "include_reasoning", "structured_outputs",
            "response_format", "stop", "frequency_penalty", "presence_penalty", "seed",
        };

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ModelCompletions.Match(Known.Select(k => new CompletionItem(k)), wordToComplete)
                .Select(i => new CompletionResult(i.Name, i.Name, CompletionResultType.ParameterValue, i.Name));
    }
}
