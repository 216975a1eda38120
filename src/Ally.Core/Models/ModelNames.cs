using System;

namespace Ally
{
    /// <summary>Ollama model names: <c>[namespace/]name[:tag]</c>, the tag defaulting to <c>latest</c>.</summary>
    internal static class ModelNames
    {
        private const string LatestSuffix = ":latest";

        /// <summary>The name with its tag: llama3.1 → llama3.1:latest.</summary>
        public static string WithTag(string name) => HasTag(name) ? name : name + LatestSuffix;

        /// <summary>The name as users type it: llama3.1:latest → llama3.1; other tags are kept.</summary>
        public static string ShortName(string name) =>
            name.EndsWith(LatestSuffix, StringComparison.OrdinalIgnoreCase) ? name.Substring(0, name.Length - LatestSuffix.Length) : name;

        /// <summary>True when both names mean the same model (llama3.1 and llama3.1:latest; case is ignored, as Ollama does).</summary>
        public static bool SameModel(string a, string b) => string.Equals(WithTag(a), WithTag(b), StringComparison.OrdinalIgnoreCase);

        // The tag is after a colon in the last path segment (a colon before a '/' belongs to a host:port).
        private static bool HasTag(string name) => name.IndexOf(':', name.LastIndexOf('/') + 1) >= 0;
    }
}
