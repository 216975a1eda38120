using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using Ally.Configuration;
using Ally.Providers.Ollama;

namespace Ally.Providers
{
    /// <summary>The chat settings a request needs, resolved and checked before any network call.</summary>
    public sealed class ChatSettings
    {
        private ChatSettings(ResolvedSetting provider, ResolvedSetting model, Uri ollamaHost, string? warning)
        {
            Provider = provider;
            Model = model;
            OllamaHost = ollamaHost;
            Warning = warning;
        }

        /// <summary>The provider name and where it came from.</summary>
        public ResolvedSetting Provider { get; }
        /// <summary>The model name and where it came from.</summary>
        public ResolvedSetting Model { get; }
        /// <summary>Ollama's normalised base address.</summary>
        public Uri OllamaHost { get; }
        /// <summary>A warning to show the user (e.g. an invalid port in OLLAMA_HOST), or null.</summary>
        public string? Warning { get; }

        /// <summary>Resolves and validates provider, model and host; throws <see cref="AllyException"/> on bad values.</summary>
        public static ChatSettings Resolve(SettingsResolver settings)
        {
            ResolvedSetting provider = settings.Resolve(SettingsResolver.Provider);
            string name = (provider.Value ?? string.Empty).Trim().ToLowerInvariant();
            if (!System.Linq.Enumerable.Contains(ChatProviders.Known, name))
            {
                throw new AllyException("UnknownProvider", AllyErrorCategory.InvalidArgument,
                    Messages.UnknownProvider(provider.Value ?? string.Empty, provider.Origin, ChatProviders.Known));
            }

            ResolvedSetting model = settings.Resolve(SettingsResolver.Model);
            if (!ChatProviders.IsValidOllamaModelName(model.Value))
            {
                throw new AllyException("InvalidModelName", AllyErrorCategory.InvalidArgument,
                    Messages.InvalidModelName(model.Value ?? string.Empty, model.Origin), Messages.InvalidModelNameRemedy);
            }

            Uri uri = Configuration.OllamaHost.Resolve(settings, out string? warning);
            return new ChatSettings(new ResolvedSetting(provider.Definition, name, provider.Source), model, uri, warning);
        }
    }

    /// <summary>Creates chat providers by name.</summary>
    public static class ChatProviders
    {
        /// <summary>The providers this version can chat with.</summary>
        public static IReadOnlyCollection<string> Known { get; } = new[] { OllamaChatProvider.ProviderName };

        /// <summary>The provider the settings name.</summary>
        public static IChatProvider Create(ChatSettings settings) => settings.Provider.Value switch
        {
            OllamaChatProvider.ProviderName => new OllamaChatProvider(settings.OllamaHost),
            _ => throw new AllyException("UnknownProvider", AllyErrorCategory.InvalidArgument,
                Messages.UnknownProvider(settings.Provider.Value ?? string.Empty, settings.Provider.Origin, Known)),
        };

        // [host[:port]/][namespace/]name[:tag] — Ollama's name parts: letters, digits, '_', '-', '.'.
        private static readonly Regex OllamaName = new Regex(
            @"^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?::[0-9]+)?/){0,2}[A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?$",
            RegexOptions.CultureInvariant);

        /// <summary>True when <paramref name="name"/> is a well-formed Ollama model name.</summary>
        public static bool IsValidOllamaModelName(string? name) => !string.IsNullOrWhiteSpace(name) && OllamaName.IsMatch(name!);
    }
}
