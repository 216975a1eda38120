using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using Ally.Configuration;
using Ally.Providers;
using Xunit;

namespace Ally.Tests
{
    public class ProviderRegistryTests
    {
        private static SettingsResolver Env(Dictionary<string, string?> env, Dictionary<string, object?>? parameters = null) =>
            SettingsResolver.Create(parameters, name => env.TryGetValue(name, out string? v) ? v : null);

        [Fact]
        public void KnowsFourProvidersByNameInAnyCase()
        {
            Assert.Equal(new[] { "ollama", "openrouter", "openai", "simple" }, ProviderRegistry.Names);
            Assert.Same(ProviderRegistry.OpenAI, ProviderRegistry.Find(" OpenAI "));
            Assert.Null(ProviderRegistry.Find("skynet"));
            Assert.Same(ProviderRegistry.Ollama, ProviderRegistry.Default);
        }

        [Fact]
        public void SaysWhatEachProviderCanDo()
        {
            Assert.True(ProviderRegistry.Ollama.Can(ProviderCapabilities.Chat | ProviderCapabilities.InstalledModels | ProviderCapabilities.Pull | ProviderCapabilities.Delete));
            Assert.False(ProviderRegistry.Ollama.Can(ProviderCapabilities.Catalog));
            Assert.True(ProviderRegistry.OpenRouter.Can(ProviderCapabilities.Chat | ProviderCapabilities.Catalog | ProviderCapabilities.Cost | ProviderCapabilities.CatalogFilters));
            Assert.False(ProviderRegistry.OpenRouter.Can(ProviderCapabilities.Pull));
            Assert.True(ProviderRegistry.OpenAI.Can(ProviderCapabilities.Chat | ProviderCapabilities.Catalog));
            Assert.False(ProviderRegistry.OpenAI.Can(ProviderCapabilities.Cost));
            Assert.Equal(new[] { "ollama" }, ProviderRegistry.With(ProviderCapabilities.Pull).Select(p => p.Name));
            Assert.Equal(new[] { "openrouter", "openai" }, ProviderRegistry.With(ProviderCapabilities.Catalog).Select(p => p.Name));
            Assert.Equal(new[] { "ollama", "openai", "simple" }, ProviderRegistry.With(ProviderCapabilities.Embeddings).Select(p => p.Name));
            Assert.Equal(new[] { "ollama", "openrouter", "openai" }, ProviderRegistry.With(ProviderCapabilities.Chat).Select(p => p.Name));
            Assert.Equal(ProviderCapabilities.Embeddings, ProviderRegistry.Simple.Capabilities);
        }

        [Fact]
        public void EachEmbeddingProviderHasADefaultModelAndTheSimpleOneIsTheDefault()
        {
            Assert.Equal("nomic-embed-text", ProviderRegistry.Ollama.DefaultEmbeddingModel);
            Assert.Equal("text-embedding-3-small", ProviderRegistry.OpenAI.DefaultEmbeddingModel);
            Assert.Equal("hash-v1", ProviderRegistry.Simple.DefaultEmbeddingModel);
            Assert.Null(ProviderRegistry.OpenRouter.DefaultEmbeddingModel);
            Assert.Same(ProviderRegistry.Simple, SettingsResolver.Create(environment: _ => null).Resolve(AllySettings.EmbeddingProvider).Value);
        }

        [Fact]
        public void EachProviderOwnsItsAddressAndKeySettings()
        {
            Assert.Equal("OLLAMA_HOST", ProviderRegistry.Ollama.AddressSetting!.EnvironmentVariable);
            Assert.Null(ProviderRegistry.Ollama.KeySetting);
            Assert.Equal("ALLY_OPENROUTER_BASE_URL", ProviderRegistry.OpenRouter.AddressSetting!.EnvironmentVariable);
            Assert.Equal("OPENROUTER_API_KEY", ProviderRegistry.OpenRouter.KeySetting!.EnvironmentVariable);
            Assert.Equal("ALLY_OPENAI_BASE_URL", ProviderRegistry.OpenAI.AddressSetting!.EnvironmentVariable);
            Assert.Null(ProviderRegistry.Simple.AddressSetting);
            Assert.Equal("OPENAI_API_KEY", ProviderRegistry.OpenAI.KeySetting!.EnvironmentVariable);
            foreach (ProviderDescriptor provider in ProviderRegistry.All)
            {
                if (provider.AddressSetting != null) Assert.Contains(provider.AddressSetting, provider.Settings);
                if (provider.KeySetting != null) Assert.Contains(provider.KeySetting, provider.Settings);
                Assert.True(provider.KeySetting is null || provider.KeySetting.IsSecret);
            }
        }

