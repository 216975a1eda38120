using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Ally.Configuration;
using Ally.Providers;

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
                var settings = SettingsResolver.Create(null, null, ConfigFiles.Discover(CurrentFolder()));
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

        /// <summary>
        /// The session's current file-system folder. A completer gets no session state, and the session
        /// is busy completing, so it asks through a nested pipeline on this thread; the process's folder
        /// if that fails.
        /// </summary>
        private static string CurrentFolder()
        {
            try
            {
                using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
                ps.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
                if (ps.Invoke<PathInfo>().FirstOrDefault() is PathInfo location) return location.ProviderPath;
            }
            catch (Exception)
            {
                // Fall back below.
            }
            return Environment.CurrentDirectory;
        }

        /// <summary>The names to offer, before matching what was typed.</summary>
        private protected abstract IEnumerable<CompletionItem> Items(SettingsResolver settings, CompletionCache cache, IDictionary fakeBoundParameters);

        /// <summary>The provider of the -Provider already typed on the command line, or null.</summary>
        private protected static ProviderDescriptor? BoundProvider(IDictionary fakeBoundParameters) =>
            fakeBoundParameters["Provider"] is object value ? ProviderRegistry.Find((value is PSObject ps ? ps.BaseObject : value).ToString()) : null;

        /// <summary>
        /// The model names of <paramref name="provider"/>: the installed models of its server, or its
        /// catalog (only what is cached when not <paramref name="fetch"/>). A key comes from the
        /// environment only: completion never asks a vault.
        /// </summary>
        private protected static IReadOnlyList<CompletionItem> ModelsOf(ProviderDescriptor provider, SettingsResolver settings, CompletionCache cache, bool fetch = true)
        {
            ProviderContext context = ProviderContext.Resolve(provider, settings, readVault: null, requireKey: false);
            return provider.Can(ProviderCapabilities.InstalledModels)
                ? ModelCompletions.Installed(cache, context, fetch)
                : ModelCompletions.Catalog(cache, context, fetch);
        }

        /// <summary>Installed Ollama models of the configured server.</summary>
        private protected static IReadOnlyList<CompletionItem> Installed(SettingsResolver settings, CompletionCache cache) =>
            ModelsOf(ProviderRegistry.Ollama, settings, cache);

        private static string Quote(string name) =>
            name.IndexOfAny(NeedsQuotes) < 0 ? name : "'" + name.Replace("'", "''") + "'";

        private static readonly char[] NeedsQuotes = " \t,;(){}$@#'\"`&|<>".ToCharArray();
    }

    /// <summary>
    /// -Model of the chat cmdlets: the models of -Provider when it is given; otherwise those of the
    /// configured provider (ALLY_PROVIDER, else ollama), then the other providers' if already cached.
    /// </summary>
    public sealed class ModelCompleter : ModelNameCompleter
    {
        private protected override IEnumerable<CompletionItem> Items(SettingsResolver settings, CompletionCache cache, IDictionary fakeBoundParameters)
        {
            if (BoundProvider(fakeBoundParameters) is ProviderDescriptor asked) return ModelsOf(asked, settings, cache);
            ProviderDescriptor configured = settings.Resolve(AllySettings.Provider).Value;
            // The other providers' lists are offered only from the cache: completing a local model
            // must never reach out to a cloud service the user did not ask for.
            IEnumerable<CompletionItem> items = ModelsOf(configured, settings, cache);
            foreach (ProviderDescriptor other in ProviderRegistry.All)
            {
                if (other != configured) items = items.Concat(Cached(() => ModelsOf(other, settings, cache, fetch: false)));
            }
            return items;
        }

        // A bad setting for another provider must not cost the names of this one.
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

    /// <summary>
    /// -Model of the embedding cmdlets: for ollama its installed models, for openai OpenAI's embedding
    /// models, for simple its one model — of -Provider, else of ALLY_EMBEDDING_PROVIDER, else simple.
    /// </summary>
    public sealed class EmbeddingModelCompleter : ModelNameCompleter
    {
        private static readonly CompletionItem[] OpenAIModels =
        {
            new CompletionItem("text-embedding-3-small", "OpenAI, 1536 dimensions (can be shortened with -Dimensions)"),
            new CompletionItem("text-embedding-3-large", "OpenAI, 3072 dimensions (can be shortened with -Dimensions)"),
            new CompletionItem("text-embedding-ada-002", "OpenAI, 1536 dimensions"),
        };

        private protected override IEnumerable<CompletionItem> Items(SettingsResolver settings, CompletionCache cache, IDictionary fakeBoundParameters)
        {
            ProviderDescriptor provider = BoundProvider(fakeBoundParameters) ?? settings.Resolve(AllySettings.EmbeddingProvider).Value;
            if (provider.Can(ProviderCapabilities.InstalledModels)) return ModelsOf(provider, settings, cache);
            if (provider == ProviderRegistry.OpenAI) return OpenAIModels;
            return provider.DefaultEmbeddingModel is string only ? new[] { new CompletionItem(only, provider.Name) } : Array.Empty<CompletionItem>();
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
            return ModelsOf(BoundProvider(fakeBoundParameters) ?? ProviderRegistry.Ollama, settings, cache);
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
            ModelCompletions.Installable(cache, ProviderContext.Resolve(ProviderRegistry.Ollama, settings, null, false));
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
