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
    /// vault fails at once instead of waiting for a password nobody will type; that runspace loads
    /// the very module whose Get-Secret the session found (it may have been imported by path).
    /// </summary>
    internal static class SecretVault
    {
        private const string GetSecretScript = "param($Name, $Vault) Get-Secret -Name $Name -Vault $Vault -ErrorAction Stop";
        private const string VaultModuleScript = "param($Vault) (Get-SecretVault -Name $Vault -ErrorAction Stop).ModuleName";
        private const string SecretStoreModule = "Microsoft.PowerShell.SecretStore";

        public static SecureString? Read(PSCmdlet cmdlet, string vault, string name)
        {
            CommandInfo? getSecret = cmdlet.InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function);
            if (getSecret is null)
            {
                cmdlet.WriteWarning(Ally.Messages.VaultUnavailable(vault));
                return null;
            }

            object? value;
            if (Interactivity.IsInteractive(cmdlet))
            {
                value = Invoke(vault, name, script => cmdlet.InvokeCommand.InvokeScript(script.Text, script.Arguments));
            }
            else
            {
                using var ps = System.Management.Automation.PowerShell.Create();
                LoadModule(ps, getSecret, vault, name);
                value = Invoke(vault, name, script =>
                {
                    ps.Commands.Clear();
                    ps.Streams.ClearStreams();
                    ps.AddScript(script.Text);
                    foreach (object argument in script.Arguments) ps.AddArgument(argument);
                    Collection<PSObject> results = ps.Invoke();
                    // A script's failure with -ErrorAction Stop surfaces as an exception; anything else written is a failure too.
                    if (ps.HadErrors && ps.Streams.Error.Count > 0) throw new RuntimeException(ps.Streams.Error[0].ToString(), ps.Streams.Error[0].Exception, ps.Streams.Error[0]);
                    return results;
                });
            }

            return value switch
            {
                null => null,
                SecureString secure => secure,
                PSCredential credential => credential.Password,
                string text => Ally.Configuration.ApiKey.Protect(text),
                _ => throw new AllyException(ErrorIds.SecretVaultError, Ally.Messages.VaultSecretWrongType(vault, name, TypeName(value)),
                    Ally.Messages.VaultSecretWrongTypeRemedy(vault, name)),
            };
        }

        /// <summary>A script and its arguments: the same calls run in the user's session or in the runspace without a UI.</summary>
        private readonly struct Script
        {
            public Script(string text, params object[] arguments) { Text = text; Arguments = arguments; }
            public string Text { get; }
            public object[] Arguments { get; }
        }

        /// <summary>Runs Get-Secret through <paramref name="run"/> and returns the secret (unwrapped), mapping failures to SecretVaultError.</summary>
        private static object? Invoke(string vault, string name, Func<Script, Collection<PSObject>> run)
        {
            try
            {
                return run(new Script(GetSecretScript, name, vault)).FirstOrDefault()?.BaseObject;
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                Exception cause = Cause(ex);
                if (IsLocked(ex))
                {
                    string? module = null;
                    try
                    {
                        module = run(new Script(VaultModuleScript, vault)).FirstOrDefault()?.BaseObject as string;
                    }
                    catch (Exception describe) when (!(describe is PipelineStoppedException))
                    {
                        // An older SecretManagement, or a vault it cannot describe: the generic unlock advice still holds.
                    }
                    bool isSecretStore = string.Equals(module, SecretStoreModule, StringComparison.OrdinalIgnoreCase);
                    throw new AllyException(ErrorIds.SecretVaultError, Ally.Messages.VaultLocked(vault, name, cause.Message),
                        Ally.Messages.VaultLockedRemedy(vault, isSecretStore, name), cause);
                }
                throw new AllyException(ErrorIds.SecretVaultError, Ally.Messages.VaultReadFailed(vault, name, cause.Message), Ally.Messages.ApiKeyRemedy(name), cause);
            }
        }

        /// <summary>
        /// Imports the module Get-Secret came from into <paramref name="ps"/>'s runspace: by its manifest
        /// when there is one (so a module imported by path, not on PSModulePath, is found too).
        /// </summary>
        private static void LoadModule(System.Management.Automation.PowerShell ps, CommandInfo getSecret, string vault, string name)
        {
            PSModuleInfo? module = getSecret.Module;
            if (module is null || string.IsNullOrEmpty(module.Path))
            {
                throw new AllyException(ErrorIds.SecretVaultError, Ally.Messages.VaultCommandWithoutModule(vault, getSecret.CommandType.ToString()),
                    Ally.Messages.VaultCommandWithoutModuleRemedy);
            }

            string path = module.Path;
            if (!string.IsNullOrEmpty(module.ModuleBase))
            {
                string manifest = System.IO.Path.Combine(module.ModuleBase, module.Name + ".psd1");
                if (System.IO.File.Exists(manifest)) path = manifest;
            }

            try
            {
                ps.AddCommand("Import-Module").AddParameter("Name", path).AddParameter("ErrorAction", "Stop");
                ps.Invoke();
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                throw new AllyException(ErrorIds.SecretVaultError, Ally.Messages.VaultModuleLoadFailed(vault, module.Name, Cause(ex).Message),
                    Ally.Messages.ApiKeyRemedy(name), Cause(ex));
            }
        }

        /// <summary>The exception behind a PowerShell failure (the ErrorRecord's, not the RuntimeException wrapping it).</summary>
        private static Exception Cause(Exception ex) =>
            ex is RuntimeException runtime && runtime.ErrorRecord?.Exception != null && !ReferenceEquals(runtime.ErrorRecord.Exception, ex)
                ? runtime.ErrorRecord.Exception
                : ex;

        /// <summary>
        /// True when the vault refused because it is locked: SecretStore's PasswordRequiredException (thrown
        /// instead of a prompt when there is no user interface), anywhere in the chain.
        /// </summary>
        private static bool IsLocked(Exception ex)
        {
            for (Exception? e = ex; e != null; e = e is RuntimeException r && r.ErrorRecord?.Exception != null && !ReferenceEquals(r.ErrorRecord.Exception, e) ? r.ErrorRecord.Exception : e.InnerException)
            {
                if (e.GetType().Name == "PasswordRequiredException") return true;
            }
            return false;
        }

        /// <summary>How a secret's type is named to the user: Hashtable, Byte[], PSCustomObject.</summary>
        private static string TypeName(object value) => value is PSObject ps ? ps.TypeNames.FirstOrDefault() ?? "PSObject" : value.GetType().Name;
    }

    /// <summary>Whether anyone can answer a prompt in this session.</summary>
    internal static class Interactivity
    {
        public static bool IsInteractive(PSCmdlet cmdlet) => WhyNotInteractive(cmdlet) is null;

        /// <summary>Why nobody can type in this session (for a message), or null when someone can.</summary>
        public static string? WhyNotInteractive(PSCmdlet cmdlet)
        {
            // The console, and VS Code's PowerShell terminal (a console too); not ISE-like or remote hosts.
            if (!string.Equals(cmdlet.Host.Name, "ConsoleHost", StringComparison.Ordinal) && !string.Equals(cmdlet.Host.Name, "Visual Studio Code Host", StringComparison.Ordinal))
                return Ally.Messages.HostWithoutConsole(cmdlet.Host.Name);
            if (Ally.Configuration.CommandLine.IsNonInteractive(Environment.GetCommandLineArgs())) return Ally.Messages.StartedNonInteractive;
            if (Console.IsInputRedirected) return Ally.Messages.InputRedirected;
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) return Ally.Messages.CiVariableSet;
            return null;
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
