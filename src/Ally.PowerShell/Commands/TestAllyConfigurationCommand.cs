using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ally.Configuration;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks Ally's whole configuration without sending anything (files, settings, providers, models, keys); -Online also checks each provider's server.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "AllyConfiguration")]
    [OutputType(typeof(ConfigurationCheck), typeof(bool))]
    public sealed class TestAllyConfigurationCommand : AllyCmdlet
    {
        /// <summary>Also check that each provider's server answers and has the model (as Test-AllyProvider does).</summary>
        [Parameter]
        public SwitchParameter Online { get; set; }

        /// <summary>Return only $true (every check passed) or $false, and write no error.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            var checks = new List<ConfigurationCheck>();
            ConfigLayers files;
            try
            {
                files = ConfigFiles.Discover(CurrentFolder(SessionState));
            }
            catch (AllyException ex)
            {
                // A file that cannot be read is this command's finding, not a reason to stop.
                checks.Add(new ConfigurationCheck("File", ConfigurationCheckStatus.Failed, ex.Problem, ex.Remedy) { ErrorId = ex.ErrorId });
                files = ConfigLayers.None;
            }
            SettingsResolver settings = SettingsResolver.Create(null, null, files);
            checks.AddRange(Await(ConfigurationReport.CheckAsync(settings, VaultReader, Online, CancellationToken)));

            List<ConfigurationCheck> failed = checks.Where(c => c.Status == ConfigurationCheckStatus.Failed).ToList();
            if (Quiet)
            {
                WriteObject(failed.Count == 0);
                return;
            }
            foreach (ConfigurationCheck check in checks) WriteObject(check);
            if (failed.Count > 0)
            {
                var error = new AllyException(ErrorIds.ConfigurationInvalid, Messages.ConfigurationInvalid(failed.Count, checks.Count, failed[0].Message), Messages.ConfigurationInvalidRemedy);
                WriteError(ToErrorRecord(error, failed));
            }
        }
    }
}
