using System;
using System.Collections.Generic;
using Ally.Configuration;
using Ally.Providers;
using Xunit;

namespace Ally.Tests
{
    public class SettingsTests
    {
        private static SettingsResolver Resolver(Dictionary<string, object?>? parameters = null, Dictionary<string, string?>? env = null) =>
            SettingsResolver.Create(parameters, name => env != null && env.TryGetValue(name, out string? v) ? v : null);

        /// <summary>A stand-in for an ally.toml layer: values by config key, with a file and line as their origin.</summary>
        private sealed class FileSource : ISettingSource
        {
            private readonly Dictionary<string, (string Value, int Line)> _values;
            public FileSource(Dictionary<string, (string, int)> values) => _values = values;

            public bool TryGet(Setting setting, out object raw, out SettingOrigin origin)
            {
                raw = null!;
                origin = SettingOrigin.Default;
                if (setting.ConfigKey is null || !_values.TryGetValue(setting.ConfigKey, out var entry)) return false;
                raw = entry.Value;
                origin = new SettingOrigin(SettingSource.UserFile, "/home/me/.config/ally/ally.toml:" + entry.Line);
                return true;
            }
        }

        [Fact]
        public void ParameterBeatsEnvironmentBeatsFileBeatsDefault()
        {
            var parameters = new Dictionary<string, object?> { ["Model"] = "from-param" };
            var env = new Dictionary<string, string?> { ["ALLY_MODEL"] = "from-env" };
            var file = new FileSource(new Dictionary<string, (string, int)> { ["provider.model"] = ("from-file", 3) });
            SettingsResolver Layers(bool withParameters, bool withEnv) => new SettingsResolver(new List<ISettingSource>
            {
                new ParameterSource(withParameters ? parameters : new Dictionary<string, object?>()),
                new EnvironmentSource(name => withEnv && env.TryGetValue(name, out string? v) ? v : null),
                file,
            });

            Resolved<string?> p = Layers(true, true).Resolve(AllySettings.Model);
            Assert.Equal(("from-param", "-Model", "Parameter"), (p.Value, p.Origin.Describe(), p.Origin.ToString()));
            Resolved<string?> e = Layers(false, true).Resolve(AllySettings.Model);
            Assert.Equal(("from-env", "ALLY_MODEL", "Environment:ALLY_MODEL"), (e.Value, e.Origin.Describe(), e.Origin.ToString()));
            Resolved<string?> f = Layers(false, false).Resolve(AllySettings.Model);
            Assert.Equal(("from-file", "File:/home/me/.config/ally/ally.toml:3"), (f.Value, f.Origin.ToString()));
            Resolved<int> d = Layers(false, false).Resolve(AllySettings.MaxRetry);
            Assert.Equal((3, "the default", "Default", true), (d.Value, d.Origin.Describe(), d.Origin.ToString(), d.IsDefault));
        }

        [Fact]
        public void AChosenValueWinsOverTheParameterAndIsNamedByItsOwnOrigin()
        {
            var chosen = new ChosenSource().Set("Model", "llama3.2", new SettingOrigin(SettingSource.Parameter, "/model"));
            var settings = new SettingsResolver(new ISettingSource[]
            {
                chosen,
                new ParameterSource(new Dictionary<string, object?> { ["Model"] = "qwen3", ["Provider"] = "ollama" }),
            });
            Resolved<string?> model = settings.Resolve(AllySettings.Model);
            Assert.Equal("llama3.2", model.Value);
            Assert.Equal("/model", model.Origin.Describe());
            Assert.Equal("-Provider", settings.Resolve(AllySettings.Provider).Origin.Describe());
            chosen.Set("Provider", "nope", new SettingOrigin(SettingSource.Parameter, "/provider"));
            var ex = Assert.Throws<AllyException>(() => settings.Resolve(AllySettings.Provider));
            Assert.Contains("(from /provider)", ex.Message);
        }

