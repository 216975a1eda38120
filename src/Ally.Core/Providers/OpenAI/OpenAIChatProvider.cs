using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.Async;
using Ally.Http;
using Ally.Tools;

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
                    SseReader reader = events = new SseReader(stream);
                    await reader.ReadAsync(() => ReadEvents(reader, answer), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // A compatible server that ignored "stream": one JSON completion.
                    using var body = new MemoryStream();
                    await stream.CopyToAsync(body, 81920, cancellationToken).ConfigureAwait(false);
                    ReadChunk(new ReadOnlySpan<byte>(body.GetBuffer(), 0, (int)body.Length), answer, streamed: false, _connection.ServerName);
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
            foreach (ChatMessage m in request.Messages) WriteMessage(json, m);
            json.WriteEndArray();
            if (request.Tools != null) ToolSchemas.WriteTools(json, request.Tools);
            if (request.Format != null) WriteResponseFormat(json, request.Format);
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
                    if (option.Key == "tools" && request.Tools != null) continue;
                    if (option.Key == "response_format" && request.Format != null) continue;
                    json.WritePropertyName(option.Key);
                    JsonValueWriter.Write(json, option.Value);
                }
            }
            json.WriteEndObject();
        }

        /// <summary>
        /// One message: an assistant turn's tool calls with their arguments as a JSON string, and a tool
        /// result with the id of the call it answers (protocols §3.5).
        /// </summary>
        private static void WriteMessage(Utf8JsonWriter json, ChatMessage m)
        {
            json.WriteStartObject();
            json.WriteString("role", m.Role);
            json.WriteString("content", m.Content);
            if (m.ToolCalls != null)
            {
                json.WriteStartArray("tool_calls");
                foreach (ToolCall call in m.ToolCalls)
                {
                    json.WriteStartObject();
                    json.WriteString("id", call.Id);
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WriteString("name", call.Name);
                    json.WriteString("arguments", call.Arguments);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            if (m.ToolCallId != null) json.WriteString("tool_call_id", m.ToolCallId);
            json.WriteEndObject();
        }

        /// <summary><c>response_format</c>: <c>json_object</c> for any JSON, <c>json_schema</c> with the schema (protocols §3.2).</summary>
        private static void WriteResponseFormat(Utf8JsonWriter json, string format)
        {
            json.WriteStartObject("response_format");
            if (format == "json") json.WriteString("type", "json_object");
            else
            {
                json.WriteString("type", "json_schema");
                json.WriteStartObject("json_schema");
                json.WriteString("name", "answer");
                json.WritePropertyName("schema");
                json.WriteRawValue(format);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        /// <summary>
        /// Applies the events already read (parsed in place: their bytes are never decoded to a string);
        /// true at <c>[DONE]</c>. Optimised at once: it runs per token, where the async caller runs per read.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        private bool ReadEvents(SseReader events, ChatAccumulator answer)
        {
            while (events.TryReadEvent())
            {
                ReadOnlySpan<byte> data = events.Data.Span;
                if (data.SequenceEqual(Done))
                {
                    answer.IsDone = answer.IsDone || answer.FinishReason != null;
                    return true;
                }
                ReadChunk(data, answer, streamed: true, _connection.ServerName);
            }
            return false;
        }

        /// <summary>
        /// Applies one chunk (or a whole non-streamed completion) to the answer, in one forward pass that
        /// reads only what Ally uses. Within a chunk, reasoning goes before content and the finish reason
        /// after both, whatever the order of the fields. An error in the chunk (a top-level <c>error</c>,
        /// or <c>finish_reason: "error"</c>) throws once the rest of the chunk is applied.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        internal static void ReadChunk(ReadOnlySpan<byte> json, ChatAccumulator answer, bool streamed, string serverName)
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
            bool error = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(ModelField))
                {
                    reader.Read();
                    // Every chunk names the model: a new string only when the name changes.
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueTextEquals(answer.Model) && reader.GetString() is string name && name.Length > 0)
                        answer.Model = name;
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals(UsageField))
                {
                    // Usage arrives on the last content chunk (llama.cpp), or on a chunk of its own with empty choices (OpenAI, OpenRouter).
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) ReadUsage(ref reader, answer);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals(ChoicesField))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray) error |= ReadChoices(ref reader, json, answer, streamed);
                    else reader.Skip();
                }
                else
                {
                    error |= reader.ValueTextEquals(ErrorField);
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) throw new JsonException();
            if (error) throw ChunkError(json, serverName);
        }

        private static void ReadUsage(ref Utf8JsonReader reader, ChatAccumulator answer)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(PromptTokensField)) { reader.Read(); if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int prompt)) answer.PromptTokens = prompt; }
                else if (reader.ValueTextEquals(CompletionTokensField)) { reader.Read(); if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int completion)) answer.CompletionTokens = completion; }
                else if (reader.ValueTextEquals(CostField)) { reader.Read(); if (reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out decimal usd)) answer.Cost = usd; }
                else reader.Read();
                reader.Skip();
            }
        }

        /// <summary>Reads the choices array (the first choice is the answer); true when it reports an error.</summary>
        private static bool ReadChoices(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ChatAccumulator answer, bool streamed)
        {
            bool error = false;
            if (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
                string? thinking = null, thinkingContent = null, content = null, finish = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals(streamed ? DeltaField : MessageField))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            reader.Skip();
                            continue;
                        }
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            if (reader.ValueTextEquals(ReasoningField)) thinking = ReadText(ref reader);
                            else if (reader.ValueTextEquals(ReasoningContentField)) thinkingContent = ReadText(ref reader);
                            else if (reader.ValueTextEquals(ContentField)) content = ReadText(ref reader);
                            else if (reader.ValueTextEquals(ToolCallsField))
                            {
                                reader.Read();
                                if (reader.TokenType == JsonTokenType.StartArray) ToolCallJson.Read(ref reader, json, answer, pieces: true);
                                else reader.Skip();
                            }
                            else
                            {
                                reader.Read();
                                reader.Skip();
                            }
                        }
                    }
                    else if (reader.ValueTextEquals(FinishReasonField)) finish = ReadText(ref reader);
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                answer.AppendThinking(thinking ?? thinkingContent);
                answer.AppendContent(content);
                if (finish == "error") error = true;
                else if (finish != null)
                {
                    answer.FinishReason = finish;
                    answer.IsDone = true;
                }
                // Later choices (n > 1) are not Ally's answer.
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) reader.Skip();
            }
            return error;
        }

        private static string? ReadText(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String) return reader.GetString();
            reader.Skip();
            return null;
        }

        /// <summary>
        /// The failure a chunk reports: its top-level <c>error</c>, else its first choice's, else a plain
        /// "the provider reported an error" (rare: parsed again as a document to read the error's shape).
        /// </summary>
        private static AllyException ChunkError(ReadOnlySpan<byte> json, string serverName)
        {
            using JsonDocument doc = JsonDocument.Parse(json.ToArray());
            JsonElement root = doc.RootElement;
            if (root.TryGetProperty("error", out JsonElement top)) return OpenAIErrors.MidStream(ErrorBody.FromElement(top), serverName);
            if (root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                && choices[0].ValueKind == JsonValueKind.Object && choices[0].TryGetProperty("error", out JsonElement choiceError))
                return OpenAIErrors.MidStream(ErrorBody.FromElement(choiceError), serverName);
            return OpenAIErrors.MidStream(new ErrorBody { Message = Messages.ProviderReportedError }, serverName);
        }

        private static readonly byte[] ModelField = Encoding.UTF8.GetBytes("model");
        private static readonly byte[] UsageField = Encoding.UTF8.GetBytes("usage");
        private static readonly byte[] ChoicesField = Encoding.UTF8.GetBytes("choices");
        private static readonly byte[] ErrorField = Encoding.UTF8.GetBytes("error");
        private static readonly byte[] PromptTokensField = Encoding.UTF8.GetBytes("prompt_tokens");
        private static readonly byte[] CompletionTokensField = Encoding.UTF8.GetBytes("completion_tokens");
        private static readonly byte[] CostField = Encoding.UTF8.GetBytes("cost");
        private static readonly byte[] DeltaField = Encoding.UTF8.GetBytes("delta");
        private static readonly byte[] MessageField = Encoding.UTF8.GetBytes("message");
        private static readonly byte[] ReasoningField = Encoding.UTF8.GetBytes("reasoning");
        private static readonly byte[] ReasoningContentField = Encoding.UTF8.GetBytes("reasoning_content");
        private static readonly byte[] ContentField = Encoding.UTF8.GetBytes("content");
        private static readonly byte[] FinishReasonField = Encoding.UTF8.GetBytes("finish_reason");
        private static readonly byte[] ToolCallsField = Encoding.UTF8.GetBytes("tool_calls");
    }
}
