using System;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;

namespace Ally
{
    /// <summary>
    /// Runs one chat turn through a provider: the retry policy and the time limit (through
    /// <see cref="RetryRunner"/>), streamed pieces to the listener, and every failure leaving as an
    /// <see cref="AllyException"/> that carries what was received so far.
    /// </summary>
    public static class ChatService
    {
        /// <summary>Sends <paramref name="request"/> and returns the complete answer.</summary>
        /// <param name="provider">The backend to use.</param>
        /// <param name="request">What to send.</param>
        /// <param name="onUpdate">Called with each piece as it arrives (on a worker thread), or null.</param>
        /// <param name="cancellationToken">Stops the request (Ctrl+C).</param>
        /// <param name="retryPolicy">When to try again; null never retries.</param>
        /// <param name="onWarning">Told of retries and of answers the user should look at twice (on a worker thread), or null.</param>
        public static async Task<ChatResponse> CompleteAsync(IChatProvider provider, ChatRequest request, Action<ChatUpdate>? onUpdate,
            CancellationToken cancellationToken, RetryPolicy? retryPolicy = null, Action<string>? onWarning = null)
        {
            bool streamed = onUpdate != null;
            ChatAccumulator? answer = null;
            try
            {
                ChatResponse response = await RetryRunner.RunAsync(retryPolicy, request.Timeout, async attempt =>
                {
                    answer = new ChatAccumulator(request, provider.Name, onUpdate, attempt);
                    await provider.CompleteAsync(request, answer, attempt.CancellationToken).ConfigureAwait(false);
                    return answer.Build(streamed);
                }, onWarning is null ? null : notice => onWarning(notice.ToString()), cancellationToken).ConfigureAwait(false);

                // A thinking model can spend the whole token limit on its reasoning: say so rather than return nothing.
                if (response.Content.Length == 0 && response.Thinking != null && response.FinishReason == "length")
                    onWarning?.Invoke(Messages.TokenLimitInThinking(response.CompletionTokens));
                return response;
            }
            catch (AllyException ex)
            {
                if (ex.PartialResponse is null && answer is { HasReceived: true }) ex.PartialResponse = answer.Build(streamed);
                throw;
            }
        }
    }
}
