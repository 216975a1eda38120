using System;
using Ally.Configuration;

namespace Ally.Providers.OpenRouter
{
    /// <summary>How to reach OpenRouter, or any OpenAI-compatible server at another base address.</summary>
    public sealed class OpenRouterOptions
    {
        /// <summary>OpenRouter's own API address.</summary>
        public static readonly Uri OfficialBaseUrl = new Uri("https://openrouter.ai/api/v1/");

        /// <summary>Creates options; <paramref name="baseUrl"/> is normalised to end in '/'.</summary>
        public OpenRouterOptions(Uri baseUrl, ApiKey? apiKey, string referer, string title)
        {
            BaseUrl = baseUrl.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
            ApiKey = apiKey;
            Referer = referer;
            Title = title;
        }

        /// <summary>The API base address, ending in '/'.</summary>
        public Uri BaseUrl { get; }
        /// <summary>The key, or null for a server that needs none.</summary>
        public ApiKey? ApiKey { get; }
        /// <summary>Sent as HTTP-Referer (OpenRouter app attribution).</summary>
        public string Referer { get; }
        /// <summary>Sent as X-OpenRouter-Title (OpenRouter app attribution).</summary>
        public string Title { get; }

        /// <summary>True for openrouter.ai itself (keys required, model ids are vendor/model).</summary>
        public bool IsOfficial => IsOfficialHost(BaseUrl);

        /// <summary>True when <paramref name="baseUrl"/> is openrouter.ai.</summary>
        public static bool IsOfficialHost(Uri baseUrl) => string.Equals(baseUrl.Host, OfficialBaseUrl.Host, StringComparison.OrdinalIgnoreCase);
    }
}
