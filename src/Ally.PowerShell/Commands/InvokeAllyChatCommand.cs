using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Ally.Configuration;
using Ally.PowerShell.Completers;
using Ally.Http;
using Ally.Providers;
using Ally.Providers.OpenRouter;
using System.Globalization;
using System.Security;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sends one chat turn to a model and returns its answer.</para>
    /// Piped input is gathered into one request by default; -ForEach sends one request per object.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "AllyChat", DefaultParameterSetName = PromptSet)]
    [OutputType(typeof(ChatResponse))]
    public sealed class InvokeAllyChatCommand : AllyCmdlet
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

        /// <summary>The provider: ollama. Default: ALLY_PROVIDER, else ollama.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ProviderCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Provider { get; set; }

        /// <summary>The model. Default: ALLY_MODEL, else llama3.1.</summary>
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

        /// <summary>The API key for OpenRouter (a SecureString; plain text is accepted with a warning). Default: OPENROUTER_API_KEY, then the vault in ALLY_SECRET_VAULT.</summary>
        [Parameter]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString? ApiKey { get; set; }

        /// <summary>Retries of a transient failure (rate limit, busy server, dropped connection). Default: ALLY_MAX_RETRY, else 3.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetry { get; set; }

        /// <summary>With -ForEach, stop starting requests once their reported cost reaches this many USD. Default: ALLY_MAX_COST.</summary>
        [Parameter]
        [ValidateRange(0.000001, 1000000.0)]
        public double MaxCost { get; set; }

        /// <summary>Write the answer to the host as it arrives.</summary>
        [Parameter]
        public SwitchParameter Stream { get; set; }

        /// <summary>With -Stream, also return the response object.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private IChatProvider? _provider;
        private ChatSettings? _settings;
        private RetryPolicy? _retryPolicy;
        private CostBudget? _budget;
        private readonly List<PSObject> _gathered = new List<PSObject>();
        private readonly Queue<ChatJob> _jobs = new Queue<ChatJob>();
        private SemaphoreSlim? _throttle;
        private bool _atLineStart = true;
        private bool _inThinking;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            var parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                [SettingsResolver.Provider.Name] = Provider,
                [SettingsResolver.Model.Name] = Model,
            };
            if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxRetry))) parameters[SettingsResolver.MaxRetry.Name] = MaxRetry.ToString(CultureInfo.InvariantCulture);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxCost))) parameters[SettingsResolver.MaxCost.Name] = ((decimal)MaxCost).ToString(CultureInfo.InvariantCulture);
            try
            {
                (ChatSettings settings, ApiKey? key, _) = ResolveChatSettings(parameters, ApiKey, requireKey: true);
                _settings = settings;
                _provider = ChatProviders.Create(_settings, key);
                _provider.Validate(CreateRequest(string.Empty));
                WriteVerbose($"Provider {_settings.Provider.Value} (from {_settings.Provider.Origin}), model {_settings.Model.Value} (from {_settings.Model.Origin}), " +
                    (_settings.Provider.Value == OpenRouterChatProvider.ProviderName
                        ? $"API at {_settings.OpenRouterBaseUrl}, key {(key is null ? "none" : "from " + key.Source)}."
                        : $"Ollama at {_settings.OllamaHost}."));
            }
            catch (AllyException ex)
            {
                ThrowAllyError(ex);
            }
            _retryPolicy = new RetryPolicy(_settings!.MaxRetry);
            if (ForEach && _settings.MaxCost is decimal limit) _budget = new CostBudget(limit);
            _throttle = new SemaphoreSlim(ForEach ? ThrottleLimit : 1);
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (InputObject is null || InputObject.BaseObject is null) return;
            if (!ForEach)
            {
                _gathered.Add(InputObject);
                return;
            }

            string message = PromptBuilder.Build(Prompt, RenderInput(new[] { InputObject }));
            if (message.Length == 0) return;
            _jobs.Enqueue(Start(message, InputObject));
            // Keep output flowing in input order while later items are still running.
            while (_jobs.Count > 0 && _jobs.Peek().Task.IsCompleted) Finish(_jobs.Dequeue());
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (!ForEach || (_jobs.Count == 0 && _gathered.Count == 0))
            {
                string message = PromptBuilder.Build(Prompt, RenderInput(_gathered));
                if (message.Length == 0 && !ForEach)
                {
                    ThrowAllyError(new AllyException("PromptRequired", AllyErrorCategory.InvalidArgument, Messages.PromptRequired, Messages.PromptRequiredRemedy));
                }
                if (message.Length > 0) _jobs.Enqueue(Start(message, null));
            }
            while (_jobs.Count > 0) Finish(_jobs.Dequeue());
        }

        private ChatRequest CreateRequest(string message)
        {
            var messages = new List<ChatMessage>(2);
            if (!string.IsNullOrEmpty(System)) messages.Add(new ChatMessage(ChatMessage.Roles.System, System!));
            messages.Add(new ChatMessage(ChatMessage.Roles.User, message));
            var request = new ChatRequest(_settings!.Model.Value!, messages);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxTokens))) request.MaxTokens = MaxTokens;
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Temperature))) request.Temperature = Temperature;
            if (TimeoutSec > 0) request.Timeout = TimeSpan.FromSeconds(TimeoutSec);
            if (Options != null)
            {
                var options = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry entry in Options) options[entry.Key.ToString() ?? string.Empty] = Unwrap(entry.Value);
                request.Options = options;
            }
            return request;
        }

        private static object? Unwrap(object? value)
        {
            if (value is PSObject ps) value = ps.BaseObject;
            if (value is IDictionary dictionary)
            {
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
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

        /// <summary>A request running on a worker; its streamed pieces wait in a queue for the pipeline thread.</summary>
        private sealed class ChatJob
        {
            public ChatJob(object? target) => Target = target;

            public object? Target { get; }
            /// <summary>Streamed pieces (<see cref="ChatUpdate"/>) and retry notices (<see cref="RetryNotice"/>), in order.</summary>
            public BlockingCollection<object> Updates { get; } = new BlockingCollection<object>();
            public Task<ChatResponse> Task { get; set; } = null!;
        }

        private ChatJob Start(string message, object? target)
        {
            ChatRequest request = CreateRequest(message);
            var job = new ChatJob(target);
            IChatProvider provider = _provider!;
            SemaphoreSlim throttle = _throttle!;
            CancellationToken token = CancellationToken;
            BlockingCollection<object> queue = job.Updates;
            Action<ChatUpdate>? onUpdate = Stream ? update => queue.Add(update) : null;
            var run = new RunContext(provider, request, onUpdate, notice => queue.Add(notice), queue, _retryPolicy!, _budget, token);
            WriteVerbose($"Sending {message.Length} characters to {provider.Name} model {request.Model}.");
            // Queue for a slot here, on the pipeline thread: SemaphoreSlim serves waiters in order, so
            // requests start in input order whatever the thread pool does.
            Task slot = throttle.WaitAsync(token);
            job.Task = RunAsync(slot, throttle, run);
            // Close the queue only once the task has finished, so the pipeline thread wakes once, to a finished task.
            job.Task.ContinueWith((_, q) => ((BlockingCollection<object>)q!).CompleteAdding(), queue, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return job;
        }

        /// <summary>Everything a worker needs for one request, captured on the pipeline thread.</summary>
        private sealed class RunContext
        {
            public RunContext(IChatProvider provider, ChatRequest request, Action<ChatUpdate>? onUpdate, Action<RetryNotice> onRetry,
                BlockingCollection<object> queue, RetryPolicy retryPolicy, CostBudget? budget, CancellationToken token)
            {
                Provider = provider;
                Request = request;
                OnUpdate = onUpdate;
                OnRetry = onRetry;
                Queue = queue;
                RetryPolicy = retryPolicy;
                Budget = budget;
                Token = token;
            }

            public IChatProvider Provider { get; }
            public ChatRequest Request { get; }
            public Action<ChatUpdate>? OnUpdate { get; }
            public Action<RetryNotice> OnRetry { get; }
            public BlockingCollection<object> Queue { get; }
            public RetryPolicy RetryPolicy { get; }
            public CostBudget? Budget { get; }
            public CancellationToken Token { get; }
        }

        private static async Task<ChatResponse> RunAsync(Task slot, SemaphoreSlim throttle, RunContext run)
        {
            await slot.ConfigureAwait(false);
            try
            {
                run.Budget?.EnsureAvailable();
                ChatResponse response = await ChatService.CompleteAsync(run.Provider, run.Request, run.OnUpdate, run.Token, run.RetryPolicy, run.OnRetry)
                    .ConfigureAwait(false);
                run.Budget?.Add(response.Cost);
                return response;
            }
            finally
            {
                throttle.Release();
            }
        }

        /// <summary>On the pipeline thread: writes a job's streamed text, then its response or error.</summary>
        private void Finish(ChatJob job)
        {
            try
            {
                foreach (object item in job.Updates.GetConsumingEnumerable(CancellationToken))
                {
                    if (item is ChatUpdate update) WriteUpdate(update);
                    else WriteWarning(item.ToString());
                }
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                EndStreamedText();
            }

            ChatResponse response;
            try
            {
                response = Await(job.Task);
            }
            catch (AllyException ex) when (ex.ErrorId == "CostLimitReached")
            {
                // The run's budget is spent: stop it, not just this item.
                ThrowAllyError(ex, job.Target);
                return;
            }
            catch (AllyException ex)
            {
                WriteError(ToErrorRecord(ex, (object?)ex.PartialResponse ?? job.Target));
                return;
            }
            WriteVerbose($"{response.Model}: {response.PromptTokens} prompt tokens, {response.CompletionTokens} completion tokens, finish reason {response.FinishReason}.");
            if (!Stream || PassThru) WriteObject(response);
        }

        private static readonly string[] ContentTags = { "PSHOST", "Ally.Content" };
        private static readonly string[] ThinkingTags = { "PSHOST", "Ally.Thinking" };

        private void WriteUpdate(ChatUpdate update)
        {
            bool thinking = update.Kind == ChatUpdateKind.Thinking;
            if (_inThinking && !thinking)
            {
                // Set the reasoning apart from the answer.
                WriteHost("\n\n", ThinkingTags, thinking: true);
            }
            _inThinking = thinking;
            WriteHost(update.Text, thinking ? ThinkingTags : ContentTags, thinking);
        }

        private void EndStreamedText()
        {
            if (!_atLineStart) WriteHost("\n", ContentTags, thinking: false);
            _inThinking = false;
        }

        private void WriteHost(string text, string[] tags, bool thinking)
        {
            var message = new HostInformationMessage { Message = text, NoNewLine = true };
            if (thinking) message.ForegroundColor = ConsoleColor.DarkGray;
            WriteInformation(message, tags);
            _atLineStart = text.EndsWith("\n", StringComparison.Ordinal);
        }

        /// <summary>
        /// Piped objects as text: strings stay as they are (lines from Get-Content keep their file
        /// path); each run of other objects is rendered once with Out-String, as the console shows them.
        /// </summary>
        private List<InputItem> RenderInput(IReadOnlyList<PSObject> input)
        {
            var items = new List<InputItem>(input.Count);
            var pending = new List<object>();
            foreach (PSObject item in input)
            {
                if (item.BaseObject is string text)
                {
                    FlushRendered(pending, items);
                    items.Add(new InputItem(text, SourceOf(item)));
                }
                else
                {
                    pending.Add(item);
                }
            }
            FlushRendered(pending, items);
            return items;
        }

        private void FlushRendered(List<object> pending, List<InputItem> items)
        {
            if (pending.Count == 0) return;
            Collection<PSObject> rendered = InvokeCommand.InvokeScript(false, ScriptBlock.Create("$input | Out-String -Width 4096"), pending);
            foreach (PSObject text in rendered)
            {
                string value = text?.ToString()?.Trim('\r', '\n') ?? string.Empty;
                if (value.Length > 0) items.Add(new InputItem(value));
            }
            pending.Clear();
        }

        /// <summary>The file a Get-Content line came from, relative to the current folder when inside it.</summary>
        private string? SourceOf(PSObject item)
        {
            if (!(item.Properties["PSPath"]?.Value is string psPath) || psPath.Length == 0) return null;
            string path;
            try
            {
                path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(psPath);
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is PSArgumentException)
            {
                return psPath;
            }
            string current = SessionState.Path.CurrentFileSystemLocation.ProviderPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                + Path.DirectorySeparatorChar;
            return path.StartsWith(current, StringComparison.Ordinal) ? path.Substring(current.Length) : path;
        }
    }
}
