using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ally.Http
{
    /// <summary>
    /// What an error response says, read leniently from any of the shapes servers send: Ollama's
    /// <c>{"error":"…"}</c>, OpenAI's <c>{"error":{"message","type","param","code"}}</c>, OpenRouter's
    /// <c>{"error":{"code":N,"message","metadata"}}</c> and its availability variant, llama.cpp's
    /// <c>{"error":{"code","message","type"}}</c> — or a proxy's HTML page or plain text, of which only a
    /// short line is kept (a title, or the first line of text). The message is always short.
    /// </summary>
    internal sealed class ErrorBody
    {
        /// <summary>The error text, at most one line of a couple of hundred characters.</summary>
        public string Message { get; set; } = string.Empty;
        /// <summary>True when the body was JSON with an <c>error</c> string (Ollama's shape).</summary>
        public bool IsOllamaShape { get; private set; }
        /// <summary>True when the body was JSON with an <c>error</c> object (OpenAI's shape and its relatives).</summary>
        public bool IsOpenAIShape { get; private set; }
        /// <summary>A numeric code (OpenRouter, llama.cpp) or <c>http_status</c>.</summary>
        public int? Code { get; set; }
        /// <summary>OpenAI's string <c>code</c>: invalid_api_key, context_length_exceeded, insufficient_quota, rate_limit_exceeded, model_not_found, …</summary>
        public string? CodeText { get; private set; }
        /// <summary>OpenAI's and llama.cpp's <c>type</c>: invalid_request_error, authentication_error, exceed_context_size_error, …</summary>
        public string? Type { get; private set; }
        /// <summary>OpenRouter's typed <c>error_type</c> (in metadata or at the top of the error).</summary>
        public string? ErrorType { get; private set; }
        /// <summary>OpenRouter's availability code: model_not_found, wrong_endpoint, …</summary>
        public string? AvailabilityCode { get; private set; }
        /// <summary>Whether the server says a retry may help.</summary>
        public bool? Retryable { get; private set; }
        /// <summary>How long the body says to wait.</summary>
        public TimeSpan? RetryAfter { get; private set; }
        /// <summary>Moderation reasons (OpenRouter 403).</summary>
        public List<string> Reasons { get; } = new List<string>();

        /// <summary>True when any of the fields says "the prompt does not fit the context".</summary>
        public bool IsContextLengthError =>
            Is(Type, "exceed_context_size_error") || Is(CodeText, "context_length_exceeded") || Is(ErrorType, "context_length_exceeded")
            || Message.IndexOf("maximum context length", StringComparison.OrdinalIgnoreCase) >= 0
            || Message.IndexOf("exceeds the available context size", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>Reads a whole response body; <paramref name="reasonPhrase"/> stands in for an empty one.</summary>
        public static ErrorBody Parse(string? body, string? reasonPhrase)
        {
            string text = (body ?? string.Empty).Trim();
            var result = new ErrorBody();
            if (text.StartsWith("{", StringComparison.Ordinal))
            {
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(text);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out JsonElement error))
                    {
                        result.Read(error);
                        return result;
                    }
                }
                catch (JsonException)
                {
                    // Not JSON after all: treated as text below.
                }
            }
            result.Message = text.Length > 0 ? TextExcerpt(text) : reasonPhrase ?? "no details";
            return result;
        }

        /// <summary>Reads the value of an <c>error</c> property (a string or an object).</summary>
        public static ErrorBody FromElement(JsonElement error)
        {
            var result = new ErrorBody { Message = "the server reported an error" };
            result.Read(error);
            return result;
        }

        private void Read(JsonElement error)
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                IsOllamaShape = true;
                Message = Messages.Excerpt(error.GetString() ?? string.Empty);
                return;
            }
            if (error.ValueKind != JsonValueKind.Object)
            {
                Message = Messages.Excerpt(error.GetRawText());
                return;
            }
            IsOpenAIShape = true;
            if (error.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String) Message = Messages.Excerpt(message.GetString() ?? string.Empty);
            if (error.TryGetProperty("code", out JsonElement code))
            {
                if (code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out int c)) Code = c;
                else if (code.ValueKind == JsonValueKind.String) CodeText = code.GetString();
            }
            if (Code is null && error.TryGetProperty("http_status", out JsonElement status) && status.ValueKind == JsonValueKind.Number && status.TryGetInt32(out int h)) Code = h;
            if (error.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String) Type = type.GetString();
            if (error.TryGetProperty("error_type", out JsonElement errorType) && errorType.ValueKind == JsonValueKind.String) ErrorType = errorType.GetString();
            if (error.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                if (metadata.TryGetProperty("error_type", out JsonElement t) && t.ValueKind == JsonValueKind.String) ErrorType = t.GetString();
                if (metadata.TryGetProperty("reasons", out JsonElement reasons) && reasons.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement r in reasons.EnumerateArray()) if (r.ValueKind == JsonValueKind.String) Reasons.Add(Messages.Excerpt(r.GetString()!, 60));
                }
            }
            if (error.TryGetProperty("availability", out JsonElement availability) && availability.ValueKind == JsonValueKind.Object)
            {
                if (availability.TryGetProperty("code", out JsonElement a) && a.ValueKind == JsonValueKind.String) AvailabilityCode = a.GetString();
                if (availability.TryGetProperty("retryable", out JsonElement retry) && (retry.ValueKind == JsonValueKind.True || retry.ValueKind == JsonValueKind.False))
                    Retryable = retry.GetBoolean();
                if (availability.TryGetProperty("retry_after", out JsonElement after) && after.ValueKind == JsonValueKind.Number)
                    RetryAfter = TimeSpan.FromSeconds(after.GetDouble());
            }
        }

        private static readonly Regex Title = new Regex(@"<title[^>]*>(?<t>.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
        private static readonly Regex Tag = new Regex(@"<[^>]*>", RegexOptions.CultureInvariant);

        /// <summary>One short line of a text or HTML body: an HTML page's title, else its first line of text.</summary>
        internal static string TextExcerpt(string body)
        {
            if (body.IndexOf('<') >= 0)
            {
                Match title = Title.Match(body);
                if (title.Success && title.Groups["t"].Value.Trim().Length > 0) return Messages.Excerpt(System.Net.WebUtility.HtmlDecode(title.Groups["t"].Value));
                body = Tag.Replace(body, "\n");
            }
            foreach (string line in body.Split('\n'))
            {
                string trimmed = line.Trim();
                if (trimmed.Length > 0) return Messages.Excerpt(System.Net.WebUtility.HtmlDecode(trimmed));
            }
            return string.Empty;
        }

        private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);
    }
}
