using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ally.Embeddings;
using Ally.Providers;

namespace Ally
{
    /// <summary>
    /// Fits a conversation into the model's context window before it is sent. Short requests are left
    /// alone without any lookup. A long one is measured (estimated tokens, conservatively) against the
    /// model's window (Ollama's /api/show, the OpenRouter catalog), with room kept for the answer; when
    /// it does not fit, the oldest turns are left out — never the system prompt, never the last
    /// question, never part of a turn — with a warning, or it fails with -NoTruncate. For Ollama, whose
    /// default num_ctx is small and which cuts prompts silently, num_ctx is set to fit (within the
    /// model's maximum) unless the user set it.
    /// </summary>
    public static class ContextWindow
    {
        /// <summary>Below this many estimated tokens a request fits every model's default window: no lookup is made.</summary>
        public const int SmallRequest = 2048;

        /// <summary>Estimated tokens of one message: its text plus the template's few tokens around it.</summary>
        public static int Tokens(ChatMessage message) =>
            TokenEstimate.Estimate(message.Content) + 4 + (message.ToolCalls?.Sum(c => TokenEstimate.Estimate(c.Name) + TokenEstimate.Estimate(c.Arguments) + 4) ?? 0);

        /// <summary>Estimated tokens of <paramref name="messages"/>.</summary>
        public static int Tokens(IReadOnlyList<ChatMessage> messages) => messages.Sum(Tokens);

        /// <summary>Room kept for the answer: -MaxTokens, else an eighth of the window (at most 1,024 tokens).</summary>
        public static int Reserve(int window, int? maxTokens) => Math.Min(maxTokens ?? Math.Min(1024, window / 8), Math.Max(window - 1, 0));

        /// <summary>
        /// The messages that fit <paramref name="budget"/> tokens: the system prompt and the newest
        /// whole turns (a user message and what follows it up to the next user message). Null when not
        /// even the system prompt and the last turn fit.
        /// </summary>
        public static IReadOnlyList<ChatMessage>? Fit(IReadOnlyList<ChatMessage> messages, int budget, out int droppedTurns)
        {
            droppedTurns = 0;
            List<ChatMessage> system = messages.TakeWhile(m => m.Role == ChatMessage.Roles.System).ToList();
            var turns = new List<List<ChatMessage>>();
            foreach (ChatMessage message in messages.Skip(system.Count))
            {
                if (message.Role == ChatMessage.Roles.User || turns.Count == 0) turns.Add(new List<ChatMessage>());
                turns[turns.Count - 1].Add(message);
            }
            int used = system.Sum(Tokens);
            int keep = 0;
            for (int i = turns.Count - 1; i >= 0; i--)
            {
                int cost = turns[i].Sum(Tokens);
                if (used + cost > budget) break;
                used += cost;
                keep++;
            }
            if (keep == 0) return null;
            droppedTurns = turns.Count - keep;
            return system.Concat(turns.Skip(turns.Count - keep).SelectMany(t => t)).ToList();
        }

        private static readonly ConcurrentDictionary<string, int?> Lengths = new ConcurrentDictionary<string, int?>(StringComparer.Ordinal);

        /// <summary>
        /// <paramref name="request"/> fitted to the model's window (see the class). <paramref name="onWarning"/>
        /// hears of left-out turns; with <paramref name="noTruncate"/> a request that does not fit fails
        /// with ContextLengthExceeded instead.
        /// </summary>
        public static async Task<ChatRequest> FitAsync(ProviderContext context, ChatRequest request, bool noTruncate,
            Action<string>? onWarning, CancellationToken cancellationToken)
        {
            int needed = Tokens(request.Messages);
            if (needed <= SmallRequest) return request;
            string key = context.Provider.Name + " " + context.Endpoint.BaseAddress.AbsoluteUri + " " + request.Model;
            if (!Lengths.TryGetValue(key, out int? maximum))
            {
                maximum = await context.Provider.ContextLengthAsync(context, request.Model, cancellationToken).ConfigureAwait(false);
                Lengths[key] = maximum;
            }
            if (maximum is null) return request;

            // The user's own num_ctx is the window; otherwise Ally picks one that fits (Ollama), up to the model's maximum.
            int? fixedWindow = context.Provider.FixedWindow(request);
            int window = fixedWindow ?? maximum.Value;
            int reserve = Reserve(window, request.MaxTokens);
            IReadOnlyList<ChatMessage> messages = request.Messages;
            if (needed + reserve > window)
            {
                if (noTruncate)
                    throw new AllyException(ErrorIds.ContextLengthExceeded, Messages.ConversationTooLong(needed, request.Model, window, reserve),
                        Messages.ConversationTooLongNoTruncateRemedy);
                IReadOnlyList<ChatMessage>? fitted = Fit(messages, window - reserve, out int dropped);
                if (fitted is null)
                {
                    // Not even the question fits by the (cautious) estimate: it goes alone, with the system
                    // prompt, and the user is told the model may not see all of it.
                    fitted = LastTurn(messages);
                    onWarning?.Invoke(Messages.QuestionMayBeTooLong(Tokens(fitted), request.Model, window));
                }
                else
                {
                    onWarning?.Invoke(Messages.TurnsLeftOut(needed, request.Model, window, dropped));
                }
                messages = fitted;
                needed = Tokens(messages);
            }
            ChatRequest fittedRequest = ReferenceEquals(messages, request.Messages) ? request : request.With(messages);
            return fixedWindow is null ? context.Provider.WithWindow(fittedRequest, Math.Min(maximum.Value, RoundUp(needed + reserve))) : fittedRequest;
        }

        /// <summary>The system prompt and the last turn.</summary>
        private static IReadOnlyList<ChatMessage> LastTurn(IReadOnlyList<ChatMessage> messages)
        {
            int start = messages.Count - 1;
            while (start > 0 && messages[start].Role != ChatMessage.Roles.User) start--;
            return messages.TakeWhile(m => m.Role == ChatMessage.Roles.System).Concat(messages.Skip(start)).ToList();
        }

        private static int RoundUp(int tokens) => (tokens + 1023) / 1024 * 1024;

        /// <summary>Forgets the context lengths learned (tests).</summary>
        internal static void Forget() => Lengths.Clear();
    }
}
