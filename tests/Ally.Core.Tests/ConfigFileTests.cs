using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Ally.Configuration;
using Xunit;

namespace Ally.Tests
{
    /// <summary>ally.toml: how a file maps onto the settings, and what it says about a bad one.</summary>
    public class ConfigFileTests
    {
        private const string Path = "/home/me/.config/ally/ally.toml";

        private static ConfigFile Parse(string text) => ConfigFile.Parse(Path, text, SettingSource.UserFile);

        private static SettingsResolver Resolver(string text) =>
            new SettingsResolver(new ISettingSource[] { new EnvironmentSource(_ => null), new ConfigFileSource(Parse(text)) });

        [Fact]
        public void MapsTablesAndDottedKeysOntoTheSettings()
        {
            var settings = Resolver("provider.name = \"openrouter\"\nprovider.model = \"openai/gpt-4o\"\n[limits]\nmax_retry = 5\nmax_cost = 0.5\ntimeout_seconds = 30\n");
            Resolved<Providers.ProviderDescriptor> provider = settings.Resolve(AllySettings.Provider);
            Assert.Equal("openrouter", provider.Value.Name);
            Assert.Equal("File:" + Path + ":1", provider.Origin.ToString());
            Assert.Equal("openai/gpt-4o", settings.Resolve(AllySettings.Model).Value);
            Assert.Equal(SettingSource.UserFile, settings.Resolve(AllySettings.Model).Origin.Source);
            Assert.Equal(5, settings.Resolve(AllySettings.MaxRetry).Value);
            Assert.Equal(0.5m, settings.Resolve(AllySettings.MaxCost).Value);
            Assert.Equal(TimeSpan.FromSeconds(30), settings.Resolve(AllySettings.TimeoutSec).Value);
        }

        [Fact]
        public void GathersATableSettingFromItsSectionOrAnInlineTable()
        {
            IReadOnlyDictionary<string, object?>? options = Resolver("[ollama.options]\nnum_ctx = 8192\ntop_p = 0.9\nstop = [\"a\", \"b\"]\n").Resolve(AllySettings.OllamaOptions).Value;
            Assert.NotNull(options);
            Assert.Equal(8192L, options!["num_ctx"]);
            Assert.Equal(0.9, options["top_p"]);
            Assert.Equal(new object[] { "a", "b" }, (object[])options["stop"]!);
            options = Resolver("[ollama]\noptions = { num_ctx = 4096 }\n").Resolve(AllySettings.OllamaOptions).Value;
            Assert.Equal(4096L, options!["num_ctx"]);
        }

        [Fact]
        public void WarnsAboutAnUnknownKeyWithTheNearestValidOne()
        {
            ConfigFile file = Parse("[provider]\nname = \"ollama\"\nmodle = \"x\"\n[limit]\nmax_tokens = 4\n[whatever]\nthing = 1\n");
            Assert.Equal(3, file.Warnings.Count);
            Assert.Equal(Path + ":3: Ally has no setting 'provider.modle'; the line is ignored. Did you mean 'provider.model'?", file.Warnings[0]);
            Assert.Contains("'limit.max_tokens'", file.Warnings[1]);
            Assert.Contains("Did you mean 'limits.max_tokens'?", file.Warnings[1]);
            Assert.DoesNotContain("Did you mean", file.Warnings[2]);
            Assert.True(file.TryGet("provider.name", out _));
            Assert.False(file.TryGet("provider.model", out _));
        }

        [Fact]
        public void WarnsAboutAValueOfTheWrongKindAndLeavesItOut()
        {
            ConfigFile file = Parse("[limits]\nmax_tokens = \"4000\"\nmax_cost = 1\n[provider]\nmodel = 3\n");
            Assert.Equal(new[]
            {
                Path + ":2: limits.max_tokens takes an integer, not a string; the line is ignored.",
                Path + ":5: provider.model takes a string, not an integer; the line is ignored.",
            }, file.Warnings);
            Assert.False(file.TryGet("limits.max_tokens", out _));
            Assert.True(file.TryGet("limits.max_cost", out _)); // an integer is a number
        }

