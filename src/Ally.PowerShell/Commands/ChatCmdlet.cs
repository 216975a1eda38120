using System;
using System.Collections;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Http;
using Ally.PowerShell.Async;
using Ally.PowerShell.Completers;
using Ally.PowerShell.Tools;
using Ally.Providers;
using Ally.Tools;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// What the chat cmdlets (Invoke-AllyChat, Enter-AllyChat) share: the parameters of a chat turn —
    /// provider, model, request settings, key, proxy, tools — and how a conversation goes on with the
    /// provider and model it was held with.
    /// </summary>
    public abstract class ChatCmdlet : AllyCmdlet
    {
        /// <summary>The provider: ollama, openrouter or openai. Default: ALLY_PROVIDER, else ollama.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ProviderCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Provider { get; set; }

        /// <summary>The model. Default: ALLY_MODEL, else the provider's default (llama3.1 for Ollama).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string? Model { get; set; }

        /// <summary>A system prompt: instructions for the model.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? System { get; set; }

        /// <summary>Most tokens to generate.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxTokens { get; set; }

        /// <summary>Sampling temperature, 0 to 2.</summary>
        [Parameter]
        [ValidateRange(0.0, 2.0)]
        public double Temperature { get; set; }

        /// <summary>Provider options; for Ollama the keys of its options object (num_ctx, num_thread, num_gpu, …).</summary>
        [Parameter]
        [ValidateNotNull]
        public Hashtable? Options { get; set; }

        /// <summary>Whole-request time limit in seconds; 0 means no limit.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int TimeoutSec { get; set; }

        /// <summary>The API key for OpenRouter or OpenAI (a SecureString; plain text is accepted with a warning). Default: the provider's variable, then the vault in ALLY_SECRET_VAULT.</summary>
        [Parameter]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString? ApiKey { get; set; }

        /// <summary>Retries of a transient failure (rate limit, busy server, dropped connection). Default: ALLY_MAX_RETRY, else 3.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetry { get; set; }

        /// <summary>Fail (ContextLengthExceeded) when the conversation does not fit the model's context window, instead of leaving out its oldest turns.</summary>
        [Parameter]
        public SwitchParameter NoTruncate { get; set; }

        /// <summary>
        /// PowerShell commands the model may call (names, or what Get-Command returns). Commands that
        /// change things (they support -WhatIf) ask first, unless -Force.
        /// </summary>
        [Parameter]
        [ToolTransformation]
        [ValidateNotNullOrEmpty]
        public CommandInfo[]? Tool { get; set; }

        /// <summary>Most tool calls for one question (default 10); then the model is told to answer with what it has.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int MaxToolCalls { get; set; } = ChatTurn.DefaultMaxToolCalls;

        /// <summary>Run tools that change things without asking (and in sessions that cannot ask).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The proxy for this command's requests: http://host:port (user:password@ allowed, never shown), or 'none' for direct connections. Default: ALLY_PROXY, else the system's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Proxy { get; set; }

        /// <summary>
        /// How one turn runs on a pump job: fitted to the model's window (-NoTruncate), retried, its warnings
        /// and verbose lines written by the cmdlet, and the model's calls of <paramref name="tools"/> run
        /// through <paramref name="onPipelineThread"/> (-Force, -MaxToolCalls), each shown with
        /// <paramref name="showToolCall"/> when given.
        /// </summary>
        private protected ChatTurnOptions TurnOptions(CmdletJob job, ProviderContext context, RetryPolicy retryPolicy, CommandTools? tools,
            Action<ChatUpdate>? onUpdate, Func<Func<ToolCallResult>, Task<ToolCallResult>> onPipelineThread, Action<ToolCallResult>? showToolCall)
        {
            bool noTruncate = NoTruncate;
            IToolRunner? runner = tools?.RunnerFor(this, Force, onPipelineThread);
            return new ChatTurnOptions
            {
                OnUpdate = onUpdate,
                Fit = (request, cancellationToken) => ContextWindow.FitAsync(context, request, noTruncate, job.WriteWarning, cancellationToken),
                RetryPolicy = retryPolicy,
                OnWarning = job.WriteWarning,
                OnVerbose = job.WriteVerbose,
                Tools = runner is null || showToolCall is null ? runner : new ShownToolRunner(runner, job, showToolCall),
                MaxToolCalls = MaxToolCalls,
            };
        }

        /// <summary>True when -Provider or -Model was given: they win over a conversation's own.</summary>
        private protected bool ChoseModel() => MyInvocation.BoundParameters.ContainsKey(nameof(Provider)) || MyInvocation.BoundParameters.ContainsKey(nameof(Model));

        /// <summary>The settings to go on with a conversation: its own provider and model over the command's.</summary>
        private protected SettingsResolver HeldWith(Conversation conversation)
        {
            var origin = new SettingOrigin(SettingSource.Parameter, Messages.ChatFromConversation);
            return SettingsWith(new ChosenSource().Set(nameof(Provider), conversation.Provider!, origin).Set(nameof(Model), conversation.Model!, origin));
        }
    }
}
