using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Security;

namespace Ally.PowerShell
{
    /// <summary>
    /// Reads API keys from a SecretManagement vault through PowerShell's own command lookup, so Ally
    /// needs no reference to SecretManagement and works wherever `Get-Secret` resolves. In a
    /// non-interactive session Get-Secret runs in a runspace without a user interface, so a locked
    /// vault fails at once instead of waiting for a password nobody will type.
    /// </summary>
    internal static class SecretVault
    {
        public static SecureString? Read(PSCmdlet cmdlet, string vault, string name)
        {
            CommandInfo? getSecret = cmdlet.InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function);
            if (getSecret is null)
            {
                cmdlet.WriteWarning(Ally.Messages.VaultUnavailable(vault));
                return null;
            }

            Collection<PSObject> results;
            try
            {
                if (Interactivity.IsInteractive(cmdlet))
                {
                    results = cmdlet.InvokeCommand.InvokeScript(
                        "param($Name, $Vault) Get-Secret -Name $Name -Vault $Vault -ErrorAction Stop", name, vault);
                }
                else
                {
                    using var ps = System.Management.Automation.PowerShell.Create();
                    ps.AddCommand("Get-Secret").AddParameter("Name", name).AddParameter("Vault", vault).AddParameter("ErrorAction", "Stop");
                    results = ps.Invoke();
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                Exception inner = ex is RuntimeException runtime && runtime.ErrorRecord?.Exception != null ? runtime.ErrorRecord.Exception : ex;
                throw new AllyException(ErrorIds.SecretVaultError, Ally.Messages.VaultReadFailed(vault, name, inner.Message), Ally.Messages.ApiKeyRemedy(name));
            }

            object? value = results.FirstOrDefault()?.BaseObject;
            return value switch
            {
                SecureString secure => secure,
                PSCredential credential => credential.Password,
                string text => Ally.Configuration.ApiKey.Protect(text),
                _ => null,
            };
        }
    }

    /// <summary>Whether anyone can answer a prompt in this session.</summary>
    internal static class Interactivity
    {
        public static bool IsInteractive(PSCmdlet cmdlet)
        {
            if (Console.IsInputRedirected) return false;
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) return false;
            if (!string.Equals(cmdlet.Host.Name, "ConsoleHost", StringComparison.Ordinal)) return false;
            foreach (string arg in Environment.GetCommandLineArgs())
            {
                if (arg.Length >= 5 && "-noninteractive".StartsWith(arg.ToLowerInvariant(), StringComparison.Ordinal)) return false;
            }
            return true;
        }
    }

    /// <summary>
    /// Lets -ApiKey take a plain string as well as a SecureString, remembering which strings were
    /// plain so the cmdlet can warn that an environment variable is safer.
    /// </summary>
    internal sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SecureString, object> FromPlainText =
            new System.Runtime.CompilerServices.ConditionalWeakTable<SecureString, object>();

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject ps ? ps.BaseObject : inputData;
            if (value is string text)
            {
                SecureString secure = Ally.Configuration.ApiKey.Protect(text);
                FromPlainText.Add(secure, new object());
                return secure;
            }
            return inputData;
        }

        public static bool WasPlainText(SecureString value) => FromPlainText.TryGetValue(value, out _);
    }
}
