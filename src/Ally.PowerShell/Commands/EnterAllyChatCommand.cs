using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using Ally.Async;
using Ally.Configuration;
using Ally.Interactive;
using Ally.PowerShell.Async;
using Ally.PowerShell.Completers;
using Ally.PowerShell.Input;
using Ally.PowerShell.Interactive;
using Ally.PowerShell.Tools;
using Ally.Providers;
using Ally.Tools;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Chats with a model in the console: answers stream as they are written, the conversation is kept, slash commands change the model, provider, system prompt and more.</para>
    /// Returns the conversation when the chat ends (/exit, Ctrl+D); it is also kept in $AllyConversation as it goes.
    /// </summary>
    [Cmdlet(VerbsCommon.Enter, "AllyChat", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(Conversation))]
    public sealed class EnterAllyChatCommand : ChatCmdlet
    {
        /// <summary>The variable, in the caller's scope, that holds the conversation as it goes.</summary>
        internal const string ConversationVariable = "AllyConversation";

        private static readonly string[] NoticeTags = { "PSHOST", "Ally.Chat" };
        private static readonly char[] NameSeparators = { ',', ' ', '\t', '\n' };
        private static readonly TimeSpan InterruptGrace = TimeSpan.FromMilliseconds(600);

        /// <summary>The conversation to go on with: what Invoke-AllyChat returned, a Conversation (Enter-AllyChat, Import-AllyConversation), or either after Import-Clixml or ConvertFrom-Json. May be piped.</summary>
        [Parameter(ValueFromPipeline = true)]
        [ConversationTransformation]
        public Conversation? Conversation { get; set; }

        private Conversation? _piped;
        private AnswerShown? _shown;
        private ChatSettings? _settings;
        private IChatProvider? _chat;
        private string? _system;
        private readonly List<ChatMessage> _messages = new List<ChatMessage>();
        private readonly List<CommandInfo> _toolCommands = new List<CommandInfo>();
        private CommandTools? _tools;
        private CmdletPump? _pump;
        private StreamWriter? _writer;
        private DateTime _interruptGraceEnd;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            // Before anything else: a script must not sit waiting for a prompt nobody will answer.
            if (Interactivity.WhyNotInteractive(this) is string why)
                ThrowAllyError(new AllyException(ErrorIds.InteractiveConsoleRequired, Messages.InteractiveConsoleRequired(why), Messages.InteractiveConsoleRequiredRemedy));
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (Conversation is null) return;
            if (_piped != null && !ReferenceEquals(_piped, Conversation))
                ThrowAllyError(new AllyException(ErrorIds.InvalidConversation, Messages.OneConversationAtATime, Messages.OneChatRemedy), Conversation);
            _piped = Conversation;
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            Start(_piped);
            try
            {
                Chat();
                WriteObject(Current());
            }
            catch (RuntimeException)
            {
                // The command was stopped (Ctrl+C at a Windows prompt or at a tool's confirmation prompt,
                // Ctrl+Break, -ErrorAction Stop): nothing can be returned, so say where the conversation is.
                Host.UI.WriteLine(Messages.ChatKeptIn(ConversationVariable));
                throw;
            }
        }

        private protected override void DisposeCore() => _pump?.Dispose();

        /// <summary>Resolves the settings (a conversation goes on with its provider and model, as Invoke-AllyChat does) and greets.</summary>
        private void Start(Conversation? resumed)
        {
            if (Tool != null) OrStop(() => OfferTools(Tool));
            if (resumed != null) Take(resumed);
            if (resumed?.Provider is null || resumed.Model is null || ChoseModel())
                (_settings, _chat) = OrStop(() => OpenChat(Settings));
            else
                (_settings, _chat) = OrStop(() => OpenChat(HeldWith(resumed)));
            if (!string.IsNullOrEmpty(System)) _system = System;
            _pump = new CmdletPump(this, CancellationToken, 1);
            _writer = new StreamWriter(this);
            Keep();
            Notice(Messages.ChatWelcome(_settings.Provider.Name, _settings.Model));
            if (_messages.Count > 0) Notice(Messages.ChatResumed(Turns()));
        }

        /// <summary>The loop: reads entries until /exit, end of input or Ctrl+C at the prompt.</summary>
        private void Chat()
        {
            var input = new ChatInputAssembler();
            while (true)
            {
                if (CancellationToken.IsCancellationRequested) throw new PipelineStoppedException();
                string prompt = input.IsPending ? Messages.ChatContinuationPrompt : Messages.ChatPrompt(_settings!.Provider.Name, _settings.Model);
                Host.UI.Write(ConsoleColor.Green, Host.UI.RawUI.BackgroundColor, prompt);
                LineEnd end = PromptReader.ReadLine(Host.UI, out string line);
                if (end == LineEnd.Interrupt)
                {
                    // A second Ctrl+C pressed to stop an answer lands here: it stopped the answer, it does not end the chat.
                    if (PromptReader.OwnsControlC && DateTime.UtcNow < _interruptGraceEnd) continue;
                    return;
                }
                if (end == LineEnd.EndOfInput) return;
                ChatInput? entry = input.Add(line);
                if (entry is null) continue;
                if (entry.Kind == ChatInputKind.Message) Turn(entry.Text);
                else if (!Run(entry.Command!, entry.Text)) return;
            }
        }

        /// <summary>Asks the model, streams the answer and keeps the turn: a whole answer (with its tool calls), or the part shown before Ctrl+C.</summary>
        private void Turn(string text)
        {
            var question = new ChatMessage(ChatMessage.Roles.User, text);
            var messages = new List<ChatMessage>(_messages.Count + 2);
            if (_system != null) messages.Add(new ChatMessage(ChatMessage.Roles.System, _system));
            messages.AddRange(_messages);
            messages.Add(question);
            ChatRequest request = _settings!.CreateRequest(messages);
            request.Tools = _tools?.Definitions;

            // What the user saw, which is what a stopped answer keeps (since the last tool call).
            var shown = _shown = new AnswerShown();
            StreamWriter writer = _writer!;
            Action<ChatUpdate> write = update =>
            {
                shown.Add(update);
                writer.Write(update);
            };
            Action<ChatUpdateBatch> drain = batch => batch.Drain(write);
            ConsoleInterrupt? interrupt = null;
            var turn = new TurnInput(_settings, _chat!, request, _tools);
            ChatResponse? answer = null;
            Exception? failure = null;
            PumpJob job = _pump!.Start(
                worker =>
                {
                    // Pieces that arrive while the host is still writing earlier ones go out together.
                    var batch = new ChatUpdateBatch();
                    return SendTurnAsync(turn, worker, update =>
                    {
                        if (batch.Add(update)) worker.Post(batch, drain);
                    }, run => worker.InvokeAsync(() =>
                    {
                        // A tool may prompt (ShouldProcess, Read-Host): the keys are its own meanwhile.
                        using (interrupt?.Pause()) return run();
                    }));
                },
                response => answer = response,
                error => failure = error);
            bool stopped;
            using (interrupt = ConsoleInterrupt.Watch(job.Cancel))
            {
                try
                {
                    _pump.WaitAll();
                }
                finally
                {
                    writer.EndAnswer();
                }
                stopped = interrupt.Pressed;
            }

            Settle(question, answer, failure, shown, stopped);
            // A blank line between one turn and the next prompt.
            Notice("\n", newLine: false);
        }

        /// <summary>
        /// Keeps what a turn gave: a whole answer; or, when Ctrl+C stopped it, the part <paramref name="shown"/>,
        /// if any. A failure is written as the error Invoke-AllyChat writes, and the turn is not kept: an
        /// answer cut short by an error is not one to build on, and asked again it comes whole.
        /// </summary>
        private void Settle(ChatMessage question, ChatResponse? answer, Exception? failure, AnswerShown shown, bool stopped)
        {
            if (answer != null)
            {
                // The question's exchange: the tool calls and their results, if any, then the answer.
                int asked = LastQuestion(answer.Messages);
                Keep(new[] { question }.Concat(answer.Messages.Skip(asked + 1)).ToArray());
                return;
            }
            switch (failure)
            {
                case OperationCanceledException when CancellationToken.IsCancellationRequested:
                    throw new PipelineStoppedException();
                case ChatTurnStoppedException afterTools when stopped:
                    // Tools had run: the calls and their results stay, and the model hears of them next time;
                    // then, when it stopped while the model answered after them, the part of that answer shown.
                    _interruptGraceEnd = DateTime.UtcNow + InterruptGrace;
                    var kept = new List<ChatMessage> { question };
                    kept.AddRange(afterTools.Messages.Skip(LastQuestion(afterTools.Messages) + 1));
                    if (!afterTools.DuringTools && shown.Content.Length > 0)
                        kept.Add(new ChatMessage(ChatMessage.Roles.Assistant, shown.Content.ToString(), shown.Thinking.ToString()));
                    Keep(kept.ToArray());
                    Notice(Messages.ChatStopped);
                    return;
                case OperationCanceledException when stopped:
                    _interruptGraceEnd = DateTime.UtcNow + InterruptGrace;
                    if (shown.Content.Length == 0)
                    {
                        Notice(Messages.ChatStoppedBeforeAnswer);
                        return;
                    }
                    Keep(question, new ChatMessage(ChatMessage.Roles.Assistant, shown.Content.ToString(), shown.Thinking.ToString()));
                    Notice(Messages.ChatStopped);
                    return;
                case AllyException ex:
                    WriteError(ToErrorRecord(ex, (object?)ex.PartialResponse));
                    Notice(Messages.ChatTurnNotKept);
                    return;
                default:
                    global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure!).Throw();
                    return;
            }
        }

        /// <summary>
        /// Sends one turn, on a worker: the request fitted to the model's context window and sent with
        /// retries, the model's tool calls run (each on the pipeline thread, through
        /// <paramref name="onPipelineThread"/>) until it answers, and the pieces handed to
        /// <paramref name="onUpdate"/> as they arrive — the path an Invoke-AllyChat request takes.
        /// </summary>
        private Task<ChatResponse> SendTurnAsync(TurnInput turn, CmdletJob worker, Action<ChatUpdate> onUpdate,
            Func<Func<ToolCallResult>, Task<ToolCallResult>> onPipelineThread)
        {
            ChatTurnOptions options = TurnOptions(worker, turn.Settings.Context, turn.Settings.RetryPolicy, turn.Tools, onUpdate, onPipelineThread, ShowToolCall);
            return ChatTurn.RunAsync(turn.Chat, turn.Request, options, worker.CancellationToken);
        }

        /// <summary>On the pipeline thread: a line for a tool call the model made, between the pieces of its answer.</summary>
        private void ShowToolCall(ToolCallResult call)
        {
            // The text before a call is in the call's own message: a stopped answer keeps only what came after.
            _shown?.Clear();
            _writer!.WriteToolCall(call);
        }

        /// <summary>Runs a slash command; false when it ends the chat.</summary>
        private bool Run(string command, string argument)
        {
            switch (command)
            {
                case "exit":
                case "quit":
                    return false;
                case "help":
                case "?":
                    Notice(Messages.ChatHelp);
                    break;
                case "model":
                    if (argument.Length == 0) ShowSettings();
                    else Switch(SettingsWith(new ChosenSource()
                        .Set(nameof(Provider), _settings!.Provider.Name, _settings.ProviderSetting.Origin)
                        .Set(nameof(Model), argument, new SettingOrigin(SettingSource.Parameter, Messages.ChatModelCommand))));
                    break;
                case "provider":
                    if (argument.Length == 0) ShowSettings();
                    else SwitchProvider(argument);
                    break;
                case "system":
                    SetSystem(argument);
                    break;
                case "clear":
                    _messages.Clear();
                    Keep();
                    Notice(Messages.ChatCleared);
                    break;
                case "save":
                case "save!":
                    Save(argument, replace: command == "save!");
                    break;
                case "load":
                    Load(argument);
                    break;
                case "tools":
                    SetTools(argument);
                    break;
                default:
                    Notice(Messages.ChatUnknownCommand(command));
                    break;
            }
            return true;
        }

        private void ShowSettings()
        {
            ChatSettings settings = _settings!;
            Notice(Messages.ChatUsing(settings.Provider.Name, settings.ProviderSetting.Origin.Describe(), settings.Model, settings.ModelOrigin.Describe(),
                Messages.WithAddress(settings.Context.ServerName, settings.Context.Endpoint.BaseAddress)));
        }

        /// <summary>/provider name [model]: a new provider; its model is the one given, else its default (ALLY_MODEL, ally.toml, built in), as -Model was meant for the old one.</summary>
        private void SwitchProvider(string argument)
        {
            string[] words = argument.Split(NameSeparators, StringSplitOptions.RemoveEmptyEntries);
            var origin = new SettingOrigin(SettingSource.Parameter, Messages.ChatProviderCommand);
            var chosen = new ChosenSource().Set(nameof(Provider), words[0], origin);
            if (words.Length > 1) chosen.Set(nameof(Model), words[1], origin);
            Switch(SettingsWith(chosen, nameof(Model)));
        }

        /// <summary>Goes on with other settings; when they cannot be used, says why (as an error) and keeps the current ones.</summary>
        private void Switch(SettingsResolver settings)
        {
            try
            {
                (_settings, _chat) = OpenChat(settings);
            }
            catch (AllyException ex)
            {
                WriteError(ToErrorRecord(ex, null));
                return;
            }
            Keep();
            Notice(Messages.ChatSwitched(_settings.Provider.Name, _settings.Model));
        }

        private void SetSystem(string argument)
        {
            if (argument.Length == 0)
            {
                Notice(_system is null ? Messages.ChatNoSystem : Messages.ChatSystemShown(_system));
                return;
            }
            bool remove = string.Equals(argument, "none", StringComparison.OrdinalIgnoreCase);
            _system = remove ? null : argument;
            Keep();
            Notice(remove ? Messages.ChatSystemRemoved : Messages.ChatSystemSet);
        }

        private void Save(string argument, bool replace)
        {
            string given = Unquote(argument);
            if (given.Length == 0)
            {
                Notice(Messages.ChatSaveUsage);
                return;
            }
            if (PathOf(given) is not string path) return;
            if (!replace && global::System.IO.File.Exists(path))
            {
                Notice(Messages.ChatFileExists(path, given));
                return;
            }
            Conversation conversation = Current();
            if (TryWriteFile(path, SavedConversation.NotWritten, SavedConversation.Writer(conversation)) is ErrorRecord failure)
            {
                WriteError(failure);
                return;
            }
            Notice(Messages.ChatSaved(path, conversation.Turns));
        }

        /// <summary>/load: the saved conversation replaces this one (system prompt included) and goes on with its provider and model unless -Provider or -Model was given.</summary>
        private void Load(string argument)
        {
            string given = Unquote(argument);
            if (given.Length == 0)
            {
                Notice(Messages.ChatLoadUsage);
                return;
            }
            if (PathOf(given) is not string path) return;
            (Conversation? loaded, ErrorRecord? failure) = SavedConversation.Read(path);
            if (failure != null)
            {
                WriteError(failure);
                return;
            }
            _messages.Clear();
            _system = null;
            Take(loaded!);
            Keep();
            Notice(Messages.ChatLoaded(path, loaded!.Turns));
            if (loaded.Provider != null && loaded.Model != null && !ChoseModel()
                && (loaded.Provider != _settings!.Provider.Name || loaded.Model != _settings.Model))
                Switch(HeldWith(loaded));
        }

        private void SetTools(string argument)
        {
            if (string.Equals(argument, "none", StringComparison.OrdinalIgnoreCase))
            {
                _toolCommands.Clear();
                _tools = null;
                Notice(Messages.ChatToolsRemoved);
                return;
            }
            if (argument.Length > 0)
            {
                foreach (string name in argument.Split(NameSeparators, StringSplitOptions.RemoveEmptyEntries))
                {
                    List<CommandInfo> found = FindCommands(name);
                    if (found.Count == 0) Notice(Messages.ChatToolNotFound(name));
                    foreach (CommandInfo command in found)
                    {
                        try
                        {
                            OfferTools(new[] { command });
                        }
                        catch (AllyException ex)
                        {
                            // A command that cannot be a tool (InvalidTool), as -Tool would say; the others stay.
                            WriteError(ToErrorRecord(ex, command.Name));
                        }
                    }
                }
            }
            Notice(_toolCommands.Count == 0 ? Messages.ChatNoTools : Messages.ChatTools(string.Join(", ", _toolCommands.Select(t => t.Name))));
        }

        /// <summary>The commands a name (wildcards allowed) stands for, as Get-Command finds them; aliases as the commands they name.</summary>
        private List<CommandInfo> FindCommands(string name)
        {
            const CommandTypes types = CommandTypes.Alias | CommandTypes.Function | CommandTypes.Filter | CommandTypes.Cmdlet | CommandTypes.ExternalScript;
            IEnumerable<CommandInfo?> found = WildcardPattern.ContainsWildcardCharacters(name)
                ? InvokeCommand.GetCommands(name, types, nameIsPattern: true) ?? Enumerable.Empty<CommandInfo>()
                : new[] { InvokeCommand.GetCommand(name, types) };
            // An alias's command may not be loaded yet (ResolvedCommand is then null): look its definition up.
            return found.Select(c => c is AliasInfo alias ? alias.ResolvedCommand ?? InvokeCommand.GetCommand(alias.Definition, types & ~CommandTypes.Alias) : c)
                .Where(c => c != null).Select(c => c!).ToList();
        }

        /// <summary>Adds commands to the tools offered (as Invoke-AllyChat -Tool builds them: an AllyException for one that cannot be a tool, and then nothing changes).</summary>
        private CommandTools? OfferTools(IEnumerable<CommandInfo> commands)
        {
            var offered = new List<CommandInfo>(_toolCommands);
            foreach (CommandInfo command in commands)
            {
                if (!offered.Any(t => string.Equals(t.Name, command.Name, StringComparison.OrdinalIgnoreCase))) offered.Add(command);
            }
            _tools = CommandTools.Create(this, offered);
            _toolCommands.Clear();
            _toolCommands.AddRange(offered);
            return _tools;
        }

        /// <summary>A path as PowerShell resolves it (relative to the current location, ~ allowed); null after writing the error of one it cannot.</summary>
        private string? PathOf(string given)
        {
            try
            {
                return SessionState.Path.GetUnresolvedProviderPathFromPSPath(given);
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is DriveNotFoundException || ex is ProviderNotFoundException
                || ex is NotSupportedException || ex is PSInvalidOperationException || ex is ArgumentException)
            {
                WriteError(new ErrorRecord(ex, "ConversationPathInvalid", ErrorCategory.InvalidArgument, given));
                return null;
            }
        }

        private static string Unquote(string text)
        {
            text = text.Trim();
            return text.Length >= 2 && (text[0] == '"' || text[0] == '\'') && text[text.Length - 1] == text[0] ? text.Substring(1, text.Length - 2) : text;
        }

        /// <summary>Takes a conversation's messages, its system prompt apart.</summary>
        private void Take(Conversation conversation)
        {
            _system = conversation.SystemPrompt;
            _messages.AddRange(conversation.Messages.Where(m => m.Role != ChatMessage.Roles.System));
        }

        private int Turns() => _messages.Count(m => m.Role == ChatMessage.Roles.User);

        private static int LastQuestion(IReadOnlyList<ChatMessage> messages)
        {
            for (int i = messages.Count - 1; i >= 0; i--)
            {
                if (messages[i].Role == ChatMessage.Roles.User) return i;
            }
            return -1;
        }

        /// <summary>The conversation so far, with the provider and model now in use.</summary>
        private Conversation Current()
        {
            IEnumerable<ChatMessage> messages = _system is null ? _messages : new[] { new ChatMessage(ChatMessage.Roles.System, _system) }.Concat(_messages);
            return new Conversation(messages, _settings!.Provider.Name, _settings.Model);
        }

        /// <summary>Adds a turn (if any) and keeps the conversation in $AllyConversation, so a stop never loses it.</summary>
        private void Keep(params ChatMessage[] turn)
        {
            _messages.AddRange(turn);
            try
            {
                SessionState.PSVariable.Set(ConversationVariable, Current());
            }
            catch (SessionStateException)
            {
                // The user made it read-only or constant: the conversation is still returned at the end.
            }
        }

        /// <summary>A line of the chat's own (not the model's): through the information stream, shown by the host.</summary>
        private void Notice(string text, bool newLine = true) =>
            WriteInformation(new HostInformationMessage { Message = text, NoNewLine = !newLine, ForegroundColor = ConsoleColor.DarkCyan }, NoticeTags);

        /// <summary>What one turn needs on its worker.</summary>
        private sealed class TurnInput
        {
            public TurnInput(ChatSettings settings, IChatProvider chat, ChatRequest request, CommandTools? tools)
            {
                Settings = settings;
                Chat = chat;
                Request = request;
                Tools = tools;
            }

            public ChatSettings Settings { get; }
            public IChatProvider Chat { get; }
            public ChatRequest Request { get; }
            /// <summary>The commands offered as tools when the message was sent (/tools may change them later), or null.</summary>
            public CommandTools? Tools { get; }
        }

        /// <summary>The answer as it was shown, on the pipeline thread.</summary>
        private sealed class AnswerShown
        {
            public global::System.Text.StringBuilder Content { get; } = new global::System.Text.StringBuilder();
            public global::System.Text.StringBuilder Thinking { get; } = new global::System.Text.StringBuilder();

            public void Add(ChatUpdate update) => (update.Kind == ChatUpdateKind.Thinking ? Thinking : Content).Append(update.Text);

            public void Clear()
            {
                Content.Clear();
                Thinking.Clear();
            }
        }
    }
}