        [Theory]
        [InlineData("[provider\nname = \"x\"\n", 1)]
        [InlineData("[provider]\nname = \n", 2)]
        [InlineData("[provider]\nname = \"a\"\nname = \"b\"\n", 3)]
        public void ReportsASyntaxErrorWithFileLineAndColumn(string text, int line)
        {
            AllyException ex = Assert.Throws<AllyException>(() => Parse(text));
            Assert.Equal(ErrorIds.ConfigFileSyntax, ex.Id);
            Assert.Matches("^" + Regex.Escape(Path) + ":" + line + ":[0-9]+: the file is not valid TOML: ", ex.Problem);
            Assert.NotNull(ex.Remedy);
        }

        [Theory]
        [InlineData("[provider]\napi_key = \"sk-or-v1-secret\"\n", "provider.api_key")]
        [InlineData("[openai]\nkey = \"sk-secret\"\n", "openai.key")]
        [InlineData("openrouter_api_key = \"sk-or-v1-secret\"\n", "openrouter_api_key")]
        [InlineData("[network]\nproxy_password = \"hunter2\"\n", "network.proxy_password")]
        public void RefusesASecretWithoutRepeatingIt(string text, string key)
        {
            AllyException ex = Assert.Throws<AllyException>(() => Parse(text));
            Assert.Equal(ErrorIds.ApiKeyInConfigFile, ex.Id);
            Assert.Contains(key, ex.Message);
            Assert.DoesNotContain("secret\"", ex.Message);
            Assert.DoesNotContain("sk-", ex.Message);
            Assert.DoesNotContain("hunter2", ex.Message);
        }

        [Fact]
        public void RefusesAProxyAddressWithAPasswordButTakesOneWithout()
        {
            AllyException ex = Assert.Throws<AllyException>(() => Parse("[network]\nproxy = \"http://alice:hunter2@proxy:8080\"\n"));
            Assert.Equal(ErrorIds.ApiKeyInConfigFile, ex.Id);
            Assert.DoesNotContain("hunter2", ex.Message);
            Assert.Contains("ALLY_PROXY", ex.Remedy);
            Assert.True(Parse("[network]\nproxy = \"http://proxy:8080\"\n").TryGet("network.proxy", out _));
            Assert.Equal("ApiKeyInConfigFile", Assert.Throws<AllyException>(() => ConfigFileEditor.ToTomlValue("network.proxy", "http://alice:hunter2@proxy:8080")).ErrorId);
        }

        [Fact]
        public void TakesApiKeyEnvAsAVariableName()
        {
            Assert.Equal("MY_KEY", Resolver("[provider]\napi_key_env = \"MY_KEY\"\n").Resolve(AllySettings.ApiKeyVariable).Value);
            AllyException ex = Assert.Throws<AllyException>(() => Resolver("[provider]\napi_key_env = \"sk-or-v1-abc def\"\n").Resolve(AllySettings.ApiKeyVariable));
            Assert.Contains(Path + ":2", ex.Message);
        }

        [Fact]
        public void ReadsTheKeyFromTheVariableApiKeyEnvNames()
        {
            var environment = new Dictionary<string, string> { ["MY_KEY"] = "sk-or-v1-mine", ["OPENROUTER_API_KEY"] = "sk-or-v1-default" };
            var settings = new SettingsResolver(new ISettingSource[]
            {
                new EnvironmentSource(n => environment.TryGetValue(n, out string? v) ? v : null),
                new ConfigFileSource(Parse("[provider]\napi_key_env = \"MY_KEY\"\n")),
            });
            SecretSetting setting = ApiKeys.SettingFor(AllySettings.OpenRouterApiKey, settings, AllySettings.ApiKeyVariable);
            Assert.Equal("MY_KEY", setting.EnvironmentVariable);
            Assert.Equal("MY_KEY", ApiKeys.Resolve(setting, settings, null)!.Source);
            Assert.Same(AllySettings.OpenRouterApiKey, ApiKeys.SettingFor(AllySettings.OpenRouterApiKey, settings, null));
        }

