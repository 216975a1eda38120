using System;

namespace Ally
{
    /// <summary>
    /// A piece of text and its embedding vector, as New-AllyEmbedding returns it: the text (or the
    /// chunk of a file), where it came from, and which provider and model made the vector. Sets of
    /// these are searched with Search-AllyEmbedding and saved with Export-AllyEmbedding.
    /// </summary>
    public sealed class Embedding
    {
        /// <summary>An embedding made elsewhere (its vector as given), to search or save with Ally's cmdlets.</summary>
        /// <param name="text">The text the vector stands for.</param>
        /// <param name="vector">The vector.</param>
        /// <param name="provider">The provider that made it (simple, ollama, openai).</param>
        /// <param name="model">The model that made it.</param>
        public Embedding(string text, float[] vector, string provider, string model)
            : this(text, vector, provider, model, null, null, null, null, null, false, null)
        {
        }

        internal Embedding(string text, float[] vector, string provider, string model, object? inputObject, string? source,
            int? startLine, int? endLine, int? chunkIndex, bool usesTaskPrefix, string? contentHash)
        {
            Text = text ?? throw new ArgumentNullException(nameof(text));
            Vector = vector ?? throw new ArgumentNullException(nameof(vector));
            Provider = provider ?? throw new ArgumentNullException(nameof(provider));
            Model = model ?? throw new ArgumentNullException(nameof(model));
            InputObject = inputObject;
            Source = source;
            StartLine = startLine;
            EndLine = endLine;
            ChunkIndex = chunkIndex;
            UsesTaskPrefix = usesTaskPrefix;
            ContentHash = contentHash ?? string.Empty;
        }

        /// <summary>The text the vector stands for (a file's text, or one chunk of it).</summary>
        public string Text { get; }
        /// <summary>The embedding vector.</summary>
        public float[] Vector { get; }
        /// <summary>The vector's length.</summary>
        public int Dimensions => Vector.Length;
        /// <summary>The provider that made the vector: simple, ollama or openai.</summary>
        public string Provider { get; }
        /// <summary>The model that made the vector.</summary>
        public string Model { get; }
        /// <summary>What was piped in (a string, a FileInfo, any object); not kept in a saved set.</summary>
        public object? InputObject { get; }
        /// <summary>The file the text came from, or null.</summary>
        public string? Source { get; }
        /// <summary>The first line of the text in its file (1-based), or null.</summary>
        public int? StartLine { get; }
        /// <summary>The last line of the text in its file, or null.</summary>
        public int? EndLine { get; }
        /// <summary>Which chunk of its input this is (0-based), when the input was split; else null.</summary>
        public int? ChunkIndex { get; }
        /// <summary>
        /// True when the text was sent with the model's task prefix (nomic-embed-text's
        /// <c>search_document: </c>); a search then sends its query with the query prefix.
        /// </summary>
        public bool UsesTaskPrefix { get; }
        /// <summary>A hash of the text, which tells a refresh what changed.</summary>
        public string ContentHash { get; }
        /// <summary>"path:12-40" for a chunk of a file, the path for a whole file, else empty.</summary>
        public string Location => Source is null ? string.Empty
            : StartLine is int start ? Source + ":" + start + (EndLine is int end && end != start ? "-" + end : string.Empty)
            : Source;

        /// <summary>The text.</summary>
        public override string ToString() => Text;
    }
}
