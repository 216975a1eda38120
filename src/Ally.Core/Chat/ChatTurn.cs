using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;
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
                        result = await options.Tools.RunAsync(call, cancellationToken).ConfigureAwait(false);
                    }
                    calls.Add(result);
                    messages.Add(ChatMessage.ToolResult(call.Id, call.Name, result.Output));
                }
                if (limitReached)
                {
                    options.OnWarning?.Invoke(Messages.ToolCallLimitReached(options.MaxToolCalls));
                    return response.AfterTools(messages, calls, true, promptTokens, completionTokens, cost);
                }
                promptTokens = Sum(promptTokens, response.PromptTokens);
                completionTokens = Sum(completionTokens, response.CompletionTokens);
                cost = response.Cost is null ? cost : (cost ?? 0) + response.Cost;
                next = next.With(messages);
            }
        }

        private static int? Sum(int? a, int? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);
    }
}
