using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.Http;
using Ally.PowerShell.Async;
using Ally.PowerShell.Completers;
using Ally.PowerShell.Input;
using Ally.PowerShell.Tools;
using Ally.Providers;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sends one chat turn to a model and returns its answer.</para>
    /// Piped input is gathered into one request by default; -ForEach sends one request per object.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "AllyChat", DefaultParameterSetName = PromptSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(ChatResponse))]
    public sealed class InvokeAllyChatCommand : ChatCmdlet
    {
        private const string PromptSet = "Prompt";
        private const string ForEachSet = "ForEach";

        /// <summary>The instruction or question. May be omitted when input is piped.</summary>
        [Parameter(Position = 0)]
        [AllowEmptyString]
        [AllowNull]
        public string? Prompt { get; set; }

        /// <summary>Piped input: gathered into the request as context (or one request each with -ForEach).</summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowNull]
        [AllowEmptyString]
        public PSObject? InputObject { get; set; }

        /// <summary>Send one request per piped object instead of one for all.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ForEachSet)]
        public SwitchParameter ForEach { get; set; }

        /// <summary>With -ForEach, how many requests run at once.</summary>
        [Parameter(ParameterSetName = ForEachSet)]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>With -ForEach, stop starting requests once their reported cost reaches this many USD. Default: ALLY_MAX_COST.</summary>
        [Parameter]
        [ValidateRange(0.000001, 1000000.0)]
        public double MaxCost { get; set; }

        /// <summary>
        /// The conversation to continue: what Invoke-AllyChat returned, a Conversation
        /// (Import-AllyConversation), or either after Import-Clixml, a job or ConvertFrom-Json. Piping a
        /// response or conversation does the same.
        /// </summary>
        [Parameter]
        [ConversationTransformation]
        public Conversation? Conversation { get; set; }

        /// <summary>
        /// The shape the answer must have: a JSON Schema as a hashtable (or PSCustomObject) or as JSON
        /// text. Ally asks for it (Ollama format, response_format), checks the answer itself, and asks
        /// again when it does not match.
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public object? Schema { get; set; }

        /// <summary>Text (the default), or Json: the answer must be JSON (checked; asked again when it is not).</summary>
        [Parameter]
        [ValidateSet("Text", "Json", IgnoreCase = true)]
        public string Format { get; set; } = "Text";

        /// <summary>Return the answer's JSON as objects (as ConvertFrom-Json would) instead of the response. Implies -Format Json.</summary>
        [Parameter]
        public SwitchParameter AsObject { get; set; }

        /// <summary>Write the answer to the host as it arrives.</summary>
        [Parameter]
        public SwitchParameter Stream { get; set; }

        /// <summary>With -Stream, also return the response object.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private ChatSettings? _settings;
        private IChatProvider? _provider;
        private RetryPolicy? _retryPolicy;
        private CostBudget? _budget;
        private CmdletPump? _pump;
        private StreamWriter? _streamWriter;
        private Action<ChatUpdateBatch>? _drainStream;
        private PipelineInputRenderer? _renderer;
        private CommandTools? _tools;
        private Structured.StructuredAnswer? _structured;
        private readonly List<PSObject> _gathered = new List<PSObject>();
        private Conversation? _piped;
        private readonly Dictionary<string, (ChatSettings Settings, IChatProvider Chat)> _continued = new Dictionary<string, (ChatSettings, IChatProvider)>(StringComparer.Ordinal);

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            try
            {
                (_settings, _provider) = OpenChat(Settings);
                if (Tool != null) _tools = CommandTools.Create(this, Tool);
                _structured = StructuredFormat.From(this, Schema, Format, AsObject);
            }
            catch (AllyException ex)
            {
                ThrowAllyError(ex);
            }
            if (MyInvocation.BoundParameters.ContainsKey("Verbose"))
            {
                ProviderContext context = _settings!.Context;
                WriteVerbose($"Provider {_settings.Provider.Name} (from {_settings.ProviderSetting.Origin.Describe()}), model {_settings.Model} " +
                    $"(from {_settings.ModelOrigin.Describe()}), {Messages.WithAddress(context.ServerName, context.Endpoint.BaseAddress)}" +
                    (context.Provider.KeySetting is null ? "." : $", key {(context.Key is null ? "none" : "from " + context.Key.Source)}."));
            }
            _retryPolicy = _settings!.RetryPolicy;
            if (ForEach && _settings.MaxCost is decimal limit) _budget = new CostBudget(limit);
            _pump = new CmdletPump(this, CancellationToken, ForEach ? ThrottleLimit : 1);
            _renderer = new PipelineInputRenderer(this);
            _streamWriter = Stream ? new StreamWriter(this) : null;
            if (_streamWriter != null)
            {
                Action<ChatUpdate> write = _streamWriter.Write;
                _drainStream = batch => batch.Drain(write);
            }
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (InputObject is null || InputObject.BaseObject is null) return;
            // A piped response or conversation is continued, never rendered as context.
            Conversation? piped = ConversationReader.IsConversation(InputObject) ? ReadConversation(InputObject) : null;
            if (!ForEach)
            {
                if (piped is null) _gathered.Add(InputObject);
                else if (_piped is null) _piped = piped;
                else ThrowAllyError(new AllyException(ErrorIds.InvalidConversation, Messages.OneConversationAtATime, Messages.OneConversationRemedy), InputObject);
                return;
            }

            string message = PromptBuilder.Build(Prompt, piped is null ? _renderer!.Render(new[] { InputObject }) : new List<InputItem>());
            if (message.Length == 0) return;
            Start(message, InputObject, piped ?? Conversation);
            // Keep output flowing in input order while later items are still running.
            _pump!.Flush();
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (!ForEach || (_pump!.Pending == 0 && _gathered.Count == 0))
            {
                string message = PromptBuilder.Build(Prompt, _renderer!.Render(_gathered));
                if (message.Length == 0 && !ForEach)
                {
                    ThrowAllyError(new AllyException(ErrorIds.PromptRequired, Messages.PromptRequired, Messages.PromptRequiredRemedy));
                }
                if (message.Length > 0) Start(message, null, _piped ?? Conversation);
            }
            _pump!.WaitAll();
        }

        private protected override void DisposeCore() => _pump?.Dispose();

        private Conversation ReadConversation(PSObject item)
        {
            try
            {
                return ConversationReader.Read(item);
            }
            catch (AllyException ex)
            {
                ThrowAllyError(ex, item);
                throw; // not reached
            }
        }

        private void Start(string message, object? target, Conversation? conversation)
        {
            var messages = new List<ChatMessage>((conversation?.Messages.Count ?? 0) + 2);
            // -System replaces the conversation's system prompt; otherwise the conversation keeps its own.
            string? system = !string.IsNullOrEmpty(System) ? System : conversation?.SystemPrompt;
            if (!string.IsNullOrEmpty(system)) messages.Add(new ChatMessage(ChatMessage.Roles.System, system!));
            if (conversation != null)
            {
                foreach (ChatMessage earlier in conversation.Messages)
                {
                    if (earlier.Role != ChatMessage.Roles.System) messages.Add(earlier);
                }
            }
            messages.Add(new ChatMessage(ChatMessage.Roles.User, message));
            (ChatSettings settings, IChatProvider provider) = ChatFor(conversation, target);
            ChatRequest request = settings.CreateRequest(messages);
            request.Tools = _tools?.Definitions;
            if (MyInvocation.BoundParameters.ContainsKey("Verbose"))
            {
                if (conversation != null) WriteVerbose(Messages.ContinuingConversation(conversation.Messages.Count, conversation.Provider, conversation.Model));
                WriteVerbose($"Sending {message.Length} characters to {provider.Name} model {request.Model}.");
            }

            RetryPolicy retryPolicy = _retryPolicy!;
            ProviderContext context = settings.Context;
            CostBudget? budget = _budget;
            Action<ChatUpdateBatch>? drain = _drainStream;
            CommandTools? tools = _tools;
            StreamWriter? writer = _streamWriter;
            Structured.StructuredAnswer? structured = _structured;
            _pump!.Start(
                async job =>
                {
                    budget?.EnsureAvailable();
                    // Pieces that arrive while the host is still writing earlier ones go out together.
                    var batch = drain is null ? null : new ChatUpdateBatch();
                    // Each tool call runs on the pipeline thread, where commands, prompts and -WhatIf work.
                    ChatTurnOptions options = TurnOptions(job, context, retryPolicy, tools, batch is null ? null : update =>
                    {
                        if (batch.Add(update)) job.Post(batch, drain!);
                    }, run => job.InvokeAsync(run), writer is null ? null : writer.WriteToolCall);
                    options.Structured = structured;
                    ChatResponse response = await ChatTurn.RunAsync(provider, request, options, job.CancellationToken).ConfigureAwait(false);
                    budget?.Add(response.Cost);
                    return response;
                },
                response => Finish(response),
                failure => Fail(failure, target));
        }

        /// <summary>
        /// The settings and chat client for a turn: the command's, or — for a conversation held with a
        /// provider and model, when neither -Provider nor -Model is given — that provider and model, so
        /// a conversation goes on where it was held (over ALLY_MODEL and ally.toml).
        /// </summary>
        private (ChatSettings, IChatProvider) ChatFor(Conversation? conversation, object? target)
        {
            if (conversation?.Provider is null || conversation.Model is null || ChoseModel()) return (_settings!, _provider!);
            string key = conversation.Provider + "\n" + conversation.Model;
            if (_continued.TryGetValue(key, out var known)) return known;
            try
            {
                return _continued[key] = OpenChat(HeldWith(conversation));
            }
            catch (AllyException ex)
            {
                ThrowAllyError(ex, target);
                throw; // not reached
            }
        }

        /// <summary>On the pipeline thread: a finished answer.</summary>
        private void Finish(ChatResponse response)
        {
            _streamWriter?.EndAnswer();
            if (MyInvocation.BoundParameters.ContainsKey("Verbose"))
                WriteVerbose($"{response.Model}: {response.PromptTokens} prompt tokens, {response.CompletionTokens} completion tokens, finish reason {response.FinishReason}.");
            if (AsObject) WriteObject(StructuredFormat.ToObject(response.Json!), enumerateCollection: true);
            else if (!Stream || PassThru) WriteObject(response);
        }

        /// <summary>On the pipeline thread: a failed request — one error for this item, the rest go on (a spent budget stops the run).</summary>
        private void Fail(Exception failure, object? target)
        {
            _streamWriter?.EndAnswer();
            switch (failure)
            {
                case AllyException ex when ex.Id == ErrorIds.CostLimitReached:
                    ThrowAllyError(ex, target);
                    break;
                case AllyException ex:
                    WriteError(ToErrorRecord(ex, (object?)ex.PartialResponse ?? target));
                    break;
                case OperationCanceledException when CancellationToken.IsCancellationRequested:
                    throw new PipelineStoppedException();
                default:
                    throw failure;
            }
        }
    }
}
