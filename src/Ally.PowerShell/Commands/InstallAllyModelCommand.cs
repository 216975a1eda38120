using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Ally.PowerShell.Completers;

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
        /// (openrouter) models in a list are skipped: they need no install.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet(ModelProviders.Ollama, ModelProviders.OpenRouter, IgnoreCase = true)]
        public string? Provider { get; set; }

        /// <summary>Return the installed model.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<string> _skipped = new List<string>();

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (string.Equals(Provider, ModelProviders.OpenRouter, StringComparison.OrdinalIgnoreCase))
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

        private void Pull(string name)
        {
            var models = new OllamaModels(OllamaHost);
            var progress = new PullProgress(name);
            var writer = new PullProgressWriter(this, progress);
            IAsyncEnumerator<PullStatus> lines = models.PullAsync(name, CancellationToken).GetAsyncEnumerator(CancellationToken);
            Task<bool> next = Task.FromResult(false);
            try
            {
                writer.Update(null);
                // Driven on the pipeline thread: each line is shown as soon as it arrives, and
                // Ctrl+C (which cancels the token) returns from the wait at once.
                while (Await(next = lines.MoveNextAsync().AsTask()))
                {
                    writer.Update(progress.Apply(lines.Current));
                }
                WriteVerbose($"Installed {name}.");
            }
            catch (AllyException ex)
            {
                WriteError(ToErrorRecord(ex, name));
                return;
            }
            finally
            {
                // A pull that stopped part-way may still have written files: the next completion must ask again.
                ModelCompletions.ForgetInstalled(CompletionCache, OllamaHost);
                writer.Complete();
                // After Ctrl+C the last read may still be winding down (its request is cancelled):
                // release the pull once it has, without holding up the stop.
                _ = next.ContinueWith(read =>
                    {
                        _ = read.Exception; // seen: a cancelled read's failure is expected
                        return lines.DisposeAsync().AsTask();
                    }, TaskScheduler.Default).Unwrap()
                    .ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }

            if (PassThru) WriteInstalled(models, name);
        }

        private void WriteInstalled(OllamaModels models, string name)
        {
            try
            {
                IReadOnlyList<ModelInfo> installed = Await(models.ListAsync(CancellationToken));
                ModelCompletions.RememberInstalled(CompletionCache, OllamaHost, installed);
                ModelInfo? model = installed.FirstOrDefault(m => ModelNames.SameModel(m.Name, name));
                if (model != null) WriteObject(model);
            }
            catch (AllyException ex)
            {
                WriteError(ToErrorRecord(ex, name));
            }
        }
    }
}
