using System.Collections.Generic;
using Ally.Configuration;
using Ally.Http;
using Ally.Providers;
using Ally.Providers.OpenAI;
using Xunit;

namespace Ally.Tests
{
    /// <summary>A refused key says where to check it: the provider's own keys page, or the server's --api-key.</summary>
    public class KeyRemedyTests
    {
        private const string Refused = "{\"error\":{\"message\":\"Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";

        [Fact]
        public void OpenAIPointsAtItsKeysPage()
        {
            ProviderContext openAI = Context(ProviderRegistry.OpenAI, new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-wrong" });
            AllyException ex = OpenAIErrors.FromStatus(401, "Unauthorized", ErrorBody.Parse(Refused, null), null, "gpt-4o-mini", openAI);
            Assert.Equal("InvalidApiKey", ex.ErrorId);
            Assert.Contains("https://platform.openai.com/api-keys", ex.Remedy);
            Assert.Contains("OPENAI_API_KEY", ex.Remedy);
        }

        [Fact]
        public void ACompatibleServerPointsAtItsApiKeyOption()
        {
            ProviderContext llama = Context(ProviderRegistry.OpenAI, new Dictionary<string, string?>
            {
                ["ALLY_OPENAI_BASE_URL"] = "http://127.0.0.1:8080/v1", ["OPENAI_API_KEY"] = "wrong",
            });
            string body = "{\"error\":{\"code\":401,\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}";
            AllyException ex = OpenAIErrors.FromStatus(401, "Unauthorized", ErrorBody.Parse(body, null), null, "m", llama);
            Assert.Contains("--api-key", ex.Remedy);
            Assert.DoesNotContain("platform.openai.com", ex.Remedy);
        }

        [Fact]
        public void OpenRouterPointsAtItsKeysPage()
        {
            ProviderContext openRouter = Context(ProviderRegistry.OpenRouter, new Dictionary<string, string?> { ["OPENROUTER_API_KEY"] = "sk-or-v1-test" });
            string body = "{\"error\":{\"code\":401,\"message\":\"User not found.\"}}";
            AllyException ex = OpenAIErrors.FromStatus(401, "Unauthorized", ErrorBody.Parse(body, null), null, "openai/gpt-4o", openRouter);
            Assert.Contains("https://openrouter.ai/settings/keys", ex.Remedy);
        }

        private static ProviderContext Context(ProviderDescriptor provider, Dictionary<string, string?> env) =>
            ProviderContext.Resolve(provider, SettingsResolver.Create(null, n => env.TryGetValue(n, out string? v) ? v : null), null, requireKey: false);
    }
}
