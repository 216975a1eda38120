using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.Providers.OpenAI
{
    /// <summary>The checks every OpenAI-compatible provider shares: the server answers its model list (with the key), and lists the model.</summary>
    internal static class OpenAIDiagnostics
    {
        /// <summary>
        /// Reads the model list (sending the key, so a key-protected server both proves the key and
        /// answers) and looks for <paramref name="model"/>. A server that lists a single model and
        /// serves it under any name (llama.cpp) leaves the model's availability open when
        /// <paramref name="singleModelServers"/> is set.
        /// </summary>
        public static async Task CheckListedAsync(ProviderContext context, string model, ProviderStatus status, bool singleModelServers, CancellationToken cancellationToken)
        {
            IReadOnlyList<CatalogModelInfo> catalog;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                catalog = await new OpenAICatalog(context).ListAsync(null, cancellationToken).ConfigureAwait(false);
                status.Latency ??= clock.Elapsed;
            }
            catch (AllyException ex)
            {
                if (ex.StatusCode != null) status.Latency ??= clock.Elapsed;
                status.Reachable |= ex.StatusCode != null;
                if (ex.Id == ErrorIds.InvalidApiKey) status.KeyValid = false;
                // A server without a model list (404) says nothing about the model; anything else is a problem.
                if (ex.StatusCode != 404 && !status.Problems.Contains(ex.Message)) status.AddProblem(ex);
                return;
            }
            status.Reachable = true;
            if (context.Key != null) status.KeyValid ??= true;
            string id = model.Split(':')[0];
            bool listed = catalog.Any(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase) || string.Equals(m.Name, id, StringComparison.OrdinalIgnoreCase));
            if (listed)
            {
                status.ModelAvailable = true;
                return;
            }
            if (singleModelServers && catalog.Count == 1) return;
            status.ModelAvailable = false;
            status.AddProblem(Messages.ModelNotListedBy(model, context.ServerName) + " " + context.Provider.ModelUnavailableRemedy(model, context.Endpoint));
        }
    }
}