        [Fact]
        public void EnvironmentGoesOverTheFile()
        {
            var settings = new SettingsResolver(new ISettingSource[]
            {
                new EnvironmentSource(n => n == "ALLY_MODEL" ? "from-env" : null),
                new ConfigFileSource(ConfigFile.Parse("/p/ally.toml", "[provider]\nmodel = \"project\"\n", SettingSource.ProjectFile)),
                new ConfigFileSource(Parse("[provider]\nmodel = \"user\"\nname = \"openrouter\"\n")),
            });
            Assert.Equal("from-env", settings.Resolve(AllySettings.Model).Value);
            Assert.Equal("openrouter", settings.Resolve(AllySettings.Provider).Value.Name);
            var noEnvironment = new SettingsResolver(new ISettingSource[]
            {
                new ConfigFileSource(ConfigFile.Parse("/p/ally.toml", "[provider]\nmodel = \"project\"\n", SettingSource.ProjectFile)),
                new ConfigFileSource(Parse("[provider]\nmodel = \"user\"\n")),
            });
            Assert.Equal("project", noEnvironment.Resolve(AllySettings.Model).Value);
            Assert.Equal("File:/p/ally.toml:2", noEnvironment.Resolve(AllySettings.Model).Origin.ToString());
        }

        [Fact]
        public void NamesTheFileAndLineOfAValueThatCannotBeUsed()
        {
            AllyException ex = Assert.Throws<AllyException>(() => Resolver("[limits]\nmax_retry = 50\n").Resolve(AllySettings.MaxRetry));
            Assert.Equal(ErrorIds.InvalidSetting, ex.Id);
            Assert.Contains("'50'", ex.Message.Replace("50 ", "'50' ") + "'50'");
            Assert.Contains(Path + ":2", ex.Message);
        }

        [Theory]
        [InlineData("provider.modle", "provider.model")]
        [InlineData("limit.max_token", "limits.max_tokens")]
        [InlineData("providers.model", "provider.model")]
        [InlineData("ollama.hots", "ollama.host")]
        [InlineData("completely.unrelated.thing", null)]
        public void FindsTheNearestKey(string typed, string? expected) => Assert.Equal(expected, ConfigKeys.Nearest(typed));
    }

    /// <summary>Set-AllyConfiguration's edits: comments, order and unknown keys stay; values are checked and typed.</summary>
    public class ConfigFileEditorTests
    {
        [Fact]
        public void ReplacesAValueInPlaceKeepingItsComment()
        {
            string text = "# mine\n[provider] # chat\nname = \"ollama\"   # local\nmodel = \"llama3.1\" # fast\n\n[custom]\nx = 1\n";
            string updated = ConfigFileEditor.Apply("f", text, "provider.model", "llama3.2");
            Assert.Equal(text.Replace("\"llama3.1\"", "\"llama3.2\""), updated);
        }

        [Fact]
        public void AddsAKeyToItsSectionOrANewSectionAtTheEnd()
        {
            string text = "[provider]\nname = \"ollama\"\n\n[custom]\nx = 1\n";
            string updated = ConfigFileEditor.Apply("f", text, "provider.model", "qwen3");
            Assert.Equal("[provider]\nname = \"ollama\"\nmodel = \"qwen3\"\n\n[custom]\nx = 1\n", updated);
            updated = ConfigFileEditor.Apply("f", text, "limits.max_tokens", 4000L);
            Assert.Equal(text + "\n[limits]\nmax_tokens = 4000\n", updated);
            Assert.Equal("[ollama.options]\nnum_ctx = 8192\n", ConfigFileEditor.Apply("f", string.Empty, "ollama.options.num_ctx", 8192L));
        }

