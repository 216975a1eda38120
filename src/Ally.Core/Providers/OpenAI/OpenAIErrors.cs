using System;
using System.Globalization;
using Ally.Http;

namespace Ally.Providers.OpenAI
{
    /// <summary>
    /// The one status mapper of the OpenAI family (OpenRouter, OpenAI, llama.cpp, vLLM, LM Studio): turns
    /// an error status and body (protocols §3.9, §3.13, §4.3) into Ally's error, with its remedy and
    /// whether a retry may help. Chat, model lists and diagnostics all map through here, so a 401 is
    /// InvalidApiKey wherever it comes from.
    /// </summary>
    internal static class OpenAIErrors
    {
        /// <summary>The Ally error for an HTTP error status.</summary>
        /// <param name="status">The status code.</param>
        /// <param name="reason">The reason phrase.</param>
        /// <param name="body">What the body said.</param>
        /// <param name="retryAfter">The Retry-After header, if any.</param>
        /// <param name="model">The model the request was about, or null (model lists).</param>
        /// <param name="context">The provider, endpoint and key.</param>
        public static AllyException FromStatus(int status, string? reason, ErrorBody body, TimeSpan? retryAfter, string? model, ProviderContext context)
        {
            string server = context.ServerName;
            string provider = context.Provider.Name;
            string text = Messages.ServerAnswered(server, status, reason, body.Message);
            bool structured = body.IsOpenAIShape || body.IsOllamaShape;
            AllyException ex;
            if (body.IsContextLengthError)
            {
                ex = new AllyException(ErrorIds.ContextLengthExceeded, text, Messages.ContextLengthRemedy(provider));
            }
            else if (status >= 400 && status < 600 && Ally.Tools.ToolErrors.IsToolsNotSupported(body.Message))
            {
                ex = new AllyException(ErrorIds.ToolsNotSupported, text, Messages.ToolsNotSupportedRemedy(provider));
            }
            else switch (status)
            {
                case 400:
                    bool badModel = body.AvailabilityCode == "model_not_found" || body.AvailabilityCode == "wrong_endpoint"
                        || string.Equals(body.CodeText, "model_not_found", StringComparison.OrdinalIgnoreCase)
                        || body.Message.IndexOf("model", StringComparison.OrdinalIgnoreCase) >= 0 && body.Message.IndexOf("valid", StringComparison.OrdinalIgnoreCase) >= 0;
                    ex = badModel
                        ? new AllyException(ErrorIds.InvalidModel, text, context.Provider.ModelNameRemedy(model ?? string.Empty, context.Endpoint))
                        : new AllyException(ErrorIds.InvalidRequest, text);
                    break;
                case 401:
                    ex = new AllyException(ErrorIds.InvalidApiKey,
                        context.Key is null ? Messages.ServerWantsKey(server, body.Message) : Messages.ServerRefusedKey(server, context.Key.Source, body.Message),
                        context.KeySetting?.EnvironmentVariable is string variable ? context.Provider.KeyRemedy(context.Endpoint, variable) : null);
                    break;
                case 407:
                    ex = HttpFailures.ProxyRefused(text);
                    break;
                case 402:
                    ex = new AllyException(ErrorIds.InsufficientCredits, text, Messages.InsufficientCreditsRemedy);
                    break;
                case 403:
                    ex = new AllyException(ErrorIds.RequestBlocked, body.Reasons.Count > 0 ? text + " (" + string.Join(", ", body.Reasons) + ")" : text,
                        Messages.RequestBlockedRemedy);
                    break;
                case 404:
                    ex = new AllyException(ErrorIds.ModelUnavailable, text, context.Provider.ModelUnavailableRemedy(model ?? string.Empty, context.Endpoint));
                    break;
                case 408:
                case 504:
                    ex = new AllyException(ErrorIds.ProviderTimeout, text, Messages.TryAgainRemedy);
                    break;
                case 429 when string.Equals(body.CodeText, "insufficient_quota", StringComparison.OrdinalIgnoreCase)
                           || string.Equals(body.Type, "insufficient_quota", StringComparison.OrdinalIgnoreCase):
                    ex = new AllyException(ErrorIds.InsufficientQuota, text, Messages.InsufficientQuotaRemedy);
                    break;
                case 429:
                    ex = new AllyException(ErrorIds.RateLimited, text, Messages.RateLimitedRemedy(provider));
                    break;
                case 502:
                    ex = new AllyException(ErrorIds.UpstreamError, text, structured ? Messages.UpstreamRemedy : Messages.GatewayRemedy(context.Provider.AddressSetting!.EnvironmentVariable!));
                    break;
                case 503:
                    ex = new AllyException(ErrorIds.ServiceUnavailable, text, Messages.ServiceUnavailableRemedy);
                    break;
                default:
                    ex = new AllyException(ErrorIds.ProviderError, text, structured ? Messages.ServerErrorRemedy : Messages.GatewayRemedy(context.Provider.AddressSetting!.EnvironmentVariable!));
                    break;
            }
            if (body.Retryable is bool retryable) ex.IsTransient = retryable;
            ex.RetryAfter = retryAfter ?? body.RetryAfter;
            ex.ServerMessage = body.Message;
            ex.StatusCode = status;
            return ex;
        }

        /// <summary>The Ally error for an error event inside a 200 stream.</summary>
        public static AllyException MidStream(ErrorBody body, string server)
        {
            string text = Messages.StreamError(server, body.Code is int code
                ? string.Format(CultureInfo.InvariantCulture, "{0} ({1})", body.Message, code)
                : body.Message);
            return new AllyException(ErrorIds.StreamError, text, Messages.PartialKeptRemedy)
            {
                ServerMessage = body.Message,
                StatusCode = body.Code,
                // Retried only if nothing had been received yet (the retry rule), e.g. an upstream 429 at the start.
                IsTransient = body.Code is 408 or 429 or 502 or 503 or 504,
            };
        }
    }
}
