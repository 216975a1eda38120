namespace Ally
{
    internal static partial class Messages
    {
        public const string SimpleEmbedderName = "Ally's simple embedder";
        public static string SimpleHasOneModel(string model, string origin, string only) =>
            F("The simple provider has no model '{0}' (from {1}): its one model is {2}.", model, origin, only);
        public const string SimpleModelRemedy = "Leave -Model out (or unset ALLY_EMBEDDING_MODEL) for the simple provider, or choose -Provider ollama or openai for other models.";

        public static string EmbeddingNotSupported(string server, string model, string why) =>
            F("{0} cannot make embeddings with {1}: {2}.", server, model, why);
        public const string NotAnEmbeddingModel = "it is not an embedding model";
        public static string EmbeddingNotSupportedRemedy(string provider) => provider == "ollama"
            ? "Use an embedding model, e.g. -Model nomic-embed-text (Install-AllyModel nomic-embed-text); Get-AllyModel -Recommended lists them."
            : "Use an embedding model, e.g. -Model text-embedding-3-small.";

        public static string InputTooLong(int tokens, string model, int limit) =>
            F("The input is about {0:N0} tokens long; {1} takes at most {2:N0}.", tokens, model, limit);
        public const string InputTooLongRemedy = "Split long inputs with -ChunkSize (e.g. -ChunkSize 512 -ChunkOverlap 64).";

        public const string EmptyInputText = "The input has no text to embed.";
        public const string EmptyInputRemedy = "Leave out empty items, e.g. with Where-Object { $_.Trim() }.";

        public static string DimensionsNotSupported(string model) =>
            F("{0} cannot shorten its vectors: -Dimensions works with the text-embedding-3 models only.", model);
        public const string DimensionsNotSupportedRemedy = "Leave -Dimensions out, or use text-embedding-3-small or text-embedding-3-large.";

        public static string WrongVectorCount(string server, int sent, int received) =>
            F("{0} answered {1} embeddings for {2} inputs.", server, received, sent);

        public static string MixedEmbeddings(string what, string first, string other) =>
            F("The items were made by different models or have different sizes ({0} and {1}); {2} needs one kind.", first, other, what);
        public const string MixedEmbeddingsRemedy = "Search or save the items of one provider, model and size at a time, e.g. with Where-Object Model -eq '<model>'.";
        public const string SearchTask = "a search";
        public const string SaveTask = "a saved set";
        public static string CannotEmbedQuery(string provider) => F("The items were made by '{0}', which Ally cannot use to embed the query.", provider);
        public static string QueryVectorSize(int query, int items) =>
            F("The query vector has {0} dimensions and the items {1}.", query, items);
        public const string QueryVectorRemedy = "Pass a vector made by the same model as the items, or a -Query text to embed with it.";

        public static string EmbeddingActivity(string provider, string model) => F("Embedding with {0} {1}", provider, model);
        public static string EmbeddingProgress(long done, double perSecond) =>
            F("{0:N0} embedded, {1:N0} per second", done, perSecond);
        public static string EmbedReadFailed(string path, string why) => F("Cannot read {0}: {1}", path, why);

        public const string OverlapNeedsChunkSize = "-ChunkOverlap works with -ChunkSize only.";
        public const string OverlapNeedsChunkSizeRemedy = "Add -ChunkSize, e.g. -ChunkSize 512 -ChunkOverlap 64, or leave -ChunkOverlap out.";
        public static string OverlapTooLarge(int overlap, int size) => F("-ChunkOverlap ({0}) must be smaller than -ChunkSize ({1}).", overlap, size);
        public const string OverlapTooLargeRemedy = "Use an overlap of a fraction of the chunk size, e.g. -ChunkSize 512 -ChunkOverlap 64.";
        public static string EmbeddingVerbose(string provider, string providerOrigin, string model, string modelOrigin, int batch, bool prefixes) =>
            F("Embedding with {0} (from {1}), model {2} (from {3}), up to {4} inputs per request{5}.", provider, providerOrigin, model, modelOrigin, batch,
                prefixes ? ", with the model's task prefixes" : string.Empty);
        public static string EmbeddingReused(long reused, long total) => F("{0:N0} of {1:N0} inputs took their earlier vectors; the rest were embedded.", reused, total);

        public static string FileExists(string path) => F("{0} already exists.", path);
        public const string FileExistsRemedy = "Leave out -NoClobber to replace it, or choose another path.";
        public static string ShouldProcessExport(int count) => F("Save {0:N0} embeddings", count);
    }
}
