using System;
using System.Management.Automation;
using Ally.PowerShell.Completers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes installed Ollama models.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "AllyModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    public sealed class RemoveAllyModelCommand : AllyModelCmdlet
    {
        /// <summary>The models to delete, name[:tag]; piped models (Get-AllyModel) bind by their Name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(InstalledModelCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        private bool _removed;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (string name in Name)
            {
                if (!CheckModelName(name)) continue;
                if (!ShouldProcess(name, Messages.ShouldProcessRemove)) continue;
                try
                {
                    Await(new OllamaModels(Ollama).DeleteAsync(name, CancellationToken));
                    _removed = true;
                    WriteVerbose($"Removed {name}.");
                }
                catch (AllyException ex)
                {
                    WriteError(ToErrorRecord(ex, name));
                }
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (_removed) ModelCompletions.ForgetInstalled(CompletionCache, OllamaHost);
        }
    }
}
