using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Ally.Providers.OpenRouter
{
    /// <summary>
    /// Turns OpenRouter's error bodies (protocols §3.9: <c>{"error":{"code","message","metadata"}}</c>,
    /// the <c>availability</c> variant with <c>http_status</c>, and OpenAI's shape from compatible
    /// servers) into Ally's errors, each with its remedy and whether a retry may help.
    /// </summary>
    internal static class OpenRouterErrors
    {
        /// <summary>What an error body says.</summary>
        internal sealed class ErrorBody
        {
            public int? Code { get; set; }
            public string Message { get; set; } = string.Empty;
            public string? ErrorType { get; set; }
            public string? AvailabilityCode { get; set; }
            public bool? Retryable { get; set; }
            public TimeSpan? RetryAfter { get; set; }
            public List<string> Reasons { get; } = new List<string>();
        }

        /// <summary>Reads an error object (the value of the top-level <c>error</c> property) or a whole body.</summary>
        public static ErrorBody Parse(string body, string? fallback)
        {
            var result = new ErrorBody { Message = string.IsNullOrWhiteSpace(body) ? fallback ?? "no details" : body.Trim() };
            try
            {
                using JsonDocument doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out JsonElement error))
                {
                    Read(error, result);
                }
            }
            catch (JsonException)
            {
                // A proxy's HTML page or plain text: keep it as the message.
            }
            return result;
        }

        public static void Read(JsonElement error, ErrorBody result)
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                result.Message = error.GetString() ?? result.Message;
                return;
            }
            if (error.ValueKind != JsonValueKind.Object) return;
            if (error.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String) result.Message = message.GetString() ?? result.Message;
            // OpenRouter sends code as a number; the availability variant uses http_status; OpenAI-style servers send a string code.
            if (error.TryGetProperty("code", out JsonElement code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out int c)) result.Code = c;
            else if (error.TryGetProperty("http_status", out JsonElement status) && status.ValueKind == JsonValueKind.Number && status.TryGetInt32(out int h)) result.Code = h;
            if (error.TryGetProperty("error_type", out JsonElement type) && type.ValueKind == JsonValueKind.String) result.ErrorType = type.GetString();
            if (error.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                if (metadata.TryGetProperty("error_type", out JsonElement t) && t.ValueKind == JsonValueKind.String) result.ErrorType = t.GetString();
                if (metadata.TryGetProperty("reasons", out JsonElement reasons) && reasons.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement r in reasons.EnumerateArray()) if (r.ValueKind == JsonValueKind.String) result.Reasons.Add(r.GetString()!);
                }
            }
            if (error.TryGetProperty("availability", out JsonElement availability) && availability.ValueKind == JsonValueKind.Object)
            {
                if (availability.TryGetProperty("code", out JsonElement a) && a.ValueKind == JsonValueKind.String) result.AvailabilityCode = a.GetString();
                if (availability.TryGetProperty("retryable", out JsonElement retry) && (retry.ValueKind == JsonValueKind.True || retry.ValueKind == JsonValueKind.False))
                    result.Retryable = retry.GetBoolean();
                if (availability.TryGetProperty("retry_after", out JsonElement after) && after.ValueKind == JsonValueKind.Number)
                    result.RetryAfter = TimeSpan.FromSeconds(after.GetDouble());
            }
        }

        /// <summary>The Ally error for an HTTP error status.</summary>
        public static AllyException FromStatus(int status, ErrorBody body, TimeSpan? retryAfter, string model, string provider)
        {
            string text = Messages.ProviderAnswered(provider, status, body.Message);
            AllyException ex;
            switch (status)
            {
                case 400:
                    bool badModel = body.AvailabilityCode == "model_not_found" || body.AvailabilityCode == "wrong_endpoint"
                        || body.Message.IndexOf("model", StringComparison.OrdinalIgnoreCase) >= 0 && body.Message.IndexOf("valid", StringComparison.OrdinalIgnoreCase) >= 0;
                    ex = badModel
                        ? new AllyException("InvalidModel", AllyErrorCategory.InvalidArgument, text, Messages.OpenRouterModelFormRemedy(model))
                        : new AllyException("InvalidRequest", AllyErrorCategory.InvalidArgument, text);
                    break;
                case 401:
                    ex = new AllyException("InvalidApiKey", AllyErrorCategory.AuthenticationError, text, Messages.InvalidApiKeyRemedy);
                    break;
                case 402:
                    ex = new AllyException("InsufficientCredits", AllyErrorCategory.QuotaExceeded, text, Messages.InsufficientCreditsRemedy);
                    break;
                case 403:
                    ex = new AllyException("RequestBlocked", AllyErrorCategory.PermissionDenied,
                        body.Reasons.Count > 0 ? text + " (" + string.Join(", ", body.Reasons) + ")" : text, Messages.RequestBlockedRemedy);
                    break;
                case 404:
                    ex = new AllyException("ModelUnavailable", AllyErrorCategory.ObjectNotFound, text, Messages.OpenRouterModelUnavailableRemedy(model));
                    break;
                case 408:
                    ex = new AllyException("ProviderTimeout", AllyErrorCategory.OperationTimeout, text, Messages.TryAgainRemedy) { IsTransient = true };
                    break;
                case 429:
                    ex = new AllyException("RateLimited", AllyErrorCategory.ResourceBusy, text, Messages.RateLimitedRemedy) { IsTransient = true };
                    break;
                case 502:
                    ex = new AllyException("UpstreamError", AllyErrorCategory.ProviderError, text, Messages.UpstreamRemedy) { IsTransient = true };
                    break;
                case 503:
                    ex = new AllyException("ServiceUnavailable", AllyErrorCategory.ResourceBusy, text, Messages.ServiceUnavailableRemedy) { IsTransient = true };
                    break;
                default:
                    ex = new AllyException("ProviderError", AllyErrorCategory.ProviderError, text);
                    break;
            }
            if (body.Retryable is bool retryable) ex.IsTransient = retryable;
            ex.RetryAfter = retryAfter ?? body.RetryAfter;
            ex.ServerMessage = body.Message;
            ex.StatusCode = status;
            return ex;
        }

        /// <summary>The Ally error for an error event inside a 200 stream.</summary>
        public static AllyException MidStream(ErrorBody body, string provider)
        {
            string text = Messages.StreamError(provider, body.Code is int code
                ? string.Format(CultureInfo.InvariantCulture, "{0} ({1})", body.Message, code)
                : body.Message);
            return new AllyException("StreamError", AllyErrorCategory.ProviderError, text, Messages.PartialKeptRemedy)
            {
                ServerMessage = body.Message,
                StatusCode = body.Code,
                // Retried only if nothing had been received yet (ChatService's rule), e.g. an upstream 429 at the start.
                IsTransient = body.Code is 408 or 429 or 502 or 503,
            };
        }
    }
}