        [Fact]
        public void BlankValuesCountAsUnset()
        {
            var parameters = new Dictionary<string, object?> { ["Provider"] = "", ["Model"] = null };
            var env = new Dictionary<string, string?> { ["ALLY_PROVIDER"] = "  ", ["ALLY_MODEL"] = "" };
            Assert.Same(ProviderRegistry.Ollama, Resolver(parameters, env).Resolve(AllySettings.Provider).Value);
            Assert.True(Resolver(parameters, env).Resolve(AllySettings.Model).IsDefault);
        }

        [Theory]
        [InlineData("ALLY_MAX_RETRY", "11", "InvalidSetting", "from 0 to 10")]
        [InlineData("ALLY_MAX_RETRY", "three", "InvalidSetting", "not a whole number")]
        [InlineData("ALLY_MAX_RETRY", "2.5", "InvalidSetting", "not a whole number")]
        [InlineData("ALLY_MAX_COST", "-1", "InvalidSetting", "more than 0")]
        [InlineData("ALLY_MAX_COST", "cheap", "InvalidSetting", "not a number")]
        [InlineData("ALLY_PROVIDER", "skynet", "UnknownProvider", "ollama, openrouter, openai")]
        [InlineData("OLLAMA_HOST", "ftp://h:21", "InvalidOllamaHost", "http or https")]
        [InlineData("ALLY_OPENAI_BASE_URL", "not a url", "InvalidOpenAIBaseUrl", "http or https")]
        [InlineData("ALLY_OPENROUTER_BASE_URL", "file:///etc", "InvalidOpenRouterBaseUrl", "http or https")]
        public void ABadValueFailsWithTheSettingsErrorNamingItsSource(string variable, string value, string errorId, string says)
        {
            var env = new Dictionary<string, string?> { [variable] = value, ["ALLY_PROVIDER"] = variable == "ALLY_PROVIDER" ? value : null };
            if (variable == "ALLY_OPENAI_BASE_URL") env["ALLY_PROVIDER"] = "openai";
            if (variable == "ALLY_OPENROUTER_BASE_URL") env["ALLY_PROVIDER"] = "openrouter";
            var ex = Assert.Throws<AllyException>(() => ChatSettings.Resolve(Resolver(null, env), null, requireKey: false));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(AllyErrorCategory.InvalidArgument, ex.Category);
            Assert.Contains(variable, ex.Message);
            Assert.Contains(says, ex.Message);
            Assert.NotNull(ex.Remedy);
        }

        [Fact]
        public void TypedParametersAreCheckedByTheSameDefinitions()
        {
            var parameters = new Dictionary<string, object?> { ["MaxTokens"] = 50, ["Temperature"] = 0.25, ["TimeoutSec"] = 0, ["MaxRetry"] = 0, ["MaxCost"] = 0.5 };
            ChatSettings settings = ChatSettings.Resolve(Resolver(parameters), null, requireKey: false);
            Assert.Equal(50, settings.MaxTokens);
            Assert.Equal(0.25, settings.Temperature);
            Assert.Null(settings.Timeout); // 0 means no limit
            Assert.Equal(0, settings.MaxRetry);
            Assert.Equal(0.5m, settings.MaxCost);

            var hashtableAsModel = new Dictionary<string, object?> { ["MaxRetry"] = new Dictionary<string, object?>() };
            Assert.Contains("hashtable", Assert.Throws<AllyException>(() => ChatSettings.Resolve(Resolver(hashtableAsModel), null, false)).Message);
        }

        [Fact]
        public void TheProviderIsADescriptorAndItsNameIsReadInAnyCase()
        {
            var env = new Dictionary<string, string?> { ["ALLY_PROVIDER"] = " OpenRouter " };
            Resolved<ProviderDescriptor> provider = Resolver(null, env).Resolve(AllySettings.Provider);
            Assert.Same(ProviderRegistry.OpenRouter, provider.Value);
            Assert.Equal("ALLY_PROVIDER", provider.Origin.Describe());
        }

