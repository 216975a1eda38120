using System;
using System.Security;

namespace Ally.Configuration
{
    /// <summary>
    /// Finds a provider's API key: the -ApiKey parameter, then its environment variable (both through
    /// the provider's <see cref="SecretSetting"/>), then a SecretManagement vault — the vault only when
    /// one is configured (ALLY_SECRET_VAULT), under the variable's name. The vault is reached through a
    /// callback, so the library stays free of PowerShell.
    /// </summary>
    public static class ApiKeys
    {
        /// <summary>Resolves a key; null when none was found.</summary>
        /// <param name="setting">The provider's key setting (its variable is also the secret's name).</param>
        /// <param name="settings">Where parameters, environment variables and the vault setting come from.</param>
        /// <param name="readVault">Reads (vault, secret name) → key or null; called only when a vault is configured.</param>
        public static ApiKey? Resolve(SecretSetting setting, SettingsResolver settings, Func<string, string, SecureString?>? readVault)
        {
            ApiKey? key = settings.Resolve(setting).Value;
            if (key != null) return key;
            string? vault = settings.Resolve(AllySettings.SecretVault).Value;
            if (vault != null && readVault != null && setting.EnvironmentVariable is string name)
            {
                SecureString? secret = readVault(vault, name);
                if (secret != null && secret.Length > 0) return new ApiKey(secret, "vault '" + vault + "'");
            }
            return null;
        }

        /// <summary>
        /// The key setting to read: the provider's own, or — when ally.toml's api_key_env
        /// (<paramref name="variable"/>) names another variable — one reading that variable (and the
        /// vault secret of that name).
        /// </summary>
        public static SecretSetting SettingFor(SecretSetting own, SettingsResolver settings, Setting<string?>? variable)
        {
            string? name = variable is null ? null : settings.Resolve(variable).Value;
            if (name is null || string.Equals(name, own.EnvironmentVariable, StringComparison.Ordinal)) return own;
            return new SecretSetting(own.Name, name, own.Description, Messages.ApiKeyRemedy(name));
        }

        /// <summary>The error for a missing key: one message naming all three ways to provide one.</summary>
        public static AllyException Missing(string providerName, SecretSetting setting) =>
            new AllyException(ErrorIds.ApiKeyRequired, Messages.ApiKeyRequired(providerName), setting.Remedy);
    }
}
