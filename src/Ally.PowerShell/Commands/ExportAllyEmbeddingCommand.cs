using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Ally.Embeddings;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Saves a set of embeddings to a compact file (float32 vectors, not text).</para>
    /// Import-AllyEmbedding loads it again; the file is replaced in one step, never left half written.
    /// </summary>
    [Cmdlet(VerbsData.Export, "AllyEmbedding", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportAllyEmbeddingCommand : AllyCmdlet
    {
        /// <summary>The file to write.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>The embeddings to save (from New-AllyEmbedding or Import-AllyEmbedding).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public Embedding[] InputObject { get; set; } = Array.Empty<Embedding>();

        /// <summary>Do not replace an existing file.</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Return the file.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<Embedding> _items = new List<Embedding>();

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (Embedding item in InputObject)
            {
                if (item != null) _items.Add(item);
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (NoClobber) StopIfExists(path, "EmbeddingFileExists");
            OrStop(() => EmbeddingSearch.CheckUniform(_items, Messages.SaveTask));
            if (!ShouldProcess(path, Messages.ShouldProcessExport(_items.Count))) return;

            // Written beside the target, then moved over it: a stopped or failed export leaves the old file intact.
            WriteFileOrStop(path, "EmbeddingFileNotWritten", stream => EmbeddingSetFile.Write(stream, _items));
            if (PassThru) WriteObject(new FileInfo(path));
        }
    }
}
