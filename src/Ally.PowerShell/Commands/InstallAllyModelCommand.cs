using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Ally.PowerShell.Async;
using Ally.PowerShell.Completers;
using Ally.Providers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Downloads an Ollama model (ollama pull) with a progress bar per layer.</para>
    /// Ctrl+C stops the download; running the command again resumes it.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Install, "AllyModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ModelInfo))]
    public sealed class InstallAllyModelCommand : AllyModelCmdlet
    {
        /// <summary>The models to pull: name[:tag], e.g. llama3.2 or llama3.1:70b.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(InstallableModelCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>
        /// Where the model lives; bound from piped objects (Get-AllyModel -Recommended), so hosted
        /// models in a list are skipped: they need no install.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateProvider]
        public string? Provider { get; set; }

        /// <summary>Return the installed model.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<string> _skipped = new List<string>();
        private CmdletPump? _pump;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (Provider != null && ProviderRegistry.Find(Provider) is ProviderDescriptor provider && !provider.Can(ProviderCapabilities.Pull))
            {
                _skipped.AddRange(Name);
                return;
            }
            foreach (string name in Name)
            {
                if (!CheckModelName(name)) continue;
                if (ShouldProcess(name, Messages.ShouldProcessInstall)) Pull(name);
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (_skipped.Count > 0) WriteWarning(Messages.HostedModelNotInstallable(string.Join(", ", _skipped.Distinct())));
        }

        private protected override void DisposeCore() => _pump?.Dispose();

        /// <summary>
        /// Pulls one model on a worker while this thread shows its progress: each line the server sends
        /// is folded into the pull's state and its bars here, in order. Ctrl+C stops the wait at once;
        /// the bars are completed whatever happens.
        /// </summary>
        private void Pull(string name)
        {
            _pump ??= new CmdletPump(this, CancellationToken, throttleLimit: 1);
            var models = new OllamaModels(Ollama);
            var progress = new PullProgress(name);
            var writer = new PullProgressWriter(this, progress);
            bool passThru = PassThru;
            try
            {
                writer.Update(null);
                _pump.Start(
                    async job =>
                    {
                        await foreach (PullStatus line in models.PullAsync(name, job.CancellationToken).ConfigureAwait(false))
                        {
                            job.Post(line, l => writer.Update(progress.Apply(l)));
                        }
                        return passThru ? await InstalledAsync(models, name, job).ConfigureAwait(false) : null;
                    },
                    installed =>
                    {
                        WriteVerbose($"Installed {name}.");
                        if (installed != null) WriteObject(installed);
                    },
                    failure =>
                    {
                        if (failure is AllyException ex) WriteError(ToErrorRecord(ex, name));
                        else if (failure is OperationCanceledException && CancellationToken.IsCancellationRequested) throw new PipelineStoppedException();
                        else throw failure;
                    });
                _pump.WaitAll();
            }
            finally
            {
                // A pull that stopped part-way may still have written files: the next completion must ask again.
                ModelCompletions.ForgetInstalled(CompletionCache, OllamaHost);
                writer.Complete();
            }
        }

        private async Task<ModelInfo?> InstalledAsync(OllamaModels models, string name, CmdletJob job)
        {
            IReadOnlyList<ModelInfo> installed = await models.ListAsync(job.CancellationToken).ConfigureAwait(false);
            job.Post(installed, list => ModelCompletions.RememberInstalled(CompletionCache, OllamaHost, list));
            return installed.FirstOrDefault(m => ModelNames.SameModel(m.Name, name));
        }
    }
}
