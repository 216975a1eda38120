using System;
using System.Security;

namespace Ally.Configuration
{
    /// <summary>
    /// Finds an API key: the -ApiKey parameter, then the environment variable, then a SecretManagement
    /// vault — the vault only when one is configured. The vault is reached through a callback, so the
    /// library stays free of PowerShell.
    /// </summary>
    public static class ApiKeys
    {
        /// <summary>The environment variable (and default secret name) of OpenRouter's key.</summary>
        public const string OpenRouterVariable = "OPENROUTER_API_KEY";

        /// <summary>Resolves a key; null when none was found.</summary>
        /// <param name="parameter">The -ApiKey value, or null.</param>
        /// <param name="variable">The environment variable that may hold the key (also the secret's name).</param>
        /// <param name="settings">Where environment variables and the vault setting come from.</param>
        /// <param name="readVault">Reads (vault, secret name) → key or null; called only when a vault is configured.</param>
        public static ApiKey? Resolve(SecureString? parameter, string variable, SettingsResolver settings, Func<string, string, SecureString?>? readVault)
        {
            if (parameter != null && parameter.Length > 0) return new ApiKey(parameter, "-ApiKey");
            string? fromEnvironment = settings.GetEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment)) return ApiKey.FromPlainText(fromEnvironment!, variable);
            string? vault = settings.Resolve(SettingsResolver.SecretVault).Value;
            if (vault != null && readVault != null)
            {
                SecureString? secret = readVault(vault, variable);
                if (secret != null && secret.Length > 0) return new ApiKey(secret, "vault '" + vault + "'");
            }
            return null;
        }

        /// <summary>The error for a missing key: one message naming all three ways to provide one.</summary>
        public static AllyException Missing() =>
            new AllyException("ApiKeyRequired", AllyErrorCategory.AuthenticationError, Messages.ApiKeyRequired, Messages.ApiKeyRequiredRemedy);
    }
}
