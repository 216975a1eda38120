using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Async;
using Ally.Http;

namespace Ally.Providers.OpenAI
{
    /// <summary>
    /// Chat through an OpenAI-compatible <c>chat/completions</c> API: OpenRouter (protocols §3), OpenAI,
    /// or a compatible server such as llama.cpp's, vLLM or LM Studio (§3.13). Always streams (SSE):
    /// memory stays flat, Ctrl+C stops billing on providers that support it, and mid-stream errors are
    /// seen. Asks for usage in the stream (<c>stream_options.include_usage</c>), which OpenAI and the
    /// compatible servers send only then; reads reasoning as OpenRouter (<c>delta.reasoning</c>) and the
    /// compatible servers (<c>delta.reasoning_content</c>) send it.
    /// </summary>
    internal sealed class OpenAIChatProvider : IChatProvider
    {
        private static readonly HashSet<string> ReservedOptions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "model", "messages", "stream", "stream_options" };

        private static readonly byte[] Done = { (byte)'[', (byte)'D', (byte)'O', (byte)'N', (byte)'E', (byte)']' };

        private readonly OpenAIConnection _connection;

        public OpenAIChatProvider(ProviderContext context)
        {
            Name = context.Provider.Name;
            _connection = new OpenAIConnection(context);
        }

        public string Name { get; }

        /// <summary>Checks -Options: any extra request field except those Ally sets itself.</summary>
        public static void CheckOptions(IReadOnlyDictionary<string, object?> options)
        {
            foreach (string key in options.Keys)
            {
                if (ReservedOptions.Contains(key)) throw new AllyException(ErrorIds.ReservedOption, Messages.ReservedOption(key));
            }
        }

        public async Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
        {
            using HttpRequestMessage message = _connection.CreateRequest(HttpMethod.Post, "chat/completions", json => WriteRequest(json, request), stream: true);
            using HttpResponseMessage response = await _connection.SendAsync(message, request.Model, cancellationToken).ConfigureAwait(false);
            SseReader? events = null;
            try
            {
                using Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                string? mediaType = response.Content.Headers.ContentType?.MediaType;
                if (string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    events = new SseReader(stream);
                    while (await events.ReadEventAsync(cancellationToken).ConfigureAwait(false))
                    {
                        ReadOnlyMemory<byte> data = events.Data;
                        if (data.Span.SequenceEqual(Done))
                        {
                            answer.IsDone = answer.IsDone || answer.FinishReason != null;
                            await events.FinishAsync(cancellationToken).ConfigureAwait(false);
                            break;
                        }
                        // Parsed in place: the event's bytes are never decoded to a string.
                        using JsonDocument doc = JsonDocument.Parse(data);
                        ReadChunk(doc.RootElement, answer, streamed: true);
                    }
                }
                else
                {
                    // A compatible server that ignored "stream": one JSON completion.
                    using JsonDocument doc = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
                    ReadChunk(doc.RootElement, answer, streamed: false);
                    answer.IsDone = true;
                }
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
            {
                throw new AllyException(ErrorIds.MalformedStream, Messages.MalformedStream(_connection.ServerName, Messages.Excerpt(events?.DataText ?? string.Empty, 120)),
                    Messages.MalformedStreamRemedy, ex);
            }
            catch (Exception ex) when (ChatFailures.WhileReading(ex, answer, cancellationToken, _connection.ServerName, _connection.ConnectionFailure) is Exception failure)
            {
                throw failure;
            }

            if (!answer.IsDone) throw ChatFailures.Truncated(_connection.ServerName, answer, null);
        }

        private static void WriteRequest(Utf8JsonWriter json, ChatRequest request)
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
            // Token counts in the stream: OpenAI and the compatible servers send them only when asked
            // (OpenRouter always does, and ignores the field).
            json.WriteStartObject("stream_options");
            json.WriteBoolean("include_usage", true);
            json.WriteEndObject();
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

        /// <summary>Applies one chunk (or a whole non-streamed completion) to the answer.</summary>
        [MethodImpl(HotPath.Optimize)]
        private void ReadChunk(JsonElement root, ChatAccumulator answer, bool streamed)
        {
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException();
            // Every chunk names the model: a new string only when the name changes.
            if (root.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.String && !model.ValueEquals(answer.Model)
                && model.GetString() is string name && name.Length > 0)
                answer.Model = name;

            // Usage arrives on the last content chunk (llama.cpp), or on a chunk of its own with empty choices (OpenAI, OpenRouter).
            if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
            {
                if (usage.TryGetProperty("prompt_tokens", out JsonElement p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out int prompt)) answer.PromptTokens = prompt;
                if (usage.TryGetProperty("completion_tokens", out JsonElement c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out int completion)) answer.CompletionTokens = completion;
                if (usage.TryGetProperty("cost", out JsonElement cost) && cost.ValueKind == JsonValueKind.Number && cost.TryGetDecimal(out decimal usd)) answer.Cost = usd;
            }

            JsonElement? choiceError = null;
            bool errorFinish = false;
            if (root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                JsonElement choice = choices[0];
                if (choice.TryGetProperty(streamed ? "delta" : "message", out JsonElement delta) && delta.ValueKind == JsonValueKind.Object)
                {
                    if (delta.TryGetProperty("reasoning", out JsonElement reasoning) && reasoning.ValueKind == JsonValueKind.String) answer.AppendThinking(reasoning.GetString());
                    else if (delta.TryGetProperty("reasoning_content", out JsonElement reasoningContent) && reasoningContent.ValueKind == JsonValueKind.String)
                        answer.AppendThinking(reasoningContent.GetString());
                    if (delta.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String) answer.AppendContent(content.GetString());
                }
                if (choice.TryGetProperty("finish_reason", out JsonElement finish) && finish.ValueKind == JsonValueKind.String)
                {
                    string reason = finish.GetString()!;
                    if (reason == "error")
                    {
                        errorFinish = true;
                        if (choice.TryGetProperty("error", out JsonElement e)) choiceError = e;
                    }
                    else
                    {
                        answer.FinishReason = reason;
                        answer.IsDone = true;
                    }
                }
            }

            // A provider error after the stream started: a top-level error and/or finish_reason "error".
            JsonElement? error = root.TryGetProperty("error", out JsonElement top) ? top : choiceError;
            if (error is JsonElement found) throw OpenAIErrors.MidStream(ErrorBody.FromElement(found), _connection.ServerName);
            if (errorFinish) throw OpenAIErrors.MidStream(new ErrorBody { Message = Messages.ProviderReportedError }, _connection.ServerName);
        }
    }
}
