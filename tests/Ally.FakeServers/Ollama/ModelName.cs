using System;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// Ollama's model names (types/model/name.go): <c>[host/][namespace/]model[:tag]</c> with the
/// defaults <c>registry.ollama.ai</c>, <c>library</c> and <c>latest</c>, compared case-insensitively.
/// So <c>llama3.1</c>, <c>llama3.1:latest</c> and <c>registry.ollama.ai/library/LLAMA3.1</c> are one model.
/// </summary>
internal readonly record struct ModelName(string Host, string Namespace, string Model, string Tag)
{
    public const string DefaultHost = "registry.ollama.ai";
    public const string DefaultNamespace = "library";
    public const string DefaultTag = "latest";

    /// <summary>Parses like Go's <c>model.ParseName</c> (which never fails; check <see cref="IsValid"/>).</summary>
    public static ModelName Parse(string? text)
    {
        var s = text ?? string.Empty;
        var tag = string.Empty;
        // "/" cannot appear in a tag, so a ':' after the last '/' starts the tag (a ':' before it is a host port).
        var colon = s.LastIndexOf(':');
        if (colon > s.LastIndexOf('/'))
        {
            tag = s[(colon + 1)..];
            s = s[..colon];
        }

        var host = string.Empty;
        var ns = string.Empty;
        string model;
        var slash = s.LastIndexOf('/');
        if (slash < 0)
        {
            model = s;
        }
        else
        {
            model = s[(slash + 1)..];
            s = s[..slash];
            slash = s.LastIndexOf('/');
            if (slash < 0)
            {
                ns = s;
            }
            else
            {
                ns = s[(slash + 1)..];
                host = s[..slash];
                var scheme = host.IndexOf("://", StringComparison.Ordinal);
                if (scheme >= 0)
                {
                    host = host[(scheme + 3)..];
                }
            }
        }

        return new ModelName(
            host.Length == 0 ? DefaultHost : host,
            ns.Length == 0 ? DefaultNamespace : ns,
            model,
            tag.Length == 0 ? DefaultTag : tag);
    }

    /// <summary>Every part well-formed (Go's <c>Name.IsValid</c>).</summary>
    public bool IsValid =>
        IsValidPart(Host, 350, allowDot: true, allowColon: true) &&
        IsValidPart(Namespace, 80, allowDot: false, allowColon: false) &&
        IsValidPart(Model, 80, allowDot: true, allowColon: false) &&
        IsValidPart(Tag, 80, allowDot: true, allowColon: false);

    /// <summary>The fully qualified form Ollama uses in capability errors, e.g. <c>registry.ollama.ai/library/llama3.2:latest</c>.</summary>
    public string FullName => $"{Host}/{Namespace}/{Model}:{Tag}";

    /// <summary>Go's <c>DisplayShortest</c>: <c>llama3.2:latest</c>, or with namespace/host when not the defaults.</summary>
    public string DisplayShortest
    {
        get
        {
            if (!Host.Equals(DefaultHost, StringComparison.OrdinalIgnoreCase))
            {
                return $"{Host}/{Namespace}/{Model}:{Tag}";
            }

            return Namespace.Equals(DefaultNamespace, StringComparison.OrdinalIgnoreCase)
                ? $"{Model}:{Tag}"
                : $"{Namespace}/{Model}:{Tag}";
        }
    }

    /// <summary>A case-insensitive identity for dictionary lookups.</summary>
    public string Key => FullName.ToLowerInvariant();

    private static bool IsValidPart(string part, int maxLength, bool allowDot, bool allowColon)
    {
        if (part.Length < 1 || part.Length > maxLength)
        {
            return false;
        }

        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            var alphanumeric = char.IsAsciiLetterOrDigit(c) || c == '_';
            if (i == 0)
            {
                if (!alphanumeric)
                {
                    return false;
                }

                continue;
            }

            if (alphanumeric || c == '-' || (c == '.' && allowDot) || (c == ':' && allowColon))
            {
                continue;
            }

            return false;
        }

        return true;
    }
}
