using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Ally.Configuration;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// Base of the model cmdlets: resolves Ollama's address and the completion cache once per
    /// command, and filters lists by -Name with wildcards the way Get-Process does.
    /// </summary>
    public abstract class AllyModelCmdlet : AllyCmdlet
    {
        private Uri? _ollamaHost;
        private CompletionCache? _cache;

        /// <summary>The settings of this command (environment, defaults).</summary>
        private protected SettingsResolver Settings { get; } = new SettingsResolver();

        /// <summary>Ollama's address (OLLAMA_HOST, else the default); an unusable value stops the command.</summary>
        private protected Uri OllamaHost
        {
            get
            {
                if (_ollamaHost is null)
                {
                    try
                    {
                        _ollamaHost = Configuration.OllamaHost.Resolve(Settings, out string? warning);
                        if (warning != null) WriteWarning(warning);
                    }
                    catch (AllyException ex)
                    {
                        ThrowAllyError(ex);
                    }
                    WriteVerbose($"Ollama at {_ollamaHost}.");
                }
                return _ollamaHost!;
            }
        }

        /// <summary>The tab-completion cache, which these commands keep up to date as a side effect.</summary>
        private protected CompletionCache CompletionCache => _cache ??= CompletionCache.For(Settings);

        /// <summary>Waits on the pipeline thread for work without a result (Ctrl+C returns at once).</summary>
        private protected void AwaitCompletion(Task task) => Await(Completion(task));

        private static async Task<bool> Completion(Task task)
        {
            await task.ConfigureAwait(false);
            return true;
        }

        /// <summary>True for a well-formed Ollama model name; otherwise writes the InvalidModelName error for it.</summary>
        private protected bool CheckModelName(string name)
        {
            if (Providers.ChatProviders.IsValidOllamaModelName(name)) return true;
            WriteError(ToErrorRecord(new AllyException("InvalidModelName", AllyErrorCategory.InvalidArgument,
                Messages.InvalidModelName(name, "-Name"), Messages.InvalidModelNameRemedy), name));
            return false;
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
