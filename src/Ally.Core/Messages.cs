using System;
using System.Collections.Generic;
using System.Globalization;

namespace Ally
{
    /// <summary>
    /// Every message a user reads comes from here, so wording stays consistent and reviewable.
    /// </summary>
    internal static class Messages
    {
        private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

        public static string OllamaUnreachable(Uri host, string reason) =>
            F("Could not connect to Ollama at {0} ({1}).", host, reason);
        public const string OllamaUnreachableRemedy =
            "Start it with `ollama serve`, or set OLLAMA_HOST to the address it listens on.";

        public static string ConnectionLost(string provider, Uri host, string reason) =>
            F("The connection to {0} at {1} was lost ({2}).", provider, host, reason);

        public static string ModelNotFoundRemedy(string model) =>
            F("Run `Install-AllyModel {0}` to download it (or `ollama pull {0}`), or list installed models with `ollama list`.", model);

        public static string OllamaError(int status, string serverText) =>
            F("Ollama answered {0}: {1}", status, serverText);

        public const string ServerBusyRemedy = "Ollama's request queue is full; try again shortly or raise OLLAMA_MAX_QUEUE on the server.";

        public static string StreamError(string provider, string serverText) =>
            F("{0} reported an error while generating the answer: {1}", provider, serverText);
        public const string PartialKeptRemedy = "The part of the answer received before the error is on the exception's PartialResponse property.";

        public static string StreamTruncated(string provider) =>
            F("The connection to {0} ended before the answer was complete.", provider);

        public static string InvalidResponse(string provider, string detail) =>
            F("{0} sent a response Ally could not read: {1}", provider, detail);

        public static string Timeout(double seconds) =>
            F("The request did not finish within {0} seconds.", seconds);
        public const string TimeoutRemedy = "Raise -TimeoutSec (0 means no limit), use a smaller model, or lower -MaxTokens.";

        public const string PromptRequired = "No prompt was given and nothing was piped in.";
        public const string PromptRequiredRemedy = "Pass a prompt, e.g. Invoke-AllyChat \"Explain this\", or pipe text into the command.";

        public static string UnknownProvider(string value, string source, IEnumerable<string> known) =>
            F("'{0}' (from {1}) is not a known provider.", value, source) + " Use one of: " + string.Join(", ", known) + ".";

        public static string InvalidModelName(string value, string source) =>
            F("'{0}' (from {1}) is not a valid Ollama model name.", value, source);
        public const string InvalidModelNameRemedy = "Use name[:tag] or namespace/name[:tag], e.g. llama3.1 or llama3.2:3b.";

        public static string InvalidOllamaHost(string value, string detail) =>
            F("OLLAMA_HOST='{0}' cannot be used: {1}", value, detail);
        public const string InvalidOllamaHostRemedy = "Set it like Ollama expects, e.g. 127.0.0.1:11434 or http://server:11434.";

        public static string UnknownOllamaOption(string key, IEnumerable<string> known) =>
            F("'{0}' is not an Ollama option.", key) + " Valid options: " + string.Join(", ", known) + ".";

        public static string InvalidOllamaOptionValue(string key, object? value, string type) =>
            F("The Ollama option '{0}' needs a {2} value, not '{1}'.", key, value, type);
    }
}
