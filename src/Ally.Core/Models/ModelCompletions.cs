using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Ally.Providers;

namespace Ally
{
    /// <summary>
    /// The model lists tab completion offers, each served from the <see cref="CompletionCache"/>:
    /// installed Ollama models (per server, 10 minutes), a hosted provider's catalog (per provider and
    /// base address, 24 hours) and the recommended models. The cmdlets that fetch these lists anyway store them
    /// (<see cref="RememberInstalled"/>, <see cref="RememberCatalog"/>), and Install/Remove forget the
    /// installed list, so completion rarely needs a request of its own.
    /// </summary>
    public static class ModelCompletions
    {
        /// <summary>How long the installed-model list is served without asking Ollama again.</summary>
        public static readonly TimeSpan InstalledTimeToLive = TimeSpan.FromMinutes(10);
        /// <summary>How long the OpenRouter catalog is served without asking again.</summary>
        public static readonly TimeSpan CatalogTimeToLive = TimeSpan.FromHours(24);
        /// <summary>How long a key press waits for a list that is not cached at all.</summary>
        public static readonly TimeSpan MissWait = TimeSpan.FromSeconds(2);

        private static string InstalledKey(Uri host) => "ollama-installed-" + host.Authority + host.AbsolutePath;
        private static string CatalogKey(ProviderContext context) =>
            context.Provider.Name + "-models-" + context.Endpoint.BaseAddress.Authority + context.Endpoint.BaseAddress.AbsolutePath;

        /// <summary>Installed models of the Ollama server of <paramref name="ollama"/>; with <paramref name="fetch"/> false, only what is already cached (no request at all).</summary>
        public static IReadOnlyList<CompletionItem> Installed(CompletionCache cache, ProviderContext ollama, bool fetch = true) =>
            fetch
                ? cache.Get(InstalledKey(ollama.Endpoint.BaseAddress), InstalledTimeToLive, async ct => ToItems(await new OllamaModels(ollama).ListAsync(ct).ConfigureAwait(false)), MissWait)
                : cache.Peek(InstalledKey(ollama.Endpoint.BaseAddress));

        /// <summary>A hosted provider's catalog; with <paramref name="fetch"/> false, only what is already cached (no request at all).</summary>
        public static IReadOnlyList<CompletionItem> Catalog(CompletionCache cache, ProviderContext context, bool fetch = true) =>
            context.Provider.CreateCatalog(context) is IModelCatalog catalog
                // Without the key the list needs, asking would only be refused.
                ? fetch && context.Provider.MissingCatalogKey(context) is null
                    ? cache.Get(CatalogKey(context), CatalogTimeToLive, async ct => ToItems(await catalog.ListAsync(null, ct).ConfigureAwait(false)), MissWait)
                    : cache.Peek(CatalogKey(context))
                : Array.Empty<CompletionItem>();

        /// <summary>What Install-AllyModel can install: the recommended local models and their sizes, then the installed ones (to update).</summary>
        public static IReadOnlyList<CompletionItem> Installable(CompletionCache cache, ProviderContext ollama) =>
            RecommendedModels.InstallableNames().Select(n => new CompletionItem(n, Messages.RecommendedTooltip(n)))
                .Concat(Installed(cache, ollama))
                .GroupBy(i => i.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.First())
                .ToList();

        /// <summary>Stores the installed list Get-AllyModel just read.</summary>
        public static void RememberInstalled(CompletionCache cache, Uri host, IEnumerable<ModelInfo> models) => cache.Put(InstalledKey(host), ToItems(models));

        /// <summary>Forgets the installed list after a model was installed or removed.</summary>
        public static void ForgetInstalled(CompletionCache cache, Uri host) => cache.Invalidate(InstalledKey(host));

        /// <summary>Stores the catalog Get-AllyModel -Provider just read (only a complete, unfiltered one).</summary>
        public static void RememberCatalog(CompletionCache cache, ProviderContext context, IEnumerable<CatalogModelInfo> models) => cache.Put(CatalogKey(context), ToItems(models));

        /// <summary>
        /// The items whose name starts with what was typed (quotes ignored, any case); for
        /// vendor/model names the part after the slash counts too, so "gpt" finds openai/gpt-4o.
        /// </summary>
        public static IEnumerable<CompletionItem> Match(IEnumerable<CompletionItem> items, string? wordToComplete)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return items.Where(i => i.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                || i.Name.Substring(i.Name.LastIndexOf('/') + 1).StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        }

        private static IReadOnlyList<CompletionItem> ToItems(IEnumerable<ModelInfo> models) =>
            models.Select(m => new CompletionItem(ModelNames.ShortName(m.Name),
                Messages.InstalledTooltip(m.Name, m.ParameterSize, m.QuantizationLevel, ModelFormat.Bytes(m.Size)))).ToList();

        private static IReadOnlyList<CompletionItem> ToItems(IEnumerable<CatalogModelInfo> models) =>
            models.Select(m => new CompletionItem(m.Name,
                Messages.CatalogTooltip(m.DisplayName ?? m.Name, ModelFormat.Tokens(m.ContextLength), ModelFormat.Price(m.PromptPrice), ModelFormat.Price(m.CompletionPrice))))
                .ToList();
    }
}
