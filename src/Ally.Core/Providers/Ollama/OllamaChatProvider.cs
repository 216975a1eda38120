using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;
using OllamaChatRequest = OllamaSharp.Models.Chat.ChatRequest;
using OllamaChatRole = OllamaSharp.Models.Chat.ChatRole;
using OllamaMessage = OllamaSharp.Models.Chat.Message;

namespace Ally.Providers.Ollama
{
    /// <summary>
    /// Chat with a local (or remote) Ollama server through OllamaSharp, on Ally's own HttpClient.
    /// Always streams on the wire: that keeps memory flat, lets Ctrl+C stop generation, and lets a
    /// mid-stream error line be seen.
    /// </summary>
    public sealed class OllamaChatProvider : IChatProvider
    {
        /// <summary>The provider's name.</summary>
        public const string ProviderName = "ollama";

        private readonly OllamaConnection _connection;

        /// <summary>Creates a provider for the Ollama server at <paramref name="host"/> (normalised, ending in '/').</summary>
        public OllamaChatProvider(Uri host)
        {
            Host = host;
            _connection = OllamaConnection.For(host);
        }

        /// <inheritdoc />
        public string Name => ProviderName;

        /// <summary>The server's base address.</summary>
        public Uri Host { get; }

        /// <inheritdoc />
        public void Validate(ChatRequest request) => BuildOptions(request);

        /// <inheritdoc />
        public async Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken)
        {
            var wire = new OllamaChatRequest
            {
                Model = request.Model,
                Messages = request.Messages.Select(ToOllama).ToList(),
                Options = BuildOptions(request),
                Stream = true,
            };

            OllamaConnection.FlowCancellation(cancellationToken);
            try
            {
                await foreach (ChatResponseStream? chunk in _connection.Client.ChatAsync(wire, cancellationToken).ConfigureAwait(false))
                {
                    if (chunk is null) continue;
                    OllamaMessage? message = chunk.Message;
                    if (message != null)
                    {
                        answer.AppendThinking(message.Thinking);
                        answer.AppendContent(message.Content);
                    }
                    if (chunk is ChatDoneResponseStream done)
                    {
                        answer.IsDone = true;
                        answer.FinishReason = string.IsNullOrEmpty(done.DoneReason) ? "stop" : done.DoneReason;
                        answer.PromptTokens = done.PromptEvalCount;
                        answer.CompletionTokens = done.EvalCount;
                        answer.TotalDuration = FromNanoseconds(done.TotalDuration);
                        answer.LoadDuration = FromNanoseconds(done.LoadDuration);
                        answer.PromptDuration = FromNanoseconds(done.PromptEvalDuration);
                        answer.CompletionDuration = FromNanoseconds(done.EvalDuration);
                    }
                    if (!string.IsNullOrEmpty(chunk.Model)) answer.Model = chunk.Model;
                }
            }
            catch (Exception ex) when (_connection.Failure(ex, request.Model, cancellationToken, answer.HasReceived, lostRemedy: Messages.PartialKeptRemedy) is AllyException failure)
            {
                throw failure;
            }
            catch (Exception ex) when (ex is System.IO.IOException && !cancellationToken.IsCancellationRequested)
            {
                throw Truncated(ex);
            }

            if (!answer.IsDone) throw Truncated(null);
        }

        private AllyException Truncated(Exception? inner) =>
            new AllyException("StreamTruncated", AllyErrorCategory.ProviderError, Messages.StreamTruncated("Ollama"), Messages.PartialKeptRemedy, inner);

        private static OllamaMessage ToOllama(ChatMessage m)
        {
            OllamaChatRole role = m.Role switch
            {
                ChatMessage.Roles.System => OllamaChatRole.System,
                ChatMessage.Roles.Assistant => OllamaChatRole.Assistant,
                "tool" => OllamaChatRole.Tool,
                _ => OllamaChatRole.User,
            };
            return new OllamaMessage(role, m.Content) { Thinking = m.Thinking };
        }

        private static TimeSpan? FromNanoseconds(long ns) => ns > 0 ? TimeSpan.FromTicks(ns / 100) : (TimeSpan?)null;

        /// <summary>Ollama's option names (its JSON names) mapped to OllamaSharp's typed properties.</summary>
        private static readonly Dictionary<string, System.Reflection.PropertyInfo> OptionProperties =
            typeof(RequestOptions).GetProperties()
                .Select(p => (Property: p, Name: p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false)
                    .Cast<System.Text.Json.Serialization.JsonPropertyNameAttribute>().FirstOrDefault()?.Name))
                .Where(x => x.Name != null)
                .ToDictionary(x => x.Name!, x => x.Property, StringComparer.OrdinalIgnoreCase);

        /// <summary>The names -Options accepts, sorted (for messages and completion).</summary>
        public static IReadOnlyList<string> OptionNames { get; } = OptionProperties.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();

        private static RequestOptions? BuildOptions(ChatRequest request)
        {
            var options = new RequestOptions();
            bool any = false;
            if (request.Options != null)
            {
                foreach (KeyValuePair<string, object?> pair in request.Options)
                {
                    if (!OptionProperties.TryGetValue(pair.Key, out System.Reflection.PropertyInfo? property))
                    {
                        throw new AllyException("UnknownOllamaOption", AllyErrorCategory.InvalidArgument, Messages.UnknownOllamaOption(pair.Key, OptionNames));
                    }
                    property.SetValue(options, ConvertOption(pair.Key, pair.Value, property.PropertyType));
                    any = true;
                }
            }
            if (request.MaxTokens is int max) { options.NumPredict = max; any = true; }
            if (request.Temperature is double t) { options.Temperature = (float)t; any = true; }
            return any ? options : null;
        }

        private static object? ConvertOption(string key, object? value, Type target)
        {
            if (value is null) return null;
            Type type = Nullable.GetUnderlyingType(target) ?? target;
            try
            {
                if (type == typeof(string[]))
                {
                    return value is System.Collections.IEnumerable list && !(value is string)
                        ? list.Cast<object?>().Select(o => Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).ToArray()
                        : new[] { Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty };
                }
                if (type == typeof(bool) && value is string s) return bool.Parse(s);
                object converted = Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
                if ((type == typeof(int) || type == typeof(long)) && Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) % 1 != 0)
                    throw new FormatException();
                return converted;
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException)
            {
                throw new AllyException("InvalidOllamaOption", AllyErrorCategory.InvalidArgument,
                    Messages.InvalidOllamaOptionValue(key, value, type == typeof(string[]) ? "list of strings" : type.Name.ToLowerInvariant()));
            }
        }
    }
}
