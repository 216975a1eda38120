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

        /// <summary>Parses a value of OLLAMA_HOST: the address, with a warning where Ollama would warn (bad port), or what is wrong with it.</summary>
        public static ParseResult<Uri> Parse(string? value)
        {
            string? warning = null;
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
                return ParseResult<Uri>.Fail(Messages.SchemeMustBeHttp);
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
                warning = Messages.OllamaHostBadPort(port, defaultPort);
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
                return ParseResult<Uri>.Fail(Messages.NotAValidAddress);
            }
            return ParseResult<Uri>.Ok(result, warning);
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