        [Fact]
        public void RoundTripsThroughTheParser()
        {
            string text = ConfigFileEditor.Apply("f", "# c\n", "provider.name", "openrouter");
            text = ConfigFileEditor.Apply("f", text, "limits.max_cost", 0.25);
            text = ConfigFileEditor.Apply("f", text, "provider.model", "say \"hi\"");
            ConfigFile file = ConfigFile.Parse("f", text, SettingSource.UserFile);
            Assert.Empty(file.Warnings);
            Assert.True(file.TryGet("provider.model", out ConfigEntry model));
            Assert.Equal("say \"hi\"", model.Value);
            Assert.True(file.TryGet("limits.max_cost", out ConfigEntry cost));
            Assert.Equal(0.25, cost.Value);
            Assert.True(text.StartsWith("# c\n", StringComparison.Ordinal), text);
        }

        [Theory]
        [InlineData("limits.max_tokens", "400", 400L)]
        [InlineData("limits.max_tokens", 400, 400L)]
        [InlineData("limits.max_cost", "0.5", 0.5)]
        [InlineData("limits.max_cost", 2, 2L)]
        [InlineData("ollama.keep_alive", "-1", -1L)]
        [InlineData("ollama.keep_alive", "10m", "10m")]
        [InlineData("provider.model", "llama3.2", "llama3.2")]
        [InlineData("ollama.options.num_ctx", 8192, 8192L)]
        [InlineData("ollama.options.top_p", "0.9", 0.9)]
        public void TypesAndChecksAValue(string key, object value, object expected) => Assert.Equal(expected, ConfigFileEditor.ToTomlValue(key, value));

        [Theory]
        [InlineData("limits.max_retry", "50", "InvalidSetting")]
        [InlineData("limits.max_tokens", "lots", "InvalidSetting")]
        [InlineData("limits.max_tokens", "1.5", "InvalidSetting")]
        [InlineData("provider.name", "chatgpt", "UnknownProvider")]
        [InlineData("ollama.keep_alive", "soon", "InvalidSetting")]
        [InlineData("ollama.options.num_ctxx", "1", "UnknownOllamaOption")]
        [InlineData("ollama.options.num_ctx", "big", "InvalidOllamaOption")]
        public void RefusesAValueItCannotUse(string key, object value, string errorId) =>
            Assert.Equal(errorId, Assert.Throws<AllyException>(() => ConfigFileEditor.ToTomlValue(key, value)).ErrorId);
    }

    /// <summary>about_Ally's settings table lists exactly the settings catalogue, with its variables and defaults.</summary>
    public class SettingsCatalogTests
    {
        private sealed record Row(string Key, string Variable, string Default);

        private static List<Row> DocumentedSettings()
        {
            string text = File.ReadAllText(ErrorCatalogTests.RepositoryFile("docs", "en-US", "about_Ally.md"));
            int start = text.IndexOf("\n### Settings\n", StringComparison.Ordinal);
            Assert.True(start >= 0, "about_Ally.md has no ### Settings table");
            int end = text.IndexOf("\n\n", text.IndexOf("\n|", start, StringComparison.Ordinal), StringComparison.Ordinal);
            return text.Substring(start, end - start).Split('\n')
                .Where(l => l.StartsWith("|", StringComparison.Ordinal) && !l.StartsWith("| ally.toml key", StringComparison.Ordinal) && !l.StartsWith("| ---", StringComparison.Ordinal))
                .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
                .Select(c => new Row(c[1], c[2], c[3]))
                .ToList();
        }

        [Fact]
        public void TheTableAndTheCatalogueAgree()
        {
            List<Row> rows = DocumentedSettings();
            foreach (Setting setting in AllySettings.All)
            {
                string key = setting.ConfigKey ?? "—";
                string variable = setting.EnvironmentVariable ?? "—";
                Row? row = rows.FirstOrDefault(r => r.Key == key && r.Variable == variable);
                Assert.True(row != null, $"about_Ally.md's settings table has no row '{key} | {variable}' ({setting.Name})");
                if (setting.DefaultText.Length > 0)
                    Assert.True(row!.Default.Contains(setting.DefaultText), $"{setting.Name}: the table says '{row.Default}', the default is '{setting.DefaultText}'");
            }
            Assert.Equal(AllySettings.All.Count, rows.Count);
        }
    }
}
