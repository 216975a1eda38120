using System;
using Ally.Http;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// The one status mapper of the Ollama family: what Ollama (or whatever answers at OLLAMA_HOST)
    /// said, as an Ally error with its id, remedy and whether a retry may help. Chat, model management
    /// and diagnostics all map through here.
    /// </summary>
    internal static class OllamaErrors
    {
        /// <summary>Maps a failure Ollama reported (a status, or a line in a stream).</summary>
        /// <param name="ex">What the server said.</param>
        /// <param name="host">The server's address.</param>
        /// <param name="path">The endpoint called.</param>
        /// <param name="model">The model the request was about.</param>
        /// <param name="notFoundRemedy">What to suggest on a 404; by default, installing <paramref name="model"/>.</param>
        public static AllyException FromResponse(OllamaResponseException ex, Uri host, string path, string model, string? notFoundRemedy = null)
        {
            AllyException result;
            if (ex.MalformedLine != null)
            {
                result = new AllyException(ErrorIds.MalformedStream, Messages.MalformedStream("Ollama", ex.MalformedLine), Messages.MalformedStreamRemedy, ex);
            }
            else if (ex.MidStream)
            {
                result = new AllyException(ErrorIds.StreamError, Messages.StreamError("Ollama", ex.ServerMessage), Messages.PartialKeptRemedy, ex);
            }
            else
            {
                result = FromStatus(ex.StatusCode ?? 0, ex.ReasonPhrase, ex, host, path, model, notFoundRemedy);
                result.StatusCode = ex.StatusCode;
                result.RetryAfter = ex.RetryAfter;
            }
            result.ServerMessage = ex.ServerMessage;
            return result;
        }

        private static AllyException FromStatus(int status, string? reason, OllamaResponseException ex, Uri host, string path, string model, string? notFoundRemedy)
        {
            var body = ex.Body;
            string text = Messages.ServerAnswered("Ollama", status, reason, body.Message);
            switch (status)
            {
                case 404 when !body.IsOllamaShape:
                    // Ollama answers its own routes with {"error":"…"}; a 404 in another shape (llama.cpp's
                    // {"error":{…}}, a router's "404 page not found", a proxy's page) is another server.
                    return new AllyException(ErrorIds.NotOllama, Messages.NotOllama(host, path, body.Message), Messages.NotOllamaRemedy(host), ex);
                case 404:
                    return new AllyException(ErrorIds.ModelNotFound, text, notFoundRemedy ?? Messages.ModelNotFoundRemedy(model), ex);
                case 400 or 500 or 501 when body.Message.IndexOf("does not support embeddings", StringComparison.OrdinalIgnoreCase) >= 0:
                    return new AllyException(ErrorIds.EmbeddingNotSupported, text, Messages.EmbeddingNotSupportedRemedy("ollama"), ex);
                case 400 when Ally.Tools.ToolErrors.IsToolsNotSupported(body.Message):
                    return new AllyException(ErrorIds.ToolsNotSupported, text, Messages.ToolsNotSupportedRemedy("ollama"), ex);
                case 400 when body.Message.IndexOf("exceeds the context length", StringComparison.OrdinalIgnoreCase) >= 0
                    || body.Message.IndexOf("exceeds maximum context length", StringComparison.OrdinalIgnoreCase) >= 0:
                    return new AllyException(ErrorIds.InputTooLong, text, Messages.InputTooLongRemedy, ex);
                case 400:
                    return new AllyException(ErrorIds.InvalidRequest, text, null, ex);
                case 407:
                    return HttpFailures.ProxyRefused(text, ex);
                case 401:
                case 403:
                    return new AllyException(ErrorIds.AccessDenied, text, Messages.OllamaAccessDeniedRemedy, ex);
                case 408:
                case 504:
                    return new AllyException(ErrorIds.ProviderTimeout, text, Messages.TryAgainRemedy, ex);
                case 429:
                    return new AllyException(ErrorIds.RateLimited, text, Messages.RateLimitedRemedy("ollama"), ex);
                case 502:
                    return new AllyException(ErrorIds.UpstreamError, text, body.IsOllamaShape ? Messages.TryAgainRemedy : Messages.GatewayRemedy("OLLAMA_HOST"), ex);
                case 503:
                    return new AllyException(ErrorIds.ServerBusy, text, Messages.ServerBusyRemedy, ex);
                case 500 when body.Message.IndexOf("requires more system memory", StringComparison.OrdinalIgnoreCase) >= 0:
                    return new AllyException(ErrorIds.InsufficientMemory, text, Messages.InsufficientMemoryRemedy(model), ex);
                default:
                    return new AllyException(ErrorIds.ProviderError, text, body.IsOllamaShape ? Messages.ServerErrorRemedy : Messages.GatewayRemedy("OLLAMA_HOST"), ex);
            }
        }
    }
}
