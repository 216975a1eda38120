using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
using Ally.Structured;
using Ally.Tools;

namespace Ally
{
    /// <summary>How one turn is run: tools, fitting to the context window, retries, what the user sees.</summary>
    public sealed class ChatTurnOptions
    {
        /// <summary>Runs the model's tool calls; null when no tools are offered.</summary>
        public IToolRunner? Tools { get; set; }
        /// <summary>Most tool calls in one turn (-MaxToolCalls).</summary>
        public int MaxToolCalls { get; set; } = ChatTurn.DefaultMaxToolCalls;
        /// <summary>Fits each request to the model's window before it is sent (ContextWindow.FitAsync), or null.</summary>
        public Func<ChatRequest, CancellationToken, Task<ChatRequest>>? Fit { get; set; }
        /// <summary>Called with each streamed piece (on a worker thread), or null.</summary>
        public Action<ChatUpdate>? OnUpdate { get; set; }
        /// <summary>When to try a request again; null never retries.</summary>
        public RetryPolicy? RetryPolicy { get; set; }
        /// <summary>Told of retries, left-out turns and the tool-call limit (on a worker thread), or null.</summary>
        public Action<string>? OnWarning { get; set; }
        /// <summary>Told of answers asked again (on a worker thread), or null.</summary>
        public Action<string>? OnVerbose { get; set; }
        /// <summary>The JSON the answer must be (-Format json, -Schema), or null for text.</summary>
        public StructuredAnswer? Structured { get; set; }
        /// <summary>How many times an answer that is not the asked JSON is asked again.</summary>
        public int FormatRetries { get; set; } = StructuredAnswer.DefaultRetries;
    }

    /// <summary>
    /// One chat turn: the request, and — when the model calls tools — each call run through the
    /// <see cref="IToolRunner"/>, its result sent back, and the model asked again, until it answers or
    /// <see cref="ChatTurnOptions.MaxToolCalls"/> calls have been made. The response holds the whole
    /// exchange (calls and results in its messages, every call on <see cref="ChatResponse.ToolCalls"/>)
    /// and the tokens and cost of all its requests.
    /// </summary>
    public static class ChatTurn
    {
        /// <summary>The default of -MaxToolCalls.</summary>
        public const int DefaultMaxToolCalls = 10;

        /// <summary>Runs the turn.</summary>
        public static async Task<ChatResponse> RunAsync(IChatProvider provider, ChatRequest request, ChatTurnOptions options, CancellationToken cancellationToken)
        {
            StructuredAnswer? structured = options.Structured;
            if (structured is null) return await RunToolsAsync(provider, request, options, cancellationToken).ConfigureAwait(false);

            // The format goes in the request (Ollama format, response_format) and, for servers that ignore
            // it, in words after the question; the answer is checked here either way.
            ChatRequest next = WithInstruction(request, structured.Instruction);
            next.Format = structured.RequestFormat;
            for (int attempt = 1; ; attempt++)
            {
                ChatResponse response = await RunToolsAsync(provider, next, options, cancellationToken).ConfigureAwait(false);
                string? json = structured.Check(response.Content, out IReadOnlyList<string> problems);
                if (json != null)
                {
                    response.Json = json;
                    return response;
                }
                string text = string.Join("; ", problems);
                if (attempt > options.FormatRetries || response.ToolCallLimitReached)
                    throw new AllyException(ErrorIds.StructuredOutputInvalid, Messages.StructuredOutputInvalid(attempt, text), Messages.StructuredOutputInvalidRemedy)
                    {
                        PartialResponse = response,
                    };
                options.OnVerbose?.Invoke(Messages.AskingAgain(attempt, text));
                var messages = new List<ChatMessage>(response.Messages) { new ChatMessage(ChatMessage.Roles.User, Messages.AnswerAgain(text)) };
                next = next.With(messages);
            }
        }

        /// <summary>The request with <paramref name="instruction"/> after the last question.</summary>
        private static ChatRequest WithInstruction(ChatRequest request, string instruction)
        {
            var messages = new List<ChatMessage>(request.Messages);
            int last = messages.FindLastIndex(m => m.Role == ChatMessage.Roles.User);
            if (last < 0) messages.Add(new ChatMessage(ChatMessage.Roles.User, instruction));
            else messages[last] = new ChatMessage(ChatMessage.Roles.User, messages[last].Content + "\n\n" + instruction);
            return request.With(messages);
        }

