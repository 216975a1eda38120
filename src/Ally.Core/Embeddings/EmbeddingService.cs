using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;

namespace Ally.Embeddings
{
    /// <summary>
    /// Embeds one group of inputs (see <see cref="EmbeddingBatcher"/>) in one request, with the retry
    /// policy and time limit (through <see cref="RetryRunner"/>). Every input gets an outcome, in
    /// order: reused vectors as they were; empty or over-long inputs fail alone, before any request; a
    /// failed request fails the inputs it carried. Only a failed model check (the model is missing,
    /// cannot embed, the server cannot be reached) fails the whole group, by throwing.
    /// </summary>
    public static class EmbeddingService
    {
        /// <summary>Embeds <paramref name="group"/>; one outcome per input, in order.</summary>
        public static async Task<EmbeddingOutcome[]> EmbedAsync(ITextEmbedder embedder, IReadOnlyList<EmbeddingInput> group, RetryPolicy? retryPolicy,
            TimeSpan? timeout, Action<string>? onWarning, CancellationToken cancellationToken)
        {
            Action<RetryNotice>? onRetry = onWarning is null ? null : notice => onWarning(notice.ToString());
            int? maxTokens = await RetryRunner.RunAsync(retryPolicy, timeout, attempt => embedder.PrepareAsync(attempt.CancellationToken), onRetry, cancellationToken)
                .ConfigureAwait(false);

            var outcomes = new EmbeddingOutcome[group.Count];
            var send = new List<int>(group.Count);
            for (int i = 0; i < group.Count; i++)
            {
                EmbeddingInput input = group[i];
                if (input.Reused is float[] reused) outcomes[i] = new EmbeddingOutcome(input, input.ToEmbedding(reused, embedder), null);
                else if (input.Sent is null) outcomes[i] = Failed(input, new AllyException(ErrorIds.EmptyInput, Messages.EmptyInputText, Messages.EmptyInputRemedy));
                else if (maxTokens is int max && input.Tokens > max)
                    outcomes[i] = Failed(input, new AllyException(ErrorIds.InputTooLong, Messages.InputTooLong(input.Tokens, embedder.Model, max), Messages.InputTooLongRemedy));
                else send.Add(i);
            }
            if (send.Count > 0) await SendAsync(embedder, group, send, outcomes, retryPolicy, timeout, onRetry, cancellationToken).ConfigureAwait(false);
            return outcomes;
        }

        /// <summary>Embeds a search query, with the model's query prefix when the embedder uses task prefixes.</summary>
        public static async Task<float[]> EmbedQueryAsync(ITextEmbedder embedder, string query, RetryPolicy? retryPolicy, TimeSpan? timeout,
            Action<string>? onWarning, CancellationToken cancellationToken)
        {
            var input = new EmbeddingInput(query, query);
            if (input.Text.Trim().Length > 0) input.Prepare(embedder.QueryPrefix);
            EmbeddingOutcome outcome = (await EmbedAsync(embedder, new[] { input }, retryPolicy, timeout, onWarning, cancellationToken).ConfigureAwait(false))[0];
            return outcome.Embedding?.Vector ?? throw outcome.Failure!;
        }

        private static async Task SendAsync(ITextEmbedder embedder, IReadOnlyList<EmbeddingInput> group, List<int> send, EmbeddingOutcome[] outcomes,
            RetryPolicy? retryPolicy, TimeSpan? timeout, Action<RetryNotice>? onRetry, CancellationToken cancellationToken)
        {
            var texts = new string[send.Count];
            for (int k = 0; k < send.Count; k++) texts[k] = group[send[k]].Sent!;
            try
            {
                float[][] vectors = await RetryRunner.RunAsync(retryPolicy, timeout, attempt => embedder.EmbedAsync(texts, attempt.CancellationToken), onRetry, cancellationToken)
                    .ConfigureAwait(false);
                for (int k = 0; k < send.Count; k++) outcomes[send[k]] = new EmbeddingOutcome(group[send[k]], group[send[k]].ToEmbedding(vectors[k], embedder), null);
            }
            catch (AllyException ex) when (ex.Id == ErrorIds.InputTooLong && send.Count > 1)
            {
                // The server measured an input as too long although the estimate did not: send them one
                // at a time, so only that input fails.
                foreach (int index in send)
                {
                    await SendAsync(embedder, group, new List<int>(1) { index }, outcomes, retryPolicy, timeout, onRetry, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (AllyException ex) when (!StopsTheCommand(ex))
            {
                foreach (int index in send) outcomes[index] = Failed(group[index], ex);
            }
        }

        /// <summary>
        /// Failures no later request can escape (wrong key, quota used up, model missing or unable to
        /// embed, server unreachable): the command stops instead of failing every input one by one.
        /// </summary>
        public static bool StopsTheCommand(AllyException ex) =>
            ex.Id == ErrorIds.InvalidApiKey || ex.Id == ErrorIds.ApiKeyRequired || ex.Id == ErrorIds.InsufficientQuota || ex.Id == ErrorIds.InsufficientCredits
            || ex.Id == ErrorIds.ModelNotFound || ex.Id == ErrorIds.ModelUnavailable || ex.Id == ErrorIds.EmbeddingNotSupported
            || ex.Id == ErrorIds.OllamaUnreachable || ex.Id == ErrorIds.ProviderUnreachable || ex.Id == ErrorIds.NotOllama
            || ex.Id == ErrorIds.DimensionsNotSupported || ex.Id == ErrorIds.AccessDenied;

        private static EmbeddingOutcome Failed(EmbeddingInput input, AllyException failure) => new EmbeddingOutcome(input, null, failure);
    }
}
