using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Ally.Tests
{
    /// <summary>The error catalogue and the documentation's ERRORS tables (about_Ally) name the same ids with the same categories.</summary>
    public class ErrorCatalogTests
    {
        internal static string RepositoryFile(params string[] parts)
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Ally.sln"))) return Path.Combine(new[] { dir.FullName }.Concat(parts).ToArray());
            }
            throw new InvalidOperationException("Ally.sln not found above " + AppContext.BaseDirectory);
        }

        /// <summary>Every row "| Id | Category | Cause |" of the tables under ## ERRORS.</summary>
        private static Dictionary<string, HashSet<string>> DocumentedIds()
        {
            string text = File.ReadAllText(RepositoryFile("docs", "en-US", "about_Ally.md"));
            int start = text.IndexOf("\n## ERRORS", StringComparison.Ordinal);
            int end = text.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
            var rows = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (Match m in Regex.Matches(text.Substring(start, end - start), @"^\|\s*([A-Z][A-Za-z]+)\s*\|\s*([A-Za-z]+)\s*\|", RegexOptions.Multiline))
            {
                if (m.Groups[1].Value == "Error") continue; // the header row
                if (!rows.TryGetValue(m.Groups[1].Value, out var categories)) rows[m.Groups[1].Value] = categories = new HashSet<string>();
                categories.Add(m.Groups[2].Value);
            }
            return rows;
        }

        [Fact]
        public void EveryIdIsDocumentedWithItsCategory()
        {
            Dictionary<string, HashSet<string>> documented = DocumentedIds();
            foreach (AllyErrorId id in ErrorIds.All)
            {
                Assert.True(documented.ContainsKey(id.Name), $"{id.Name} is missing from the ERRORS tables of about_Ally.md");
                Assert.Equal(new[] { ErrorIds.PowerShellCategory(id.Category) }, documented[id.Name].ToArray());
            }
        }

        [Fact]
        public void TheDocumentationNamesNoIdTheCatalogueLacks()
        {
            var known = new HashSet<string>(ErrorIds.All.Select(i => i.Name));
            string[] unknown = DocumentedIds().Keys.Where(id => !known.Contains(id)).ToArray();
            Assert.True(unknown.Length == 0, "Documented but not in ErrorIds: " + string.Join(", ", unknown));
        }

        [Fact]
        public void IdsAreUniqueAndTheTransientOnesAreTheOnesAllyRetries()
        {
            Assert.Equal(ErrorIds.All.Count, ErrorIds.All.Select(i => i.Name).Distinct().Count());
            Assert.Equal(new[] { "ConnectionLost", "ProviderTimeout", "RateLimited", "ServerBusy", "UpstreamError", "ServiceUnavailable" },
                ErrorIds.All.Where(i => i.IsTransient).Select(i => i.Name));
        }
    }
}
