using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;

namespace Ally.Bench
{
    /// <summary>A careful hand-written OpenRouter client: one HttpClient, SSE read line by line, content deltas parsed.</summary>
    public static class RawOpenRouter
    {
        private static readonly HttpClient Client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };

        /// <summary>One streamed chat request; returns the answer.</summary>
        public static string Chat(string url, string key, string body) => Read(url, key, body, null);

        /// <summary>Streams an answer, writing each token to <paramref name="output"/>; returns the token count.</summary>
        public static int Stream(string url, string key, string body, TextWriter output)
        {
            int tokens = 0;
            Read(url, key, body, token => { output.Write(token); tokens++; });
            output.WriteLine();
            output.Flush();
            return tokens;
        }

        private static string Read(string url, string key, string body, Action<string>? onToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using HttpResponseMessage response = Client.Send(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(response.Content.ReadAsStream());
            var answer = new StringBuilder();
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                string data = line.Substring(6);
                if (data == "[DONE]") break;
                using JsonDocument doc = JsonDocument.Parse(data);
                if (doc.RootElement.TryGetProperty("choices", out JsonElement choices) && choices.GetArrayLength() > 0
                    && choices[0].TryGetProperty("delta", out JsonElement delta) && delta.TryGetProperty("content", out JsonElement content))
                {
                    string? token = content.GetString();
                    if (!string.IsNullOrEmpty(token))
                    {
                        answer.Append(token);
                        onToken?.Invoke(token!);
                    }
                }
            }
            return answer.ToString();
        }
    }
}
