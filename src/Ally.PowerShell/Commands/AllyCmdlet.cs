using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Providers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// Base of Ally's cmdlets: owns the cancellation that Ctrl+C (StopProcessing) triggers, waits for
    /// library work on the pipeline thread, builds the command's settings from its bound parameters,
    /// and turns <see cref="AllyException"/>s into ErrorRecords.
    /// </summary>
    public abstract class AllyCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private SettingsResolver? _settings;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        protected CancellationToken CancellationToken => _cancellation.Token;

        /// <inheritdoc />
        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Releases the cancellation source (Dispose runs even when Ctrl+C skips EndProcessing).</summary>
        public void Dispose()
        {
            DisposeCore();
            _cancellation.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Releases what a derived cmdlet holds.</summary>
        private protected virtual void DisposeCore() { }

        /// <summary>
        /// This command's settings: its bound parameters (by setting name: -Provider, -Model, -MaxTokens,
        /// -Options, -ApiKey, …), then the environment, then the project's and the user's ally.toml, then
        /// the defaults.
        /// </summary>
        private protected SettingsResolver Settings => _settings ??= NewSettings();

        /// <summary>Settings from the parameters bound now (a per-record command's pipeline-bound ones included).</summary>
        private protected SettingsResolver NewSettings() => SettingsResolver.Create(BoundSettings(), null, ConfigFilesHere());

        /// <summary>
        /// This command's settings with <paramref name="chosen"/> over its parameters (a conversation's
        /// provider and model, the chat's /model), leaving out the parameters named in <paramref name="dropped"/>.
        /// </summary>
        private protected SettingsResolver SettingsWith(ChosenSource chosen, params string[] dropped)
        {
            Dictionary<string, object?> parameters = BoundSettings();
            foreach (string name in dropped) parameters.Remove(name);
            var sources = new List<ISettingSource> { chosen, new ParameterSource(parameters), Settings.Environment };
            sources.AddRange(Settings.Files.Sources);
            return new SettingsResolver(sources);
        }

        /// <summary>
        /// The ally.toml files in effect from PowerShell's current folder; warnings about files just read
        /// are written here. A file that cannot be used stops the command.
        /// </summary>
        private protected ConfigLayers ConfigFilesHere()
        {
            ConfigLayers files = OrStop(() => ConfigFiles.Discover(CurrentFolder(SessionState)));
            foreach (string warning in files.Warnings) WriteWarning(warning);
            return files;
        }

        /// <summary>
        /// The current file-system folder of a session (not the process's, which PowerShell does not
        /// move). Read from the current drive: PowerShell's path properties list the machine's drives
        /// (read /proc/self/mountinfo) on every call, a cost each command would pay.
        /// </summary>
        internal static string? CurrentFolder(SessionState? state)
        {
            try
            {
                PSDriveInfo? drive = state?.Drive.Current;
                if (drive != null && drive.Provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                    return System.IO.Path.Combine(drive.Root, drive.CurrentLocation);
                return state?.Path.CurrentFileSystemLocation.ProviderPath;
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is InvalidOperationException || ex is ArgumentException)
            {
                return null;
            }
        }

        /// <summary>The bound parameters as setting values (by name), as they are now.</summary>
        private protected Dictionary<string, object?> BoundSettings()
        {
            var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, object> bound in MyInvocation.BoundParameters) values[bound.Key] = Unwrap(bound.Value);
            return values;
        }

        /// <summary>A parameter value as plain .NET data: PSObjects unwrapped, hashtables as dictionaries (recursively).</summary>
        private static object? Unwrap(object? value)
        {
            if (value is PSObject ps) value = ps.BaseObject;
            if (value is IDictionary dictionary)
            {
                var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry entry in dictionary) result[entry.Key.ToString() ?? string.Empty] = Unwrap(entry.Value);
                return result;
            }
            if (value is object[] array)
            {
                var result = new object?[array.Length];
                for (int i = 0; i < array.Length; i++) result[i] = Unwrap(array[i]);
                return result;
            }
            return value;
        }

        /// <summary>Reads API keys from the SecretManagement vault named by ALLY_SECRET_VAULT.</summary>
        private protected Func<string, string, SecureString?> VaultReader => (vault, name) => SecretVault.Read(this, vault, name);

        /// <summary>Resolves a provider's endpoint and key (see <see cref="ProviderContext.Resolve"/>) and shows the warnings that go with them.</summary>
        private protected ProviderContext ResolveProvider(ProviderDescriptor provider, bool requireKey)
        {
            ProviderContext context = ProviderContext.Resolve(provider, Settings, VaultReader, requireKey, AllySettings.ApiKeyVariable);
            WarnAbout(context);
            return context;
        }

        /// <summary>Warns about a provider's settings (an odd OLLAMA_HOST, a key given as plain text) and says which proxy its requests use.</summary>
        private protected void WarnAbout(ProviderContext context)
        {
            foreach (string warning in context.Endpoint.Warnings) WriteWarning(warning);
            WriteVerbose(Messages.UsingProxy(context.Network.DescribeProxy(context.Endpoint.BaseAddress)));
            if (MyInvocation.BoundParameters.TryGetValue("ApiKey", out object? key) && key is SecureString secure
                && SecureStringTransformationAttribute.WasPlainText(secure) && context.Provider.KeySetting?.EnvironmentVariable is string variable)
            {
                WriteWarning(Messages.PlainTextApiKeyWarning(variable));
            }
        }

        /// <summary>
        /// Waits for <paramref name="task"/> on the pipeline thread. Ctrl+C returns at once, even if
        /// the task were slow to notice its token.
        /// </summary>
        protected T Await<T>(Task<T> task)
        {
            try
            {
                task.Wait(CancellationToken);
            }
            catch (AggregateException)
            {
                // Rethrown unwrapped below.
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Waits on the pipeline thread for work without a result (Ctrl+C returns at once).</summary>
        private protected void Await(Task task) => Await(Completion(task));

        private static async Task<bool> Completion(Task task)
        {
            await task.ConfigureAwait(false);
            return true;
        }

        /// <summary>With -NoClobber: stops when <paramref name="path"/> exists (<paramref name="errorId"/>, ResourceExists).</summary>
        private protected void StopIfExists(string path, string errorId)
        {
            if (!System.IO.File.Exists(path)) return;
            ThrowTerminatingError(new ErrorRecord(new System.IO.IOException(Messages.FileExists(path)), errorId, ErrorCategory.ResourceExists, path)
            {
                ErrorDetails = new ErrorDetails(Messages.FileExists(path)) { RecommendedAction = Messages.FileExistsRemedy },
            });
        }

        /// <summary>Writes <paramref name="path"/> in one step (<see cref="AtomicFile"/>); a file-system failure stops the command (<paramref name="errorId"/>, WriteError).</summary>
        private protected void WriteFileOrStop(string path, string errorId, Action<System.IO.Stream> write)
        {
            if (TryWriteFile(path, errorId, write) is ErrorRecord failure) ThrowTerminatingError(failure);
        }

        /// <summary>Writes <paramref name="path"/> in one step (<see cref="AtomicFile"/>); returns the error (<paramref name="errorId"/>, WriteError) of a file-system failure, or null.</summary>
        private protected static ErrorRecord? TryWriteFile(string path, string errorId, Action<System.IO.Stream> write)
        {
            try
            {
                AtomicFile.Write(path, write);
                return null;
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                return new ErrorRecord(ex, errorId, ErrorCategory.WriteError, path);
            }
        }

        /// <summary>The chat settings <paramref name="settings"/> give, checked (an <see cref="AllyException"/> when they cannot be used), with their warnings shown, and a chat client for them.</summary>
        private protected (ChatSettings Settings, IChatProvider Chat) OpenChat(SettingsResolver settings)
        {
            ChatSettings chat = ChatSettings.Resolve(settings, VaultReader, requireKey: true);
            WarnAbout(chat.Context);
            return (chat, chat.Provider.CreateChat(chat.Context));
        }

        /// <summary>An ErrorRecord for an Ally failure: stable id, category, remedy as the recommended action.</summary>
        internal static ErrorRecord ToErrorRecord(AllyException exception, object? target)
        {
            var category = (ErrorCategory)Enum.Parse(typeof(ErrorCategory), ErrorIds.PowerShellCategory(exception.Category));
            var record = new ErrorRecord(exception, exception.ErrorId, category, target);
            // Shown as the message plus a separate "Recommendation:" line; the exception's Message keeps both for logs.
            if (exception.Remedy != null) record.ErrorDetails = new ErrorDetails(exception.Problem) { RecommendedAction = exception.Remedy };
            return record;
        }

        /// <summary>Stops the command with an Ally failure (nothing else can go on).</summary>
        protected void ThrowAllyError(AllyException exception, object? target = null) => ThrowTerminatingError(ToErrorRecord(exception, target));

        /// <summary>Runs a call whose failure leaves the command nothing to do: an Ally failure stops the command.</summary>
        private protected T OrStop<T>(Func<T> call)
        {
            try
            {
                return call();
            }
            catch (AllyException ex)
            {
                ThrowAllyError(ex);
                throw; // not reached: ThrowAllyError always throws
            }
        }
    }
}
