using System;
using System.Security.Cryptography;
using System.Text;

namespace Ally.Embeddings
{
    /// <summary>One text to embed (a string, a file, or a chunk of one) and where it came from.</summary>
    public sealed class EmbeddingInput
    {
        /// <summary>A text to embed.</summary>
        public EmbeddingInput(string text, object? inputObject, string? source = null, int? startLine = null, int? endLine = null, int? chunkIndex = null)
        {
            Text = text ?? throw new ArgumentNullException(nameof(text));
            InputObject = inputObject;
            Source = source;
            StartLine = startLine;
            EndLine = endLine;
            ChunkIndex = chunkIndex;
            ContentHash = Hash(text);
        }

        /// <summary>The text (without any task prefix).</summary>
        public string Text { get; }
        /// <summary>What was piped in.</summary>
        public object? InputObject { get; }
        /// <summary>The file it came from, or null.</summary>
        public string? Source { get; }
        /// <summary>Its first line in the file, or null.</summary>
        public int? StartLine { get; }
        /// <summary>Its last line in the file, or null.</summary>
        public int? EndLine { get; }
        /// <summary>Its chunk number, when its input was split.</summary>
        public int? ChunkIndex { get; }
        /// <summary>The hash of <see cref="Text"/> (what a refresh compares).</summary>
        public string ContentHash { get; }

        /// <summary>The text as sent (with the document prefix), set when it is grouped.</summary>
        internal string? Sent { get; private set; }
        /// <summary>Estimated tokens of <see cref="Sent"/>.</summary>
        internal int Tokens { get; private set; }
        /// <summary>Sets the text to send: <paramref name="prefix"/> (a task prefix, or null) and the text; and its token estimate.</summary>
        internal void Prepare(string? prefix)
        {
            Sent = prefix + Text;
            Tokens = TokenEstimate.Estimate(Sent);
        }

        /// <summary>The vector of an earlier set that had the same text (nothing is sent then).</summary>
        internal float[]? Reused { get; set; }

        /// <summary>This input with its vector.</summary>
        internal Embedding ToEmbedding(float[] vector, ITextEmbedder embedder) =>
            new Embedding(Text, vector, embedder.Provider, embedder.Model, InputObject, Source, StartLine, EndLine, ChunkIndex, embedder.UsesTaskPrefix, ContentHash);

        /// <summary>The first 128 bits of the text's SHA-256, as hex: the same on every machine and runtime.</summary>
        public static string Hash(string text)
        {
            using SHA256 sha = SHA256.Create();
            byte[] digest = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            var hex = new StringBuilder(32);
            for (int i = 0; i < 16; i++) hex.Append(digest[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return hex.ToString();
        }
    }

    /// <summary>What became of one input: its embedding, or why it has none.</summary>
    public readonly struct EmbeddingOutcome
    {
        internal EmbeddingOutcome(EmbeddingInput input, Embedding? embedding, AllyException? failure)
        {
            Input = input;
            Embedding = embedding;
            Failure = failure;
        }

        /// <summary>The input.</summary>
        public EmbeddingInput Input { get; }
        /// <summary>Its embedding, or null.</summary>
        public Embedding? Embedding { get; }
        /// <summary>Why it has none, or null.</summary>
        public AllyException? Failure { get; }
    }
}
