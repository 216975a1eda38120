using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Ally.Embeddings;
using Ally.Providers;

namespace Ally.Configuration
{
    /// <summary>
    /// What Get-AllyConfiguration and Test-AllyConfiguration report: every effective setting with its
    /// source, and the offline (and, on request, online) checks of the whole configuration.
    /// </summary>
    public static class ConfigurationReport
    {
        /// <summary>Every setting's effective value and source. A value that cannot be used is shown with its problem, never thrown.</summary>
        public static IReadOnlyList<ConfigurationSetting> Settings(SettingsResolver settings)
        {
            var result = new List<ConfigurationSetting>();
            foreach (Setting setting in AllySettings.All)
            {
                var row = new ConfigurationSetting(setting.Name)
                {
                    Key = setting.ConfigKey,
                    EnvironmentVariable = setting.EnvironmentVariable,
                    Default = setting.DefaultText,
                    Description = setting.Description,
                    IsSecret = setting.IsSecret,
                };
                try
                {
                    (object? value, SettingOrigin origin) = Resolve(setting, settings);
                    row.Value = setting.IsSecret ? (value is null ? null : "(set)") : SettingText.Format(value);
                    row.Source = origin.ToString();
                }
                catch (AllyException ex)
                {
                    row.Problem = ex.Problem;
                    row.Source = SourceOf(setting, settings);
                }
                result.Add(row);
            }
            return result;
        }

        /// <summary>A setting's value and origin; the models fall back to their provider's default model.</summary>
        private static (object? Value, SettingOrigin Origin) Resolve(Setting setting, SettingsResolver settings)
        {
            if (setting == AllySettings.Model)
            {
                Resolved<string?> model = settings.Resolve(AllySettings.Model);
                return (model.Value ?? ProviderOrDefault(AllySettings.Provider, settings).DefaultModel, model.Origin);
            }
            if (setting == AllySettings.EmbeddingModel)
            {
                Resolved<string?> model = settings.Resolve(AllySettings.EmbeddingModel);
                return (model.Value ?? ProviderOrDefault(AllySettings.EmbeddingProvider, settings).DefaultEmbeddingModel, model.Origin);
            }
            return setting.ResolveBoxed(settings);
        }

        private static ProviderDescriptor ProviderOrDefault(Setting<ProviderDescriptor> setting, SettingsResolver settings)
        {
            try
            {
                return settings.Resolve(setting).Value;
            }
            catch (AllyException)
            {
                return setting.DefaultValue;
            }
        }

        /// <summary>The source that holds a value (for a value that failed to parse).</summary>
        private static string SourceOf(Setting setting, SettingsResolver settings) =>
            settings.Find(setting) is SettingOrigin origin ? origin.ToString() : SettingOrigin.Default.ToString();

