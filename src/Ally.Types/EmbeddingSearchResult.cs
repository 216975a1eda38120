namespace Ally
{
    /// <summary>One match of Search-AllyEmbedding: the item, its rank and its cosine similarity to the query.</summary>
    public sealed class EmbeddingSearchResult
    {
        internal EmbeddingSearchResult(int rank, double score, Embedding item)
        {
            Rank = rank;
            Score = score;
            Item = item;
        }

        /// <summary>1 for the best match.</summary>
        public int Rank { get; }
        /// <summary>Cosine similarity to the query, from -1 to 1 (higher is closer).</summary>
        public double Score { get; }
        /// <summary>The matching item.</summary>
        public Embedding Item { get; }
        /// <summary>The item's text.</summary>
        public string Text => Item.Text;
        /// <summary>The file the text came from, or null.</summary>
        public string? Source => Item.Source;
        /// <summary>The first line of the text in its file, or null.</summary>
        public int? StartLine => Item.StartLine;
        /// <summary>The last line of the text in its file, or null.</summary>
        public int? EndLine => Item.EndLine;
        /// <summary>"path:12-40", the path, or empty.</summary>
        public string Location => Item.Location;

        /// <summary>The item's text.</summary>
        public override string ToString() => Item.Text;
    }
}