        [Fact]
        public void EachProviderHasItsOwnDefaultModel()
        {
            Assert.Equal("llama3.1", ChatSettings.Resolve(Resolver(), null, false).Model);
            Assert.Equal("openai/gpt-4o", ChatSettings.Resolve(Resolver(new Dictionary<string, object?> { ["Provider"] = "openrouter" }), null, false).Model);
            Assert.Equal("gpt-4o-mini", ChatSettings.Resolve(Resolver(new Dictionary<string, object?> { ["Provider"] = "openai" }), null, false).Model);
        }

        [Fact]
        public void AModelNameLongerThanAnyRealOneFailsWithoutEchoingIt()
        {
            var parameters = new Dictionary<string, object?> { ["Model"] = new string('x', 10_000), ["Provider"] = "openai" };
            var ex = Assert.Throws<AllyException>(() => ChatSettings.Resolve(Resolver(parameters), null, false));
            Assert.Equal("InvalidModelName", ex.ErrorId);
            Assert.Contains("10000 characters", ex.Message);
            Assert.True(ex.Message.Length < 600, ex.Message);
        }

        [Fact]
        public void OllamaHostWarningsTravelWithTheEndpoint()
        {
            var env = new Dictionary<string, string?> { ["OLLAMA_HOST"] = "0.0.0.0:notaport" };
            ChatSettings settings = ChatSettings.Resolve(Resolver(null, env), null, false);
            Assert.Equal("http://127.0.0.1:11434/", settings.Context.Endpoint.BaseAddress.AbsoluteUri);
            Assert.Contains("notaport", Assert.Single(settings.Warnings));
        }

        [Fact]
        public void AProvidersSettingsAreReadOnlyForThatProvider()
        {
            // A bad OpenRouter address must not break an Ollama chat.
            var env = new Dictionary<string, string?> { ["ALLY_OPENROUTER_BASE_URL"] = "not a url", ["ALLY_OPENAI_BASE_URL"] = "nor this" };
            Assert.Same(ProviderRegistry.Ollama, ChatSettings.Resolve(Resolver(null, env), null, false).Provider);
        }

        [Fact]
        public void OptionsAreCheckedByTheProviderBeforeAnyRequest()
        {
            ChatSettings Options(string provider, string key, object? value) => ChatSettings.Resolve(Resolver(new Dictionary<string, object?>
            {
                ["Provider"] = provider,
                ["Options"] = new Dictionary<string, object?> { [key] = value },
            }), null, false);

            Options("ollama", "num_ctx", 8192);
            Options("ollama", "NUM_THREAD", "8");
            Options("ollama", "stop", new object[] { "###", "END" });
            Options("ollama", "temperature", 0.2);
            Options("openrouter", "top_p", 0.9);

            var unknown = Assert.Throws<AllyException>(() => Options("ollama", "num_ctxx", 1));
            Assert.Equal("UnknownOllamaOption", unknown.ErrorId);
            Assert.Contains("num_ctx", unknown.Message);

            var shape = Assert.Throws<AllyException>(() => Options("ollama", "num_ctx", new Dictionary<string, object?> { ["a"] = 1 }));
            Assert.Equal("InvalidOllamaOption", shape.ErrorId);
            Assert.Equal("The Ollama option num_ctx needs a whole number, not a hashtable.", shape.Message);
            Assert.Contains("not the text 'lots'", Assert.Throws<AllyException>(() => Options("ollama", "num_ctx", "lots")).Message);
            Assert.Contains("not 1.5", Assert.Throws<AllyException>(() => Options("ollama", "num_gpu", 1.5)).Message);
            Assert.Contains("a list of strings, not a hashtable", Assert.Throws<AllyException>(() => Options("ollama", "stop", new Dictionary<string, object?>())).Message);

            Assert.Equal("ReservedOption", Assert.Throws<AllyException>(() => Options("openai", "stream", false)).ErrorId);
        }
    }
}