        [Theory]
        [InlineData("openrouter", null, true, "OpenRouter")]
        [InlineData("openrouter", "http://localhost:8080/v1", false, "the server at http://localhost:8080/v1/")]
        [InlineData("openai", null, true, "OpenAI")]
        [InlineData("openai", "http://127.0.0.1:8080/v1/", false, "the server at http://127.0.0.1:8080/v1/")]
        [InlineData("ollama", null, false, "Ollama")]
        public void AKeyIsRequiredByTheOfficialServicesOnly(string name, string? baseUrl, bool required, string serverName)
        {
            ProviderDescriptor provider = ProviderRegistry.Find(name)!;
            var env = new Dictionary<string, string?>();
            if (baseUrl != null) env[provider.AddressSetting.EnvironmentVariable!] = baseUrl;
            ProviderEndpoint endpoint = provider.ResolveEndpoint(Env(env));
            Assert.Equal(required, provider.RequiresKey(endpoint));
            Assert.Equal(serverName, provider.ServerName(endpoint));

            env["ALLY_PROVIDER"] = name;
            if (required)
            {
                var ex = Assert.Throws<AllyException>(() => ChatSettings.Resolve(Env(env), null, requireKey: true));
                Assert.Equal("ApiKeyRequired", ex.ErrorId);
                Assert.Contains(provider.KeySetting!.EnvironmentVariable!, ex.Message);
                Assert.Contains("-ApiKey", ex.Message);
                Assert.Contains("ALLY_SECRET_VAULT", ex.Message);
            }
            else
            {
                Assert.Null(ChatSettings.Resolve(Env(env), null, requireKey: true).Context.Key);
            }
        }

        [Fact]
        public void OpenRouterSendsItsAttributionHeaders()
        {
            ProviderEndpoint endpoint = ProviderRegistry.OpenRouter.ResolveEndpoint(Env(new Dictionary<string, string?> { ["ALLY_OPENROUTER_TITLE"] = "My tool" }));
            Assert.Contains(new KeyValuePair<string, string>("X-OpenRouter-Title", "My tool"), endpoint.Headers);
            Assert.Contains(endpoint.Headers, h => h.Key == "HTTP-Referer" && h.Value.StartsWith("https://", StringComparison.Ordinal));
            Assert.Empty(ProviderRegistry.OpenAI.ResolveEndpoint(Env(new Dictionary<string, string?>())).Headers);
        }

        [Theory]
        [InlineData("ollama", "llama3.1", true)]
        [InlineData("ollama", "llama3.2:3b", true)]
        [InlineData("ollama", "library/llama3.1:latest", true)]
        [InlineData("ollama", "registry.ollama.ai/library/gemma:2b", true)]
        [InlineData("ollama", "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", true)]
        [InlineData("ollama", "my model", false)]
        [InlineData("ollama", "llama3.1::latest", false)]
        [InlineData("ollama", ":latest", false)]
        [InlineData("ollama", "a/b/c/d", false)]
        [InlineData("openrouter", "openai/gpt-4o", true)]
        [InlineData("openrouter", "meta-llama/llama-3.1-405b:free", true)]
        [InlineData("openrouter", "gpt-4", false)]
        [InlineData("openrouter", "openai/", false)]
        [InlineData("openrouter", "a b/c", false)]
        [InlineData("openai", "gpt-4o-mini", true)]
        [InlineData("openai", "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", true)]
        [InlineData("openai", "any name at all", true)]
        public void ChecksModelNamesInEachProvidersForm(string name, string model, bool valid)
        {
            ProviderDescriptor provider = ProviderRegistry.Find(name)!;
            ProviderEndpoint endpoint = provider.ResolveEndpoint(Env(new Dictionary<string, string?>()));
            Exception? error = Record.Exception(() => provider.CheckModelName(model, new SettingOrigin(SettingSource.Parameter, "-Model"), endpoint));
            Assert.Equal(valid, error is null);
            if (error != null)
            {
                Assert.Equal("InvalidModelName", ((AllyException)error).ErrorId);
                Assert.Contains("-Model", error.Message);
            }
        }

