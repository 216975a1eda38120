using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Ally.Structured
{
    /// <summary>
    /// The JSON an answer must be (-Format json, or -Schema), and the check of each answer: Ally's own,
    /// because servers may ignore the request (protocols §3.14). An answer that is not JSON of the asked
    /// shape is asked again, a bounded number of times, with what did not match.
    /// </summary>
    public sealed class StructuredAnswer
    {
        /// <summary>How many times a wrong answer is asked again by default.</summary>
        public const int DefaultRetries = 2;

        private StructuredAnswer(JsonSchemaCheck? schema) => Schema = schema;

        /// <summary>Any JSON value.</summary>
        public static StructuredAnswer AnyJson { get; } = new StructuredAnswer(null);

        /// <summary>JSON matching <paramref name="schemaText"/>; InvalidSchema when it is not a usable schema.</summary>
        public static StructuredAnswer ForSchema(string schemaText) => new StructuredAnswer(JsonSchemaCheck.Parse(schemaText));

        /// <summary>The schema, or null for any JSON.</summary>
        public JsonSchemaCheck? Schema { get; }

        /// <summary>The request's format: "json", or the schema text.</summary>
        public string RequestFormat => Schema?.Text ?? "json";

        /// <summary>What is added to the question, so that a model whose server ignores the format still knows what to write.</summary>
        public string Instruction => Schema is null
            ? Messages.AnswerWithJson
            : Messages.AnswerWithSchema(Schema.Text);

        /// <summary>The JSON text of <paramref name="content"/> when it is JSON of the asked shape; else null, with what is wrong.</summary>
        public string? Check(string content, out IReadOnlyList<string> problems)
        {
            string text = Unfence(content);
            try
            {
                using JsonDocument document = JsonDocument.Parse(text);
                problems = Schema?.Problems(document.RootElement) ?? Array.Empty<string>();
                return problems.Count == 0 ? text : null;
            }
            catch (JsonException ex)
            {
                problems = new[] { Messages.AnswerNotJson(Messages.Excerpt(ex.Message, 120)) };
                return null;
            }
        }

        /// <summary>The text inside a Markdown code fence (```json … ```), which models often add; otherwise the text, trimmed.</summary>
        internal static string Unfence(string content)
        {
            string text = content.Trim();
            if (!text.StartsWith("```", StringComparison.Ordinal)) return text;
            int firstLine = text.IndexOf('\n');
            int end = text.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLine < 0 || end <= firstLine) return text;
            return text.Substring(firstLine + 1, end - firstLine - 1).Trim();
        }
    }
}
