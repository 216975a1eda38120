using System;
using System.Net;
using System.Net.Http;
using Ally.Configuration;

namespace Ally.Http
{
    /// <summary>
    /// How Ally's requests reach the network: the proxy (-Proxy, ALLY_PROXY, network.proxy, else
    /// .NET's default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY and the system's settings) and the extra CA
    /// certificates (ALLY_CA_BUNDLE, network.ca_bundle). Resolved with a command's other settings,
    /// before any request; <see cref="AllyHttp"/> keeps one HttpClient per provider, address and
    /// network configuration, so a change between commands takes effect and an unchanged one reuses
    /// its connections.
    /// </summary>
    public sealed class NetworkSettings
    {
        private NetworkSettings(Resolved<ProxyChoice>? proxy, CaBundle? caBundle, string? noProxy)
        {
            Proxy = proxy?.Value ?? ProxyChoice.System;
            ProxyOrigin = proxy?.Origin ?? SettingOrigin.Default;
            CaBundle = caBundle;
            NoProxy = new NoProxyList(noProxy);
            Key = Proxy.CacheKey + "|" + (Proxy.Kind == ProxyKind.Explicit ? noProxy : null) + "|" + caBundle?.Stamp;
        }

        /// <summary>.NET's defaults: the system's proxy, the system's roots.</summary>
        public static NetworkSettings Default { get; } = new NetworkSettings(null, null, null);

        /// <summary>The proxy.</summary>
        public ProxyChoice Proxy { get; }

        /// <summary>Where the proxy setting came from.</summary>
        public SettingOrigin ProxyOrigin { get; }

        /// <summary>The extra trusted CA certificates, or null.</summary>
        public CaBundle? CaBundle { get; }

        /// <summary>The hosts an explicit proxy is not used for (NO_PROXY).</summary>
        internal NoProxyList NoProxy { get; }

        /// <summary>Tells configurations apart for sharing HttpClients (no password in clear).</summary>
        internal string Key { get; }

        /// <summary>Resolves the proxy and the CA bundle; a bad value fails (InvalidSetting) before any request.</summary>
        public static NetworkSettings Resolve(SettingsResolver settings)
        {
            Resolved<ProxyChoice> proxy = settings.Resolve(AllySettings.Proxy);
            CaBundle? bundle = settings.Resolve(AllySettings.CaBundle).Value;
            string? noProxy = proxy.Value.Kind == ProxyKind.Explicit
                ? settings.Environment.Read("NO_PROXY") ?? settings.Environment.Read("no_proxy")
                : null;
            if (proxy.IsDefault && bundle is null) return Default;
            return new NetworkSettings(proxy, bundle, noProxy);
        }

        /// <summary>The proxy a request to <paramref name="target"/> goes through (masked, with where it was set), or null for a direct connection.</summary>
        internal string? ProxyFor(Uri target)
        {
            switch (Proxy.Kind)
            {
                case ProxyKind.Direct:
                    return null;
                case ProxyKind.Explicit:
                    return NoProxy.Matches(target) ? null : Messages.ExplicitProxy(Proxy.Display, ProxyOrigin.Describe());
                default:
                    IWebProxy? system = SystemProxy();
                    Uri? used = system is null || system.IsBypassed(target) ? null : system.GetProxy(target);
                    return used is null || used == target ? null : ProxyChoice.Mask(used.GetLeftPart(UriPartial.Authority));
            }
        }

        /// <summary>
        /// The proxy a request to <paramref name="target"/> goes through, as users may see it: the
        /// masked address (and where it was set), "none (direct)", or "system: &lt;address&gt;".
        /// </summary>
        public string DescribeProxy(Uri target) =>
            ProxyFor(target) is string proxy
                ? Proxy.Kind == ProxyKind.System ? Messages.SystemProxy(proxy) : proxy
                : Proxy.Kind == ProxyKind.Explicit ? Messages.BypassedProxy(Proxy.Display) : Messages.DirectConnection;

        /// <summary>.NET's default proxy (HttpClient.DefaultProxy, which netstandard2.0 does not show; on .NET Framework WebRequest.DefaultWebProxy), or null.</summary>
        private static readonly System.Reflection.PropertyInfo? DefaultProxyProperty = typeof(HttpClient).GetProperty("DefaultProxy");

        private static IWebProxy? SystemProxy()
        {
            try
            {
                return DefaultProxyProperty is null ? WebRequest.DefaultWebProxy : DefaultProxyProperty.GetValue(null) as IWebProxy;
            }
            catch (Exception ex) when (ex is System.Reflection.TargetInvocationException || ex is PlatformNotSupportedException)
            {
                return null;
            }
        }

        /// <summary>The socket handler for these settings: the proxy with its credentials, and Ally's certificate check.</summary>
        internal HttpClientHandler CreateHandler()
        {
            var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
            switch (Proxy.Kind)
            {
                case ProxyKind.Direct:
                    handler.UseProxy = false;
                    break;
                case ProxyKind.Explicit:
                    handler.UseProxy = true;
                    handler.Proxy = new ExplicitProxy(Proxy.Address!, NoProxy)
                    {
                        Credentials = Proxy.Credential ?? CredentialCache.DefaultCredentials,
                    };
                    break;
                default:
                    // The default proxy (variables, system settings), with the user's own credentials where the platform has them.
                    handler.UseProxy = true;
                    handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials;
                    break;
            }
            CaBundle? bundle = CaBundle;
            handler.ServerCertificateCustomValidationCallback = (_, certificate, chain, errors) => CaBundle.Check(bundle, certificate, chain, errors);
            return handler;
        }

        /// <summary>
        /// An explicit proxy: every request goes through it, loopback addresses included (as .NET's
        /// WebProxy does unless told otherwise), except hosts NO_PROXY names.
        /// </summary>
        private sealed class ExplicitProxy : IWebProxy
        {
            private readonly Uri _address;
            private readonly NoProxyList _noProxy;

            public ExplicitProxy(Uri address, NoProxyList noProxy)
            {
                _address = address;
                _noProxy = noProxy;
            }

            public ICredentials? Credentials { get; set; }

            public Uri GetProxy(Uri destination) => _address;

            public bool IsBypassed(Uri host) => _noProxy.Matches(host);
        }
    }

    /// <summary>
    /// NO_PROXY as curl and .NET read it: a comma-separated list of host names (a leading '.' or '*.'
    /// matches the domain and its subdomains), IP addresses, optionally with :port, or '*' for all.
    /// </summary>
    internal sealed class NoProxyList
    {
        private readonly string[] _entries;

        public NoProxyList(string? value) =>
            _entries = (value ?? string.Empty).Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries);

        public bool Matches(Uri target)
        {
            string host = target.IdnHost.Trim('[', ']');
            foreach (string raw in _entries)
            {
                string entry = raw.Trim();
                if (entry == "*") return true;
                int? port = null;
                int colon = entry.LastIndexOf(':');
                if (colon > 0 && entry.IndexOf(':') == colon && int.TryParse(entry.Substring(colon + 1), out int p))
                {
                    port = p;
                    entry = entry.Substring(0, colon);
                }
                if (port != null && port != target.Port) continue;
                entry = entry.Trim('[', ']');
                if (entry.StartsWith("*.", StringComparison.Ordinal)) entry = entry.Substring(1);
                if (entry.StartsWith(".", StringComparison.Ordinal))
                {
                    if (host.EndsWith(entry, StringComparison.OrdinalIgnoreCase) || host.Equals(entry.Substring(1), StringComparison.OrdinalIgnoreCase)) return true;
                }
                else if (host.Equals(entry, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + entry, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