        [Fact]
        public void OpenRouterTakesAnyModelNameFromAnotherCompatibleServer()
        {
            ProviderEndpoint local = ProviderRegistry.OpenRouter.ResolveEndpoint(Env(new Dictionary<string, string?> { ["ALLY_OPENROUTER_BASE_URL"] = "http://localhost:8080/v1" }));
            ProviderRegistry.OpenRouter.CheckModelName("any-local-name", SettingOrigin.Default, local);
        }

        [Fact]
        public void KeysComeFromTheParameterThenTheProvidersVariableThenTheVault()
        {
            var env = new Dictionary<string, string?>();
            var calls = new List<(string, string)>();
            SecureString? Vault(string vault, string name) { calls.Add((vault, name)); return ApiKey.Protect("from-vault"); }
            ApiKey? Key(SecretSetting setting, Dictionary<string, object?>? parameters = null) => ApiKeys.Resolve(setting, Env(env, parameters), Vault);

            Assert.Null(Key(AllySettings.OpenAIApiKey));
            Assert.Empty(calls); // no vault configured: never consulted

            env["ALLY_SECRET_VAULT"] = "MyVault";
            Assert.Equal("vault 'MyVault'", Key(AllySettings.OpenAIApiKey)!.Source);
            Assert.Equal(("MyVault", "OPENAI_API_KEY"), calls[0]);

            env["OPENAI_API_KEY"] = "from-env";
            Assert.Equal("from-env", Key(AllySettings.OpenAIApiKey)!.Reveal());
            Assert.Equal("OPENAI_API_KEY", Key(AllySettings.OpenAIApiKey)!.Source);
            // One provider's key is not another's.
            Assert.Equal("vault 'MyVault'", Key(AllySettings.OpenRouterApiKey)!.Source);
            Assert.Equal(("MyVault", "OPENROUTER_API_KEY"), calls[1]);

            var parameter = new Dictionary<string, object?> { ["ApiKey"] = ApiKey.Protect("p") };
            Assert.Equal("-ApiKey", Key(AllySettings.OpenAIApiKey, parameter)!.Source);
            Assert.Equal(2, calls.Count);
        }

        [Fact]
        public void ApiKeysNeverShowTheirValue()
        {
            ApiKey key = ApiKey.FromPlainText(" sk-or-v1-secret ", "OPENROUTER_API_KEY");
            Assert.Equal("sk-or-v1-secret", key.Reveal());
            Assert.DoesNotContain("secret", key.ToString());
            Assert.DoesNotContain("secret", $"{key}");
            // A key that cannot be used is not echoed in the error either.
            var env = new Dictionary<string, object?> { ["ApiKey"] = 42 };
            var ex = Assert.Throws<AllyException>(() => SettingsResolver.Create(env, _ => null).Resolve(AllySettings.OpenAIApiKey));
            Assert.DoesNotContain("42", ex.Problem);
        }

        [Fact]
        public void CostBudgetStopsNewRequestsOnceSpent()
        {
            var budget = new CostBudget(0.01m);
            budget.EnsureAvailable();
            budget.Add(0.004m);
            budget.Add(null);
            budget.EnsureAvailable();
            budget.Add(0.006m);
            AllyException ex = Assert.Throws<AllyException>(() => budget.EnsureAvailable());
            Assert.Equal("CostLimitReached", ex.ErrorId);
            Assert.Equal(AllyErrorCategory.QuotaExceeded, ex.Category);
        }
    }
}
