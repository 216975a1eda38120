using System.Management.Automation;
using System.Security;
using Ally.PowerShell.Completers;
using Ally.Providers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks that a provider can be used: it answers (and how fast), the API key is accepted (with credit and rate limit), the model exists and, with -LoadModel, fits in memory.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "AllyProvider")]
    [OutputType(typeof(ProviderStatus), typeof(bool))]
    public sealed class TestAllyProviderCommand : AllyCmdlet
    {
        /// <summary>The provider to check: ollama, openrouter or openai. Default: ALLY_PROVIDER, else ollama.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProviderCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Provider { get; set; }

        /// <summary>The model to look for. Default: ALLY_MODEL, else the provider's default.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Model { get; set; }

        /// <summary>The API key to check (SecureString; plain text accepted with a warning). Default: the provider's variable, then the vault in ALLY_SECRET_VAULT.</summary>
        [Parameter]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString? ApiKey { get; set; }

        /// <summary>The proxy for this command's requests: http://host:port (user:password@ allowed, never shown), or 'none' for direct connections. Default: ALLY_PROXY, else the system's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Proxy { get; set; }

        /// <summary>
        /// Also load the model into the server's memory (Ollama), to find out whether it fits: out of
        /// memory shows only then. Loading a large model takes a while, and it stays loaded for Ollama's
        /// keep-alive time (5 minutes by default), ready for the next chat.
        /// </summary>
        [Parameter]
        public SwitchParameter LoadModel { get; set; }

        /// <summary>Return only $true or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            ProviderStatus status;
            try
            {
                // Per record: Provider and Model may come from the pipeline.
                ChatSettings settings = ChatSettings.Resolve(NewSettings(), VaultReader, requireKey: false);
                WarnAbout(settings.Context);
                WriteVerbose($"Checking {settings.Provider.Name} for model {settings.Model}.");
                status = Await(settings.Provider.DiagnoseAsync(settings.Context, settings.Model, CancellationToken));
                if (LoadModel && !settings.Provider.CanLoadModels)
                {
                    WriteWarning(Ally.Messages.LoadModelOnlyOllama);
                }
                else if (LoadModel && status.ModelAvailable == true)
                {
                    WriteVerbose(Ally.Messages.LoadingModel(settings.Model));
                    Await(settings.Provider.LoadModelAsync(settings.Context, settings.Model, status, CancellationToken));
                }
            }
            catch (AllyException ex)
            {
                if (Quiet) { WriteObject(false); return; }
                WriteError(ToErrorRecord(ex, Provider));
                return;
            }
            WriteObject(Quiet ? (object)status.Success : status);
        }
    }
}
