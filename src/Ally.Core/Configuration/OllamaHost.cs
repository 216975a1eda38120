using System;
using System.Globalization;
using System.Net;

namespace Ally.Configuration
{
    /// <summary>
    /// Parses OLLAMA_HOST exactly as Ollama's own client does (envconfig.Host + ConnectableHost), and
    /// normalises the result to scheme://host:port/path/ — the trailing slash matters because
    /// OllamaSharp resolves its endpoints relative to the base address.
    /// </summary>
    public static class OllamaHost
    {
        /// <summary>The address used when OLLAMA_HOST is not set.</summary>
        public static readonly Uri Default = new Uri("http://127.0.0.1:11434/");

        /// <summary>Ollama's address from the settings (OLLAMA_HOST, else the default). <paramref name="warning"/> as for <see cref="Parse"/>.</summary>
        public static Uri Resolve(SettingsResolver settings, out string? warning)
        {
            warning = null;
            string? value = settings.Resolve(SettingsResolver.OllamaHost).Value;
            return value is null ? Default : Parse(value, out warning);
        }

        /// <summary>Parses a value of OLLAMA_HOST. <paramref name="warning"/> is set when Ollama would warn (bad port).</summary>
        public static Uri Parse(string? value, out string? warning)
        {
            warning = null;
            // Ollama trims whitespace, then surrounding quotes (envconfig.Var).
            string s = (value ?? string.Empty).Trim().Trim('"', '\'').Trim();
            string defaultPort = "11434";
            string scheme;
            string hostPort;
            int sep = s.IndexOf("://", StringComparison.Ordinal);
            if (sep < 0)
            {
                scheme = "http";
                hostPort = s;
                if (s == "ollama.com")
                {
                    scheme = "https";
                    hostPort = "ollama.com:443";
                }
            }
            else
            {
                scheme = s.Substring(0, sep);
                hostPort = s.Substring(sep + 3);
                if (scheme == "http") defaultPort = "80";
                else if (scheme == "https") defaultPort = "443";
            }

            if (scheme != "http" && scheme != "https")
            {
                throw new AllyException("InvalidOllamaHost", AllyErrorCategory.InvalidArgument,
                    Messages.InvalidOllamaHost(value ?? string.Empty, "the scheme must be http or https."), Messages.InvalidOllamaHostRemedy);
            }

            string path = string.Empty;
            int slash = hostPort.IndexOf('/');
            if (slash >= 0)
            {
                path = hostPort.Substring(slash + 1);
                hostPort = hostPort.Substring(0, slash);
            }

            string host;
            string port;
            if (!TrySplitHostPort(hostPort, out host, out port))
            {
                host = "127.0.0.1";
                port = defaultPort;
                string bare = hostPort.Trim('[', ']');
                if (IPAddress.TryParse(bare, out IPAddress? ip) && (bare.Contains(":") || bare.Split('.').Length == 4))
                {
                    host = ip.ToString();
                }
                else if (hostPort.Length > 0)
                {
                    host = hostPort;
                }
            }

            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int portNumber) || portNumber > 65535)
            {
                warning = string.Format(CultureInfo.InvariantCulture, "OLLAMA_HOST has an invalid port '{0}'; using {1}.", port, defaultPort);
                portNumber = int.Parse(defaultPort, CultureInfo.InvariantCulture);
            }

            // ConnectableHost: a server bind address (0.0.0.0 / ::) is not something a client can dial.
            if (IPAddress.TryParse(host, out IPAddress? address))
            {
                if (address.Equals(IPAddress.Any)) host = "127.0.0.1";
                else if (address.Equals(IPAddress.IPv6Any)) host = "::1";
            }

            string hostText = host.Contains(":") ? "[" + host + "]" : host;
            string normalisedPath = path.Trim('/');
            string uri = string.Format(CultureInfo.InvariantCulture, "{0}://{1}:{2}/{3}", scheme, hostText, portNumber,
                normalisedPath.Length == 0 ? string.Empty : normalisedPath + "/");
            if (!Uri.TryCreate(uri, UriKind.Absolute, out Uri? result))
            {
                throw new AllyException("InvalidOllamaHost", AllyErrorCategory.InvalidArgument,
                    Messages.InvalidOllamaHost(value ?? string.Empty, "it is not a valid address."), Messages.InvalidOllamaHostRemedy);
            }
            return result;
        }

        /// <summary>Go's net.SplitHostPort: host:port, [v6]:port; fails on a bare host or a bare IPv6 address.</summary>
        private static bool TrySplitHostPort(string hostPort, out string host, out string port)
        {
            host = port = string.Empty;
            int colon = hostPort.LastIndexOf(':');
            if (colon < 0) return false;
            if (hostPort.StartsWith("[", StringComparison.Ordinal))
            {
                int close = hostPort.IndexOf(']');
                if (close < 0 || close + 1 != colon) return false;
                host = hostPort.Substring(1, close - 1);
            }
            else
            {
                host = hostPort.Substring(0, colon);
                if (host.IndexOf(':') >= 0) return false; // "too many colons": an unbracketed IPv6 address
            }
            port = hostPort.Substring(colon + 1);
            return true;
        }
    }
}
