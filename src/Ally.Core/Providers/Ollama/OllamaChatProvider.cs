using System;
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

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// Chat with an Ollama server over /api/chat, with Ally's own JSON: the request is written with
    /// <see cref="Utf8JsonWriter"/> and each NDJSON line is read in place with <see cref="Utf8JsonReader"/>.
    /// Always streams on the wire: memory stays flat, Ctrl+C stops generation, and an error line or a
    /// malformed line in the middle of the answer is seen (OllamaSharp would swallow both).
    /// </summary>
    internal sealed class OllamaChatProvider : IChatProvider
    {
        private const string ChatPath = "api/chat";
        private readonly OllamaConnection _connection;

        public OllamaChatProvider(ProviderContext context)
        {
            Name = context.Provider.Name;
            _connection = OllamaConnection.For(context);
        }

        public string Name { get; }

        public async Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
        {
            using HttpResponseMessage response = await _connection.PostStreamAsync(ChatPath, json => WriteRequest(json, request), request.Model, cancellationToken)
                .ConfigureAwait(false);
            try
            {
                using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var reader = new NdjsonReader(body);
                await reader.ReadAsync(() => ApplyLines(reader, answer), cancellationToken).ConfigureAwait(false);
            }
            catch (OllamaResponseException ex)
            {
                throw OllamaErrors.FromResponse(ex, _connection.Host, ChatPath, request.Model);
            }
            catch (Exception ex) when (ChatFailures.WhileReading(ex, answer, cancellationToken, "Ollama", _connection.ConnectionFailure) is Exception failure)
            {
                throw failure;
            }

            if (!answer.IsDone) throw ChatFailures.Truncated("Ollama", answer, null);
        }

        private static void WriteRequest(Utf8JsonWriter json, ChatRequest request)
        {
            json.WriteStartObject();
            json.WriteString("model", request.Model);
            Conversations.ConversationFile.WriteMessages(json, request.Messages);
            if (request.Tools != null) ToolSchemas.WriteTools(json, request.Tools);
            if (request.Format != null)
            {
                // "json", or the schema itself (protocols §1.3).
                json.WritePropertyName("format");
                if (request.Format == "json") json.WriteStringValue("json");
                else json.WriteRawValue(request.Format);
            }
            json.WriteBoolean("stream", true);
            OllamaOptions.WriteKeepAlive(json, request.KeepAlive);
            OllamaOptions.Write(json, request);
            json.WriteEndObject();
        }

        /// <summary>
        /// Applies the lines already read; true once the answer is done. Optimised at once: it runs per
        /// token, where the async caller runs per read.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        private static bool ApplyLines(NdjsonReader reader, ChatAccumulator answer)
        {
            while (reader.TryReadLine())
            {
                ApplyLine(reader.Line, answer);
                if (answer.IsDone) return true;
            }
            return false;
        }

        /// <summary>Applies one NDJSON line of /api/chat to the answer; an error line or a malformed line throws <see cref="OllamaResponseException"/>.</summary>
        [MethodImpl(HotPath.Optimize)]
        internal static void ApplyLine(ReadOnlySpan<byte> line, ChatAccumulator answer)
        {
            string? error = null;
            try
            {
                var reader = new Utf8JsonReader(line);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals(Message))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.StartObject) ReadMessage(ref reader, answer, line);
                        else reader.Skip();
                    }
                    else if (reader.ValueTextEquals(Model)) answer.Model = ReadString(ref reader) ?? answer.Model;
                    else if (reader.ValueTextEquals(Done)) { reader.Read(); if (reader.TokenType == JsonTokenType.True) answer.IsDone = true; }
                    else if (reader.ValueTextEquals(DoneReason)) answer.FinishReason = ReadString(ref reader);
                    else if (reader.ValueTextEquals(PromptEvalCount)) answer.PromptTokens = (int?)ReadLong(ref reader);
                    else if (reader.ValueTextEquals(EvalCount)) answer.CompletionTokens = (int?)ReadLong(ref reader);
                    else if (reader.ValueTextEquals(TotalDuration)) answer.TotalDuration = Nanoseconds(ReadLong(ref reader));
                    else if (reader.ValueTextEquals(LoadDuration)) answer.LoadDuration = Nanoseconds(ReadLong(ref reader));
                    else if (reader.ValueTextEquals(PromptEvalDuration)) answer.PromptDuration = Nanoseconds(ReadLong(ref reader));
                    else if (reader.ValueTextEquals(EvalDuration)) answer.CompletionDuration = Nanoseconds(ReadLong(ref reader));
                    else if (reader.ValueTextEquals(Error))
                    {
                        reader.Read();
                        error = reader.TokenType == JsonTokenType.String ? reader.GetString() : "the server reported an error";
                        reader.Skip();
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                // One object per line: anything after it is as broken as a line cut short.
                if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) throw new JsonException();
            }
            catch (JsonException)
            {
                throw OllamaErrorHandler.Malformed(line);
            }
            catch (InvalidOperationException)
            {
                // A value of the wrong JSON type (a number where text belongs, …).
                throw OllamaErrorHandler.Malformed(line);
            }
            if (error != null) throw new OllamaResponseException(null, null, new ErrorBody { Message = Messages.Excerpt(error) }, midStream: true);
            if (answer.IsDone && string.IsNullOrEmpty(answer.FinishReason)) answer.FinishReason = "stop";
        }

        private static void ReadMessage(ref Utf8JsonReader reader, ChatAccumulator answer, ReadOnlySpan<byte> line)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(Content)) answer.AppendContent(ReadString(ref reader));
                else if (reader.ValueTextEquals(Thinking)) answer.AppendThinking(ReadString(ref reader));
                else if (reader.ValueTextEquals(ToolCallsField))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray) ToolCallJson.Read(ref reader, line, answer, pieces: false);
                    else reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        private static string? ReadString(ref Utf8JsonReader reader)
        {
            reader.Read();
            string? value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
            return value;
        }

        private static long? ReadLong(ref Utf8JsonReader reader)
        {
            reader.Read();
            long? value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long number) ? number : (long?)null;
            reader.Skip();
            return value;
        }

        private static TimeSpan? Nanoseconds(long? ns) => ns is long n && n > 0 ? TimeSpan.FromTicks(n / 100) : (TimeSpan?)null;

        private static readonly byte[] Message = Encoding.UTF8.GetBytes("message");
        private static readonly byte[] Model = Encoding.UTF8.GetBytes("model");
        private static readonly byte[] Done = Encoding.UTF8.GetBytes("done");
        private static readonly byte[] DoneReason = Encoding.UTF8.GetBytes("done_reason");
        private static readonly byte[] PromptEvalCount = Encoding.UTF8.GetBytes("prompt_eval_count");
        private static readonly byte[] EvalCount = Encoding.UTF8.GetBytes("eval_count");
        private static readonly byte[] TotalDuration = Encoding.UTF8.GetBytes("total_duration");
        private static readonly byte[] LoadDuration = Encoding.UTF8.GetBytes("load_duration");
        private static readonly byte[] PromptEvalDuration = Encoding.UTF8.GetBytes("prompt_eval_duration");
        private static readonly byte[] EvalDuration = Encoding.UTF8.GetBytes("eval_duration");
        private static readonly byte[] Error = Encoding.UTF8.GetBytes("error");
        private static readonly byte[] Content = Encoding.UTF8.GetBytes("content");
        private static readonly byte[] Thinking = Encoding.UTF8.GetBytes("thinking");
        private static readonly byte[] ToolCallsField = Encoding.UTF8.GetBytes("tool_calls");
    }
}
