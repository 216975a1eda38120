using System.Collections.Generic;
using Ally.Configuration;
using Ally.Providers;
using Xunit;

namespace Ally.Tests
{
    public class SettingsTests
    {
        private static SettingsResolver Resolver(Dictionary<string, string?>? parameters = null, Dictionary<string, string?>? env = null,
            Dictionary<string, string?>? file = null) =>
            new SettingsResolver(parameters, name => env != null && env.TryGetValue(name, out string? v) ? v : null, file);

        [Fact]
        public void ParameterBeatsEnvironmentBeatsConfigFileBeatsDefault()
        {
            var parameters = new Dictionary<string, string?> { ["Model"] = "from-param" };
            var env = new Dictionary<string, string?> { ["ALLY_MODEL"] = "from-env" };
            var file = new Dictionary<string, string?> { ["provider.model"] = "from-file" };

            ResolvedSetting p = Resolver(parameters, env, file).Resolve(SettingsResolver.Model);
            Assert.Equal(("from-param", SettingSource.Parameter, "-Model"), (p.Value, p.Source, p.Origin));

            ResolvedSetting e = Resolver(null, env, file).Resolve(SettingsResolver.Model);
            Assert.Equal(("from-env", SettingSource.Environment, "ALLY_MODEL"), (e.Value, e.Source, e.Origin));

            ResolvedSetting f = Resolver(null, null, file).Resolve(SettingsResolver.Model);
            Assert.Equal(("from-file", SettingSource.ConfigFile), (f.Value, f.Source));

            ResolvedSetting d = Resolver().Resolve(SettingsResolver.Model);
            Assert.Equal(("llama3.1", SettingSource.Default, "the default"), (d.Value, d.Source, d.Origin));
        }

        [Fact]
        public void BlankValuesCountAsUnset()
        {
            var parameters = new Dictionary<string, string?> { ["Provider"] = "" };
            var env = new Dictionary<string, string?> { ["ALLY_PROVIDER"] = "  " };
            ResolvedSetting s = Resolver(parameters, env).Resolve(SettingsResolver.Provider);
            Assert.Equal(("ollama", SettingSource.Default), (s.Value, s.Source));
        }

        [Fact]
        public void ChatSettingsUseDefaultsWhenNothingIsSet()
        {
            ChatSettings settings = ChatSettings.Resolve(Resolver());
            Assert.Equal("ollama", settings.Provider.Value);
            Assert.Equal("llama3.1", settings.Model.Value);
            Assert.Equal("http://127.0.0.1:11434/", settings.OllamaHost.AbsoluteUri);
        }

        [Fact]
        public void ChatSettingsReadOllamaHostAndNormaliseTheProviderName()
        {
            var env = new Dictionary<string, string?> { ["OLLAMA_HOST"] = "0.0.0.0:9999", ["ALLY_PROVIDER"] = "Ollama" };
            ChatSettings settings = ChatSettings.Resolve(Resolver(null, env));
            Assert.Equal("http://127.0.0.1:9999/", settings.OllamaHost.AbsoluteUri);
            Assert.Equal("ollama", settings.Provider.Value);
        }

        [Fact]
        public void AnUnknownProviderNamesWhereItCameFrom()
        {
            var env = new Dictionary<string, string?> { ["ALLY_PROVIDER"] = "skynet" };
            var ex = Assert.Throws<AllyException>(() => ChatSettings.Resolve(Resolver(null, env)));
            Assert.Equal("UnknownProvider", ex.ErrorId);
            Assert.Contains("ALLY_PROVIDER", ex.Message);
            Assert.Contains("ollama", ex.Message);
        }

        [Theory]
        [InlineData("llama3.1", true)]
        [InlineData("llama3.2:3b", true)]
        [InlineData("library/llama3.1:latest", true)]
        [InlineData("registry.ollama.ai/library/gemma:2b", true)]
        [InlineData("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", true)]
        [InlineData("my model", false)]
        [InlineData("llama3.1::latest", false)]
        [InlineData(":latest", false)]
        [InlineData("a/b/c/d", false)]
        public void ValidatesOllamaModelNames(string name, bool valid)
        {
            Assert.Equal(valid, ChatProviders.IsValidOllamaModelName(name));
        }

        [Fact]
        public void AMalformedModelFailsBeforeAnyNetworkCall()
        {
            var parameters = new Dictionary<string, string?> { ["Model"] = "bad model!" };
            var ex = Assert.Throws<AllyException>(() => ChatSettings.Resolve(Resolver(parameters)));
            Assert.Equal("InvalidModelName", ex.ErrorId);
            Assert.Contains("-Model", ex.Message);
        }
    }
}
