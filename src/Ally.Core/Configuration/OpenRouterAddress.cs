using System;

namespace Ally.Configuration
{
    /// <summary>The OpenRouter API base address: ALLY_OPENROUTER_BASE_URL, else https://openrouter.ai/api/v1.</summary>
    public static class OpenRouterAddress
    {
        /// <summary>
        /// The base address from the settings, normalised to end in '/' so that relative paths
        /// (models, chat/completions) land under it. Throws <see cref="AllyException"/> for a value
        /// that is not an absolute http(s) address.
        /// </summary>
        public static Uri Resolve(SettingsResolver settings)
        {
            ResolvedSetting setting = settings.Resolve(SettingsResolver.OpenRouterBaseUrl);
            string value = (setting.Value ?? string.Empty).Trim();
            if (!Uri.TryCreate(value.TrimEnd('/') + "/", UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new AllyException("InvalidOpenRouterBaseUrl", AllyErrorCategory.InvalidArgument,
                    Messages.InvalidOpenRouterBaseUrl(value, setting.Origin), Messages.InvalidOpenRouterBaseUrlRemedy);
            }
            return uri;
        }
    }
}