        private static async Task<ChatResponse> RunToolsAsync(IChatProvider provider, ChatRequest request, ChatTurnOptions options, CancellationToken cancellationToken)
        {
            var calls = new List<ToolCallResult>();
            int? promptTokens = null, completionTokens = null;
            decimal? cost = null;
            ChatRequest next = request;
            while (true)
            {
                ChatRequest fitted = options.Fit is null ? next : await options.Fit(next, cancellationToken).ConfigureAwait(false);
                ChatResponse response;
                try
                {
                    response = await ChatService.CompleteAsync(provider, fitted, options.OnUpdate, cancellationToken, options.RetryPolicy, options.OnWarning)
                        .ConfigureAwait(false);
                }
                catch (AllyException ex) when (calls.Count > 0 && ex.PartialResponse is ChatResponse partial)
                {
                    // What the tools did before the failure stays on the partial answer.
                    ex.PartialResponse = partial.AfterTools(partial.Messages, calls, false, promptTokens, completionTokens, cost);
                    throw;
                }
                catch (OperationCanceledException ex) when (calls.Count > 0 && !(ex is ChatTurnStoppedException))
                {
                    // Stopped after tools ran: what they did is part of the conversation.
                    throw new ChatTurnStoppedException(next.Messages, calls, false, ex);
                }
                IReadOnlyList<ToolCall>? wanted = response.Messages[response.Messages.Count - 1].ToolCalls;
                if (wanted is null || options.Tools is null)
                    return calls.Count == 0 ? response : response.AfterTools(response.Messages, calls, false, promptTokens, completionTokens, cost);

                var messages = new List<ChatMessage>(response.Messages.Count + wanted.Count);
                messages.AddRange(response.Messages);
                bool limitReached = false;
                foreach (ToolCall call in wanted)
                {
                    ToolCallResult result;
                    if (calls.Count >= options.MaxToolCalls)
                    {
                        // Every call gets an answer (OpenAI-style APIs refuse a conversation with an unanswered call).
                        limitReached = true;
                        string text = Messages.ToolNotRunLimit(options.MaxToolCalls);
                        result = new ToolCallResult(call, ToolCallStatus.NotRun, text, text, TimeSpan.Zero);
                    }
                    else
                    {
                        try
                        {
                            result = await options.Tools.RunAsync(call, cancellationToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException ex)
                        {
                            // Stopped among the calls: those not run are answered so, and the exchange is kept.
                            foreach (ToolCall rest in wanted.Skip(messages.Count - response.Messages.Count))
                            {
                                calls.Add(new ToolCallResult(rest, ToolCallStatus.NotRun, Messages.ToolNotRunStopped, Messages.ToolNotRunStopped, TimeSpan.Zero));
                                messages.Add(ChatMessage.ToolResult(rest.Id, rest.Name, Messages.ToolNotRunStopped));
                            }
                            throw new ChatTurnStoppedException(messages, calls, true, ex);
                        }
                    }
                    calls.Add(result);
                    messages.Add(ChatMessage.ToolResult(call.Id, call.Name, result.Output));
                }
                if (limitReached)
                {
                    options.OnWarning?.Invoke(Messages.ToolCallLimitReached(options.MaxToolCalls));
                    return response.AfterTools(messages, calls, true, promptTokens, completionTokens, cost);
                }
                promptTokens = ChatResponse.Sum(promptTokens, response.PromptTokens);
                completionTokens = ChatResponse.Sum(completionTokens, response.CompletionTokens);
                cost = ChatResponse.Sum(cost, response.Cost);
                next = next.With(messages);
            }
        }

    }

    /// <summary>
    /// A turn stopped (Ctrl+C) after tools had run: the conversation so far — the question, the calls and
    /// their results (calls not run answered as such) — so that what the tools did is not forgotten.
    /// </summary>
    public sealed class ChatTurnStoppedException : OperationCanceledException
    {
        internal ChatTurnStoppedException(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolCallResult> toolCalls, bool duringTools,
            OperationCanceledException inner)
            : base(inner.Message, inner, inner.CancellationToken)
        {
            Messages = messages.ToList();
            ToolCalls = toolCalls.ToList();
            DuringTools = duringTools;
        }

        /// <summary>True when it stopped while tools ran (not while the model was answering after them).</summary>
        public bool DuringTools { get; }

        /// <summary>The conversation up to the stop, ending with the last tool results.</summary>
        public IReadOnlyList<ChatMessage> Messages { get; }
        /// <summary>The tool calls of the turn so far.</summary>
        public IReadOnlyList<ToolCallResult> ToolCalls { get; }
    }
}