        /// <summary>
        /// The offline checks: the files, every setting that is set, the chat and embedding settings as
        /// the commands resolve them (provider, model form, key present), and the documented variables
        /// Ally does not use. <paramref name="online"/> adds each provider's connection check.
        /// </summary>
        public static async Task<IReadOnlyList<ConfigurationCheck>> CheckAsync(SettingsResolver settings, Func<string, string, SecureString?>? readVault,
            bool online, CancellationToken cancellationToken)
        {
            var checks = new List<ConfigurationCheck>();
            ConfigLayers files = settings.Files;
            checks.Add(files.User != null
                ? Pass("File", files.UserPath, Messages.ConfigFileRead(files.UserPath, "user"))
                : new ConfigurationCheck("File", ConfigurationCheckStatus.Info, Messages.ConfigFileAbsent(files.UserPath, files.UserPathFromVariable), Messages.ConfigFileAbsentRemedy, files.UserPath));
            if (files.Project != null) checks.Add(Pass("File", files.Project.Path, Messages.ConfigFileRead(files.Project.Path, "project")));
            foreach (ConfigFile file in new[] { files.Project, files.User }.Where(f => f != null)!)
            {
                foreach (string warning in file!.Warnings)
                    checks.Add(new ConfigurationCheck("File", ConfigurationCheckStatus.Warning, warning, Messages.FixConfigLineRemedy, file.Path));
            }

            foreach (Setting setting in AllySettings.All)
            {
                if (settings.Find(setting) is null) continue;
                try
                {
                    (object? value, SettingOrigin origin) = setting.ResolveBoxed(settings);
                    string shown = setting.IsSecret ? "(set)" : SettingText.Format(value);
                    checks.Add(Pass("Setting", setting.ConfigKey ?? setting.EnvironmentVariable ?? setting.Name, Messages.SettingFrom(setting.Name, shown, origin.Describe())));
                }
                catch (AllyException ex)
                {
                    checks.Add(Fail("Setting", setting.ConfigKey ?? setting.EnvironmentVariable ?? setting.Name, ex));
                }
            }

            ChatSettings? chat = null;
            try
            {
                chat = ChatSettings.Resolve(settings, readVault, requireKey: true);
                checks.Add(Pass("Chat", chat.Provider.Name, Messages.ChatConfigured(chat.Provider.Name, chat.Model, chat.Context.Key?.Source)));
            }
            catch (AllyException ex)
            {
                checks.Add(Fail("Chat", null, ex));
            }

            EmbeddingSettings? embeddings = null;
            try
            {
                embeddings = EmbeddingSettings.Resolve(settings, readVault);
                checks.Add(Pass("Embeddings", embeddings.Provider.Name, Messages.ChatConfigured(embeddings.Provider.Name, embeddings.Model, embeddings.Context.Key?.Source)));
            }
            catch (AllyException ex)
            {
                checks.Add(Fail("Embeddings", null, ex));
            }

            foreach (DocumentedVariable variable in DocumentedVariables)
            {
                string? value = settings.Environment.Read(variable.Name);
                if (!string.IsNullOrWhiteSpace(value)) checks.Add(new ConfigurationCheck("Environment", variable.Status, variable.Message, variable.Remedy, variable.Name));
            }

            if (online)
            {
                var diagnosed = new HashSet<string>(StringComparer.Ordinal);
                if (chat != null && diagnosed.Add(chat.Provider.Name + " " + chat.Model))
                    checks.Add(FromStatus(await chat.Provider.DiagnoseAsync(chat.Context, chat.Model, cancellationToken).ConfigureAwait(false)));
                if (embeddings != null && embeddings.Provider.Can(ProviderCapabilities.Chat) && diagnosed.Add(embeddings.Provider.Name + " " + embeddings.Model))
                    checks.Add(FromStatus(await embeddings.Provider.DiagnoseAsync(embeddings.Context, embeddings.Model, cancellationToken).ConfigureAwait(false)));
            }
            return checks;
        }

        private static ConfigurationCheck FromStatus(ProviderStatus status) => status.Success
            ? Pass("Provider", status.Provider, Messages.ProviderAnswered(status.Provider, status.Endpoint.AbsoluteUri, status.Model))
            : new ConfigurationCheck("Provider", ConfigurationCheckStatus.Failed, string.Join(" ", status.Problems), Messages.ProviderCheckRemedy, status.Provider);

        private static ConfigurationCheck Pass(string check, string? target, string message) =>
            new ConfigurationCheck(check, ConfigurationCheckStatus.Passed, message, null, target);

        private static ConfigurationCheck Fail(string check, string? target, AllyException ex) =>
            new ConfigurationCheck(check, ConfigurationCheckStatus.Failed, ex.Problem, ex.Remedy, target) { ErrorId = ex.ErrorId };

        /// <summary>Variables the product documentation mentions that Ally does not read itself, and what they do instead.</summary>
        private static readonly DocumentedVariable[] DocumentedVariables =
        {
            new DocumentedVariable("OLLAMA_MAX_LOADED_MODELS", ConfigurationCheckStatus.Info, Messages.ServerSideVariable("OLLAMA_MAX_LOADED_MODELS"), Messages.ServerSideVariableRemedy),
            new DocumentedVariable("OPENROUTER_CACHE_ENABLED", ConfigurationCheckStatus.Warning, Messages.OpenRouterCacheHasNoEffect, Messages.OpenRouterCacheRemedy),
        };

        private sealed class DocumentedVariable
        {
            public DocumentedVariable(string name, ConfigurationCheckStatus status, string message, string remedy)
            {
                Name = name;
                Status = status;
                Message = message;
                Remedy = remedy;
            }

            public string Name { get; }
            public ConfigurationCheckStatus Status { get; }
            public string Message { get; }
            public string Remedy { get; }
        }
    }
}
