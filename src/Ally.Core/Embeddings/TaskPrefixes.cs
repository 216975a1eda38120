using System;
using System.Collections.Generic;

namespace Ally.Embeddings
{
    /// <summary>
    /// The task prefixes of embedding models trained with them: a document and a query are embedded
    /// with different leading words, and searches work worse without them (nomic-embed-text:
    /// <c>search_document: </c> and <c>search_query: </c>; mxbai-embed-large: a query instruction only).
    /// </summary>
    public static class TaskPrefixes
    {
        private const string RetrievalInstruction = "Represent this sentence for searching relevant passages: ";

        private static readonly Dictionary<string, (string? Document, string? Query)> Known =
            new Dictionary<string, (string?, string?)>(StringComparer.OrdinalIgnoreCase)
            {
                ["nomic-embed-text"] = ("search_document: ", "search_query: "),
                ["nomic-embed-text-v1.5"] = ("search_document: ", "search_query: "),
                ["nomic-embed-text-v2-moe"] = ("search_document: ", "search_query: "),
                ["mxbai-embed-large"] = (null, RetrievalInstruction),
                ["snowflake-arctic-embed"] = (null, RetrievalInstruction),
            };

        /// <summary>The prefixes of <paramref name="model"/> (any tag and namespace ignored), or nulls for a model without them.</summary>
        public static (string? Document, string? Query) For(string model)
        {
            string name = model;
            int colon = name.LastIndexOf(':');
            if (colon > 0 && name.IndexOf('/', colon) < 0) name = name.Substring(0, colon);
            int slash = name.LastIndexOf('/');
            if (slash >= 0) name = name.Substring(slash + 1);
            return Known.TryGetValue(name, out var prefixes) ? prefixes : (null, null);
        }
    }
}
