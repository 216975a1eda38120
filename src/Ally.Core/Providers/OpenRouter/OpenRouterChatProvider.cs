using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Ally.Http;

namespace Ally.Providers.OpenRouter
{
    /// <summary>
    /// Chat through OpenRouter's OpenAI-compatible API (protocols §3), or through any compatible
    /// server (llama.cpp, vLLM, LM Studio) at another base address. Always streams (SSE): memory stays
    /// flat, Ctrl+C stops billing on providers that support it, and mid-stream errors are seen.
    /// </summary>
    public sealed class OpenRouterChatProvider : IChatProvider
    {
        /// <summary>The provider's name.</summary>
        public const string ProviderName = "openrouter";

        private static readonly HashSet<string> ReservedOptions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "model", "messages", "stream" };
        private static readonly Regex ModelId = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._:-]*$", RegexOptions.CultureInvariant);

        private readonly OpenRouterOptions _options;
        private readonly HttpClient _http;

        /// <summary>Creates a provider.</summary>
        public OpenRouterChatProvider(OpenRouterOptions options)
        {
            _options = options;
            _http = AllyHttp.For(ProviderName, options.BaseUrl);
        }

        /// <inheritdoc />
        public string Name => ProviderName;

        /// <summary>The server's display name for messages: OpenRouter itself, or the compatible server's address.</summary>
        private string ServerName => _options.IsOfficial ? "OpenRouter" : "the server";

        /// <summary>True when <paramref name="model"/> has OpenRouter's vendor/model[:variant] form.</summary>
        public static bool IsValidModelId(string? model) => !string.IsNullOrWhiteSpace(model) && ModelId.IsMatch(model!);

        /// <inheritdoc />
        public void Validate(ChatRequest request)
        {
            if (request.Options is null) return;
            foreach (string key in request.Options.Keys)
            {
                if (ReservedOptions.Contains(key))
                    throw new AllyException("ReservedOption", AllyErrorCategory.InvalidArgument, Messages.ReservedOption(key));
            }
        }

        /// <inheritdoc />
        public async Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
        {
            using HttpRequestMessage message = CreateRequest(request);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw ConnectionFailure(ex, received: false);
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    throw OpenRouterErrors.FromStatus((int)response.StatusCode, OpenRouterErrors.Parse(body, response.ReasonPhrase),
                        HttpErrors.RetryAfter(response), request.Model, ServerName);
                }

                try
                {
                    using Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                    string? mediaType = response.Content.Headers.ContentType?.MediaType;
                    if (string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
                    {
                        await ReadStreamAsync(new SseReader(stream), answer, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        // A compatible server that ignored "stream": one JSON completion.
                        using JsonDocument doc = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
                        ReadChunk(doc.RootElement, answer, streamed: false);
                        if (!answer.IsDone) answer.IsDone = true;
                    }
                }
                catch (JsonException ex)
                {
                    throw new AllyException("InvalidResponse", AllyErrorCategory.InvalidData, Messages.InvalidResponse(ServerName, ex.Message), null, ex);
                }
                catch (Exception ex) when ((ex is IOException || ex is HttpRequestException) && !cancellationToken.IsCancellationRequested)
                {
                    throw new AllyException("StreamTruncated", AllyErrorCategory.ProviderError, Messages.StreamTruncated(ServerName),
                        answer.HasReceived ? Messages.PartialKeptRemedy : null, ex) { IsTransient = !answer.HasReceived };
                }
            }

            if (!answer.IsDone)
            {
                throw new AllyException("StreamTruncated", AllyErrorCategory.ProviderError, Messages.StreamTruncated(ServerName),
                    answer.HasReceived ? Messages.PartialKeptRemedy : null) { IsTransient = !answer.HasReceived };
            }
        }

        private HttpRequestMessage CreateRequest(ChatRequest request)
        {
            var body = new MemoryStream();
            using (var json = new Utf8JsonWriter(body))
            {
                json.WriteStartObject();
                json.WriteString("model", request.Model);
                json.WriteStartArray("messages");
                foreach (ChatMessage m in request.Messages)
                {
                    json.WriteStartObject();
                    json.WriteString("role", m.Role);
                    json.WriteString("content", m.Content);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteBoolean("stream", true);
                if (request.MaxTokens is int max) json.WriteNumber("max_tokens", max);
                if (request.Temperature is double t) json.WriteNumber("temperature", t);
                if (request.Options != null)
                {
                    foreach (KeyValuePair<string, object?> option in request.Options)
                    {
                        if (option.Key == "max_tokens" && request.MaxTokens != null) continue;
                        if (option.Key == "temperature" && request.Temperature != null) continue;
                        json.WritePropertyName(option.Key);
                        JsonValueWriter.Write(json, option.Value);
                    }
                }
                json.WriteEndObject();
            }

            var content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var message = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = content };
            ApplyHeaders(message, _options);
            message.Headers.Accept.ParseAdd("text/event-stream");
            return message;
        }

        /// <summary>Authorization (only when there is a key) and OpenRouter's attribution headers.</summary>
        internal static void ApplyHeaders(HttpRequestMessage message, OpenRouterOptions options)
        {
            if (options.ApiKey is { IsEmpty: false } key) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
            if (options.Referer.Length > 0) message.Headers.TryAddWithoutValidation("HTTP-Referer", options.Referer);
            if (options.Title.Length > 0) message.Headers.TryAddWithoutValidation("X-OpenRouter-Title", options.Title);
        }

        private async Task ReadStreamAsync(SseReader reader, ChatAccumulator answer, CancellationToken cancellationToken)
        {
            string? data;
            while ((data = await reader.ReadEventAsync(cancellationToken).ConfigureAwait(false)) != null)
            {
                if (data == "[DONE]")
                {
                    answer.IsDone = answer.IsDone || answer.FinishReason != null;
                    return;
                }
                using JsonDocument doc = JsonDocument.Parse(data);
                ReadChunk(doc.RootElement, answer, streamed: true);
            }
        }

        /// <summary>Applies one chunk (or a whole non-streamed completion) to the answer.</summary>
        private void ReadChunk(JsonElement root, ChatAccumulator answer, bool streamed)
        {
            if (root.ValueKind != JsonValueKind.Object) return;
            if (root.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.String && model.GetString() is string name && name.Length > 0)
                answer.Model = name;

            if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
            {
                if (usage.TryGetProperty("prompt_tokens", out JsonElement p) && p.TryGetInt32(out int prompt)) answer.PromptTokens = prompt;
                if (usage.TryGetProperty("completion_tokens", out JsonElement c) && c.TryGetInt32(out int completion)) answer.CompletionTokens = completion;
                if (usage.TryGetProperty("cost", out JsonElement cost) && cost.ValueKind == JsonValueKind.Number && cost.TryGetDecimal(out decimal usd)) answer.Cost = usd;
            }

            JsonElement? choiceError = null;
            if (root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                JsonElement choice = choices[0];
                string part = streamed ? "delta" : "message";
                if (choice.TryGetProperty(part, out JsonElement delta) && delta.ValueKind == JsonValueKind.Object)
                {
                    if (delta.TryGetProperty("reasoning", out JsonElement reasoning) && reasoning.ValueKind == JsonValueKind.String) answer.AppendThinking(reasoning.GetString());
                    if (delta.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String) answer.AppendContent(content.GetString());
                }
                if (choice.TryGetProperty("finish_reason", out JsonElement finish) && finish.ValueKind == JsonValueKind.String)
                {
                    string reason = finish.GetString()!;
                    if (reason == "error") choiceError = choice.TryGetProperty("error", out JsonElement e) ? e : (JsonElement?)null;
                    else
                    {
                        answer.FinishReason = reason;
                        answer.IsDone = true;
                    }
                }
            }

            // A provider error after the stream started: a top-level error and/or finish_reason "error".
            JsonElement? error = root.TryGetProperty("error", out JsonElement top) ? top : choiceError;
            if (error is JsonElement found || (choiceError is null && IsErrorFinish(root)))
            {
                var body = new OpenRouterErrors.ErrorBody { Message = "the provider reported an error" };
                if (error is JsonElement value) OpenRouterErrors.Read(value, body);
                throw OpenRouterErrors.MidStream(body, ServerName);
            }
        }

        private static bool IsErrorFinish(JsonElement root) =>
            root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0].TryGetProperty("finish_reason", out JsonElement f) && f.ValueKind == JsonValueKind.String && f.GetString() == "error";

        private AllyException ConnectionFailure(HttpRequestException ex, bool received)
        {
            string reason = HttpErrors.Reason(ex);
            if (received || !HttpErrors.IsConnectFailure(ex))
            {
                return new AllyException("ConnectionLost", AllyErrorCategory.ConnectionError, Messages.ConnectionLost(ServerName, _options.BaseUrl, reason), null, ex)
                {
                    IsTransient = true,
                };
            }
            return new AllyException("ProviderUnreachable", AllyErrorCategory.ConnectionError, Messages.ProviderUnreachable(ServerName, _options.BaseUrl, reason),
                Messages.ProviderUnreachableRemedy, ex);
        }
    }
}
