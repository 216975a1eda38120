using System;
using System.Collections.Generic;
using System.Security;
using Ally.Configuration;
using Ally.Providers;
using Ally.Providers.OpenRouter;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// Base of Ally's cmdlets: owns the cancellation that Ctrl+C (StopProcessing) triggers, waits for
    /// library work on the pipeline thread, and turns <see cref="AllyException"/>s into ErrorRecords.
    /// </summary>
    public abstract class AllyCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        protected CancellationToken CancellationToken => _cancellation.Token;

        /// <inheritdoc />
        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Releases the cancellation source (Dispose runs even when Ctrl+C skips EndProcessing).</summary>
        public void Dispose()
        {
            _cancellation.Dispose();
            GC.SuppressFinalize(this);
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

        /// <summary>
        /// Resolves chat settings (parameters over environment over defaults) and, for providers that
        /// use one, the API key: -ApiKey, the environment, then the configured vault. Warns about a
        /// plain-text -ApiKey. Throws <see cref="AllyException"/> on bad settings; a missing key is an
        /// error only when <paramref name="requireKey"/> is set and the provider needs one.
        /// </summary>
        protected (ChatSettings Settings, ApiKey? Key, SettingsResolver Resolver) ResolveChatSettings(
            Dictionary<string, string?> parameters, SecureString? apiKey, bool requireKey)
        {
            var resolver = new SettingsResolver(parameters);
            ChatSettings settings = ChatSettings.Resolve(resolver);
            if (settings.Warning != null) WriteWarning(settings.Warning);
            ApiKey? key = null;
            if (settings.Provider.Value == OpenRouterChatProvider.ProviderName)
            {
                if (apiKey != null && SecureStringTransformationAttribute.WasPlainText(apiKey)) WriteWarning(Messages.PlainTextApiKeyWarning);
                key = ApiKeys.Resolve(apiKey, ApiKeys.OpenRouterVariable, resolver, (vault, name) => SecretVault.Read(this, vault, name));
                if (key is null && requireKey && settings.RequiresApiKey) throw ApiKeys.Missing();
            }
            return (settings, key, resolver);
        }

        /// <summary>An ErrorRecord for an Ally failure: stable id, category, remedy as the recommended action.</summary>
        protected static ErrorRecord ToErrorRecord(AllyException exception, object? target)
        {
            var record = new ErrorRecord(exception, exception.ErrorId, ToCategory(exception.Category), target);
            // Shown as the message plus a separate "Recommendation:" line; the exception's Message keeps both for logs.
            if (exception.Remedy != null) record.ErrorDetails = new ErrorDetails(exception.Problem) { RecommendedAction = exception.Remedy };
            return record;
        }

        /// <summary>Stops the command with an Ally failure (nothing else can go on).</summary>
        protected void ThrowAllyError(AllyException exception, object? target = null) => ThrowTerminatingError(ToErrorRecord(exception, target));

        private static ErrorCategory ToCategory(AllyErrorCategory category) => category switch
        {
            AllyErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
            AllyErrorCategory.ConnectionError => ErrorCategory.ConnectionError,
            AllyErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
            AllyErrorCategory.OperationTimeout => ErrorCategory.OperationTimeout,
            AllyErrorCategory.ResourceBusy => ErrorCategory.ResourceBusy,
            AllyErrorCategory.AuthenticationError => ErrorCategory.AuthenticationError,
            AllyErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
            AllyErrorCategory.InvalidData => ErrorCategory.InvalidData,
            AllyErrorCategory.QuotaExceeded => ErrorCategory.QuotaExceeded,
            _ => ErrorCategory.InvalidResult,
        };
    }
}
