namespace Ally
{
    internal static partial class Messages
    {
        // Saved embedding sets (Export-AllyEmbedding, Import-AllyEmbedding).

        public static string NotAnEmbeddingFile(string path) =>
            F("'{0}' is not an embedding set: it does not begin the way the files Export-AllyEmbedding writes do.", path);
        public static string EmptyEmbeddingFile(string path) => F("'{0}' is not an embedding set: it is empty.", path);
        public const string NotAnEmbeddingFileRemedy =
            "Import a file that Export-AllyEmbedding wrote; to make one, pipe the output of New-AllyEmbedding to Export-AllyEmbedding.";

        public static string UnsupportedEmbeddingFile(string path, uint version, int supported) =>
            F("'{0}' is an embedding set of format version {1}, written by a newer Ally; this Ally reads version {2}.", path, version, supported);
        public const string UnsupportedEmbeddingFileRemedy =
            "Update Ally (Update-PSResource Ally, or Update-Module Ally) and import it again, or export the set again with this Ally.";

        public static string EmbeddingFileDamaged(string path, string why) => F("'{0}' is damaged: {1}.", path, why);
        public const string EmbeddingFileDamagedRemedy =
            "Export the set again from its source (New-AllyEmbedding ... | Export-AllyEmbedding), or restore the file from a backup.";
        public static string EmbeddingFileEndsBefore(string part) => "it ends before " + part;
        public const string EmbeddingFileHeaderPart = "the end of its header";
        public static string EmbeddingFileVectorPart(int index) => F("the end of the vector of item {0}", index);
        public const string EmbeddingFileSetPart = "the end of the set's description";
        public static string EmbeddingFileItemPart(int index) => F("the end of the description of item {0}", index);
        public const string EmbeddingFileChecksumPart = "its checksum";
        public const string EmbeddingFileChecksumMismatch = "its contents do not match its checksum";
        public static string EmbeddingFileImpossibleHeader(uint version, long dimensions, long count) =>
            F("its header gives impossible sizes (format version {0}, {1} dimensions, {2} items)", version, dimensions, count);
        public static string EmbeddingFileTooShort(long length, long needed) =>
            F("it is {0} bytes long, and its header calls for at least {1}", length, needed);
        public static string EmbeddingFileImpossibleLength(string part, long length) => F("{0} claims an impossible length of {1} bytes", part, length);
        public const string EmbeddingFileSetDescription = "the set's description";
        public static string EmbeddingFileItemDescription(int index) => F("the description of item {0}", index);
        public static string EmbeddingFileUnreadable(string part) => part + " cannot be read";
        public static string EmbeddingFileTrailingBytes(long count) => F("{0} bytes follow its end", count);

        public static string IncompatibleEmbeddingSet(int index, string provider, string model, int dimensions, string firstProvider, string firstModel, int firstDimensions) =>
            F("Embeddings of different models or sizes cannot be saved in one set: the item at index {0} was made by {1} {2} ({3} dimensions), the first by {4} {5} ({6} dimensions).",
                index, provider, Excerpt(model, 80), dimensions, firstProvider, Excerpt(firstModel, 80), firstDimensions);
        public const string IncompatibleEmbeddingSetRemedy =
            "Save each model's embeddings in a file of its own: filter them first, e.g. with Where-Object Model -eq 'nomic-embed-text'.";
        public static string EmbeddingTooLong(int index, int dimensions, int max) =>
            F("The item at index {0} has {1} dimensions; a saved set holds vectors of at most {2}.", index, dimensions, max);
        public const string EmbeddingTooLongRemedy = "Check where the vectors came from: embedding models make vectors of a few thousand dimensions at most.";
    }
}
