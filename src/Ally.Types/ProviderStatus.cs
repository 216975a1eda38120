using System;
using System.Collections.Generic;

namespace Ally
{
    /// <summary>What Test-AllyProvider found: can the provider be reached, is the key good, is the model there.</summary>
    public sealed class ProviderStatus
    {
        internal ProviderStatus(string provider, Uri endpoint) { Provider = provider; Endpoint = endpoint; }

        /// <summary>ollama or openrouter.</summary>
        public string Provider { get; }
        /// <summary>The address that was checked.</summary>
        public Uri Endpoint { get; }
        /// <summary>True when every check passed.</summary>
        public bool Success => Reachable && KeyValid != false && ModelAvailable != false && ModelLoaded != false && Problems.Count == 0;
        /// <summary>The proxy the requests went through: its address (password masked), "none (direct)", or "system: &lt;address&gt;".</summary>
        public string? Proxy { get; internal set; }
        /// <summary>True when the server answered.</summary>
        public bool Reachable { get; internal set; }
        /// <summary>The server's version (Ollama's /api/version).</summary>
        public string? Version { get; internal set; }
        /// <summary>The model that was looked for.</summary>
        public string? Model { get; internal set; }
        /// <summary>True when the model exists (installed for Ollama, listed for OpenRouter); null when not checked.</summary>
        public bool? ModelAvailable { get; internal set; }
        /// <summary>Where the API key came from (never the key).</summary>
        public string? KeySource { get; internal set; }
        /// <summary>True when the server accepted the key; null when there was none to check.</summary>
        public bool? KeyValid { get; internal set; }
        /// <summary>The server's own masked label of the key (e.g. sk-or-v1-au7...890).</summary>
        public string? KeyLabel { get; internal set; }
        /// <summary>The key's credit limit in USD; null = unlimited.</summary>
        public decimal? CreditLimit { get; internal set; }
        /// <summary>Credit left under the key's limit in USD; null = unlimited.</summary>
        public decimal? CreditRemaining { get; internal set; }
        /// <summary>Credit used by the key so far, in USD.</summary>
        public decimal? Usage { get; internal set; }
        /// <summary>True for a free-tier account (tighter limits on :free models).</summary>
        public bool? IsFreeTier { get; internal set; }
        /// <summary>The rate limit the server reports, e.g. "1000 requests per 1h".</summary>
        public string? RateLimit { get; internal set; }
        /// <summary>How long the first check took from request to answer (a slow server, network or proxy shows here); null when nothing answered.</summary>
        public TimeSpan? Latency { get; internal set; }
        /// <summary>True when the model was loaded into memory (Test-AllyProvider -LoadModel, Ollama); false when loading it failed (e.g. too little memory); null when not tried.</summary>
        public bool? ModelLoaded { get; internal set; }
        /// <summary>What is wrong and what to do, one line each.</summary>
        public IReadOnlyList<string> Problems => _problems;

        private readonly List<string> _problems = new List<string>();
        internal void AddProblem(AllyException ex) => _problems.Add(ex.Message);
        internal void AddProblem(string text) => _problems.Add(text);
    }
}
