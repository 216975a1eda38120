using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Ally.Embeddings;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Loads a set of embeddings saved by Export-AllyEmbedding.</para>
    /// A file that is not such a set, comes from a newer Ally, or is damaged gives a clear error.
    /// </summary>
    [Cmdlet(VerbsData.Import, "AllyEmbedding", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(Embedding))]
    public sealed class ImportAllyEmbeddingCommand : AllyCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        /// <summary>The files to load (wildcards allowed).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>The files to load, exactly as written (no wildcards).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (string given in ParameterSetName == LiteralPathSet ? LiteralPath : Path)
            {
                foreach (string path in Resolve(given)) Load(path);
            }
        }

        private string[] Resolve(string given)
        {
            if (ParameterSetName == LiteralPathSet) return new[] { SessionState.Path.GetUnresolvedProviderPathFromPSPath(given) };
            try
            {
                return GetResolvedProviderPathFromPSPath(given, out _).ToArray();
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "EmbeddingFileNotFound", ErrorCategory.ObjectNotFound, given));
                return Array.Empty<string>();
            }
        }

        private void Load(string path)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                foreach (Embedding item in EmbeddingSetFile.Read(stream, path)) WriteObject(item);
            }
            catch (AllyException ex)
            {
                WriteError(ToErrorRecord(ex, path));
            }
            catch (FileNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "EmbeddingFileNotFound", ErrorCategory.ObjectNotFound, path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "EmbeddingFileUnreadable", ErrorCategory.ReadError, path));
            }
        }
    }
}
