using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ally.Configuration;
using Ally.Providers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// Base of the model cmdlets: resolves the Ollama server and the completion cache once per command,
    /// and filters lists by -Name with wildcards the way Get-Process does.
    /// </summary>
    public abstract class AllyModelCmdlet : AllyCmdlet
    {
        /// <summary>The proxy for this command's requests: http://host:port (user:password@ allowed, never shown), or 'none' for direct connections. Default: ALLY_PROXY, else the system's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Proxy { get; set; }

        private ProviderContext? _ollama;
        private CompletionCache? _cache;

        /// <summary>The Ollama server (OLLAMA_HOST, else the default); an unusable value stops the command.</summary>
        private protected ProviderContext Ollama
        {
            get
            {
                if (_ollama is null)
                {
                    _ollama = OrStop(() => ResolveProvider(ProviderRegistry.Ollama, requireKey: false));
                    WriteVerbose($"Ollama at {_ollama.Endpoint.BaseAddress}.");
                }
                return _ollama;
            }
        }

        /// <summary>The Ollama server's address.</summary>
        private protected Uri OllamaHost => Ollama.Endpoint.BaseAddress;

        /// <summary>The tab-completion cache, which these commands keep up to date as a side effect.</summary>
        private protected CompletionCache CompletionCache => _cache ??= CompletionCache.For(Settings);

        /// <summary>True for a well-formed Ollama model name; otherwise writes the InvalidModelName error for it.</summary>
        private protected bool CheckModelName(string name)
        {
            try
            {
                ProviderRegistry.Ollama.CheckModelName(name, new SettingOrigin(SettingSource.Parameter, "-Name"), Ollama.Endpoint);
                return true;
            }
            catch (AllyException ex)
            {
                WriteError(ToErrorRecord(ex, name));
                return false;
            }
        }

        /// <summary>
        /// The items whose name (or short name: llama3.1 for llama3.1:latest) matches one of
        /// <paramref name="names"/> (wildcards allowed; all items when none). A name without
        /// wildcards that matches nothing writes the error <paramref name="notFound"/> makes.
        /// </summary>
        private protected IEnumerable<T> FilterByName<T>(IEnumerable<T> items, Func<T, string> nameOf, IReadOnlyCollection<string> names,
            Func<string, AllyException> notFound)
        {
            List<T> all = items.ToList();
            if (names.Count == 0) return all;
            var matched = new HashSet<T>();
            foreach (string name in names)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                bool any = false;
                foreach (T item in all)
                {
                    string itemName = nameOf(item);
                    if (pattern.IsMatch(itemName) || pattern.IsMatch(ModelNames.ShortName(itemName)))
                    {
                        matched.Add(item);
                        any = true;
                    }
                }
                if (!any && !WildcardPattern.ContainsWildcardCharacters(name)) WriteError(ToErrorRecord(notFound(name), name));
            }
            // Keep the server's order, whatever the order of the names.
            return all.Where(matched.Contains);
        }
    }
}
