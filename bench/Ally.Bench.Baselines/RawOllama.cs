using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;

namespace Ally.Bench
{
    /// <summary>What a careful hand-written client does: one shared HttpClient, NDJSON read line by line.</summary>
    public static class RawOllama
    {
        private static readonly HttpClient Client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };

        /// <summary>One chat request; reads the NDJSON stream to the end and returns the answer.</summary>
        public static string Chat(string url, string body) => Read(url, body, null);

        /// <summary>Streams a chat answer, writing each token to <paramref name="output"/> as it arrives; returns the token count.</summary>
        public static int Stream(string url, string body, TextWriter output)
        {
            int tokens = 0;
            Read(url, body, token => { output.Write(token); tokens++; });
            output.WriteLine();
            output.Flush();
            return tokens;
        }

        private static string Read(string url, string body, Action<string>? onToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using HttpResponseMessage response = Client.Send(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(response.Content.ReadAsStream());
            var answer = new StringBuilder();
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                if (line.Length == 0) continue;
                using JsonDocument doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("error", out JsonElement error)) throw new InvalidOperationException(error.GetString());
                if (doc.RootElement.TryGetProperty("message", out JsonElement message) && message.TryGetProperty("content", out JsonElement content))
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
