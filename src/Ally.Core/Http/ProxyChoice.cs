using System;
using System.Net;
using Ally.Configuration;

namespace Ally.Http
{
    /// <summary>How the proxy was chosen.</summary>
    public enum ProxyKind
    {
        /// <summary>Nothing set it: .NET's default proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, then the system's settings).</summary>
        System,
        /// <summary>'none' or 'direct': no proxy at all.</summary>
        Direct,
        /// <summary>An address from -Proxy, ALLY_PROXY or network.proxy.</summary>
        Explicit,
    }

    /// <summary>
    /// The proxy setting's value: the system's proxy, none, or an explicit proxy address with its
    /// credentials. The password is kept in a <see cref="NetworkCredential"/> only; everything that
    /// describes the choice (<see cref="ToString"/>, messages, Test-AllyProvider) shows it as ***.
    /// </summary>
    public sealed class ProxyChoice
    {
        private ProxyChoice(ProxyKind kind, Uri? address, NetworkCredential? credential, string display)
        {
            Kind = kind;
            Address = address;
            Credential = credential;
            Display = display;
        }

        /// <summary>.NET's default: the standard variables, then the system's settings.</summary>
        public static ProxyChoice System { get; } = new ProxyChoice(ProxyKind.System, null, null, "system");

        /// <summary>No proxy.</summary>
        public static ProxyChoice Direct { get; } = new ProxyChoice(ProxyKind.Direct, null, null, Messages.DirectConnection);

        /// <summary>Which kind of choice this is.</summary>
        public ProxyKind Kind { get; }

        /// <summary>The explicit proxy's address, without user or password; null otherwise.</summary>
        public Uri? Address { get; }

        /// <summary>The credentials from the address (user:password@), or null.</summary>
        internal NetworkCredential? Credential { get; }

        /// <summary>The choice as users may see it: the address with the password as ***.</summary>
        public string Display { get; }

        /// <summary>The masked description (never the password).</summary>
        public override string ToString() => Display;

        /// <summary>
        /// Reads a proxy value: 'none' or 'direct' (no proxy), 'system' (.NET's default), or an
        /// http(s) address — "host:port" alone means http://host:port — with optional user:password@
        /// (percent-encoded where needed; DOMAIN\user for Windows authentication).
        /// </summary>
        public static ParseResult<ProxyChoice> Parse(string text)
        {
            string value = text.Trim().Trim('"', '\'');
            if (value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.Equals("direct", StringComparison.OrdinalIgnoreCase))
                return ParseResult<ProxyChoice>.Ok(Direct);
            if (value.Equals("system", StringComparison.OrdinalIgnoreCase)) return ParseResult<ProxyChoice>.Ok(System);
            if (value.IndexOf("://", StringComparison.Ordinal) < 0) value = "http://" + value;
            if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.Host.Length == 0)
                return ParseResult<ProxyChoice>.Fail(Messages.NotAProxyAddress);
            if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0) return ParseResult<ProxyChoice>.Fail(Messages.ProxyWithPath);

            var address = new UriBuilder(uri.Scheme, uri.Host, uri.Port).Uri;
            NetworkCredential? credential = null;
            string display = address.GetLeftPart(UriPartial.Authority);
            if (uri.UserInfo.Length > 0)
            {
                int colon = uri.UserInfo.IndexOf(':');
                string user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo.Substring(0, colon));
                string password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo.Substring(colon + 1));
                int slash = user.IndexOf('\\');
                credential = slash < 0 ? new NetworkCredential(user, password) : new NetworkCredential(user.Substring(slash + 1), password, user.Substring(0, slash));
                string shownUser = uri.UserInfo.Substring(0, colon < 0 ? uri.UserInfo.Length : colon);
                display = uri.Scheme + "://" + shownUser + (colon < 0 ? string.Empty : ":" + Messages.ProxyPasswordMask) + "@" + address.Authority;
            }
            return ParseResult<ProxyChoice>.Ok(new ProxyChoice(ProxyKind.Explicit, address, credential, display));
        }

        /// <summary>
        /// <paramref name="text"/> for a message when it could not be parsed: anything between "://"
        /// (or the start) and the last '@' may hold a password, so only what follows the '@' is kept.
        /// </summary>
        public static string Mask(string text)
        {
            int at = text.LastIndexOf('@');
            if (at < 0) return text;
            int scheme = text.IndexOf("://", StringComparison.Ordinal);
            string prefix = scheme >= 0 && scheme < at ? text.Substring(0, scheme + 3) : string.Empty;
            return prefix + Messages.ProxyPasswordMask + text.Substring(at);
        }

        /// <summary>A short key that tells choices apart (for sharing HttpClients), without the password in clear.</summary>
        internal string CacheKey
        {
            get
            {
                if (Credential is null) return Kind + " " + Display;
                using var sha = global::System.Security.Cryptography.SHA256.Create();
                byte[] hash = sha.ComputeHash(global::System.Text.Encoding.UTF8.GetBytes(Credential.Domain + "\\" + Credential.UserName + ":" + Credential.Password));
                return Kind + " " + Display + " " + Convert.ToBase64String(hash);
            }
        }
    }
}
