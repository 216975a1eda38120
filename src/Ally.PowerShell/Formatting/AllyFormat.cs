using System;

namespace Ally.PowerShell.Formatting
{
    /// <summary>
    /// Display helpers for Ally.Format.ps1xml. Format views run as script in the session, where
    /// Ally.Core's types are out of reach (they live in Ally's own assembly load context); these
    /// forward to Ally.Core so tables read the same as progress bars and completion tooltips.
    /// </summary>
    public static class AllyFormat
    {
        /// <summary>A byte count as Ollama shows it: 4.9 GB.</summary>
        public static string Bytes(long bytes) => ModelFormat.Bytes(bytes);

        /// <summary>When a loaded model unloads: "4 minutes from now", "Forever".</summary>
        public static string Until(DateTimeOffset? expiresAt) => ModelFormat.Until(expiresAt, DateTimeOffset.Now);

        /// <summary>US dollars per million tokens: $2.50, free, variable.</summary>
        public static string Price(decimal? perMillion) => ModelFormat.Price(perMillion);

        /// <summary>A token count: 131,072.</summary>
        public static string Tokens(int? tokens) => ModelFormat.Tokens(tokens);
    }
}
