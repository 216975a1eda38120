using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ally.Configuration;
using Ally.Http;
using Xunit;

namespace Ally.Tests
{
    /// <summary>The proxy setting (parsing, masking, precedence, NO_PROXY), the CA bundle (loading, the chain check) and the network failures.</summary>
    public class NetworkSettingsTests
    {
        private static SettingsResolver Resolver(Dictionary<string, object?>? parameters = null, Dictionary<string, string?>? env = null) =>
            SettingsResolver.Create(parameters, name => env != null && env.TryGetValue(name, out string? v) ? v : null);

        private static ProxyChoice Parse(string text)
        {
            ParseResult<ProxyChoice> result = ProxyChoice.Parse(text);
            Assert.True(result.Success, result.Problem);
            return result.Value;
        }

        [Theory]
        [InlineData("http://proxy.example.com:8080", "http://proxy.example.com:8080/", "http://proxy.example.com:8080")]
        [InlineData("proxy.example.com:3128", "http://proxy.example.com:3128/", "http://proxy.example.com:3128")]
        [InlineData("  'https://proxy.example.com'  ", "https://proxy.example.com/", "https://proxy.example.com")]
        [InlineData("http://10.0.0.1:8080/", "http://10.0.0.1:8080/", "http://10.0.0.1:8080")]
        public void ParsesProxyAddresses(string text, string address, string display)
        {
            ProxyChoice proxy = Parse(text);
            Assert.Equal(ProxyKind.Explicit, proxy.Kind);
            Assert.Equal(address, proxy.Address!.AbsoluteUri);
            Assert.Equal(display, proxy.Display);
            Assert.Null(proxy.Credential);
        }

        [Fact]
        public void KeepsCredentialsOutOfEveryDescription()
        {
            ProxyChoice proxy = Parse("http://alice:p%40ss%3Aw0rd@proxy.example.com:8080");
            Assert.Equal("alice", proxy.Credential!.UserName);
            Assert.Equal("p@ss:w0rd", proxy.Credential.Password);
            Assert.Equal("http://alice:***@proxy.example.com:8080", proxy.Display);
            Assert.Equal(proxy.Display, proxy.ToString());
            Assert.Equal("http://proxy.example.com:8080/", proxy.Address!.AbsoluteUri);
            Assert.DoesNotContain("w0rd", proxy.CacheKey);

            ProxyChoice windows = Parse("http://CORP%5Calice:secret@proxy");
            Assert.Equal(("CORP", "alice", "secret"), (windows.Credential!.Domain, windows.Credential.UserName, windows.Credential.Password));
            Assert.DoesNotContain("secret", windows.Display);
        }

        [Theory]
        [InlineData("none", ProxyKind.Direct)]
        [InlineData("DIRECT", ProxyKind.Direct)]
        [InlineData("system", ProxyKind.System)]
        public void KnowsTheWordsForNoProxyAndTheSystemProxy(string text, ProxyKind kind) => Assert.Equal(kind, Parse(text).Kind);

        [Theory]
        [InlineData("ftp://proxy.example.com")]
        [InlineData("socks5://proxy.example.com:1080")]
        [InlineData("http://")]
        [InlineData("http://proxy.example.com:8080/path")]
        [InlineData("http://proxy.example.com:8080?x=1")]
        [InlineData("http://proxy.example.com:99999")]
        public void RejectsWhatIsNotAProxyAddress(string text) => Assert.False(ProxyChoice.Parse(text).Success);

        [Fact]
        public void ABadValueFailsWithoutThePassword()
        {
            var env = new Dictionary<string, string?> { ["ALLY_PROXY"] = "ftp://bob:hunter2secret@proxy.example.com" };
            AllyException ex = Assert.Throws<AllyException>(() => NetworkSettings.Resolve(Resolver(env: env)));
            Assert.Same(ErrorIds.InvalidSetting, ex.Id);
            Assert.DoesNotContain("hunter2secret", ex.Message);
            Assert.Contains("'ftp://***@proxy.example.com' (from ALLY_PROXY)", ex.Message);
            Assert.Equal("http://***@host", ProxyChoice.Mask("http://user:pass@host"));
            Assert.Equal("***@host", ProxyChoice.Mask("user:p@ss@host"));
        }

        [Fact]
        public void ParameterBeatsEnvironment()
        {
            var env = new Dictionary<string, string?> { ["ALLY_PROXY"] = "http://from-env:1" };
            NetworkSettings fromParameter = NetworkSettings.Resolve(Resolver(new Dictionary<string, object?> { ["Proxy"] = "http://from-param:2" }, env));
            Assert.Equal("http://from-param:2", fromParameter.Proxy.Display);
            Assert.Equal("-Proxy", fromParameter.ProxyOrigin.Describe());
            NetworkSettings fromEnvironment = NetworkSettings.Resolve(Resolver(env: env));
            Assert.Equal("http://from-env:1 (from ALLY_PROXY)", fromEnvironment.DescribeProxy(new Uri("http://127.0.0.1:11434/")));
            Assert.Same(NetworkSettings.Default, NetworkSettings.Resolve(Resolver()));
        }

        [Fact]
        public void ClientsAreSharedOnlyBetweenEqualNetworkSettings()
        {
            string Key(string proxy) => NetworkSettings.Resolve(Resolver(env: new Dictionary<string, string?> { ["ALLY_PROXY"] = proxy })).Key;
            Assert.Equal(Key("http://a:one@proxy:1"), Key("http://a:one@proxy:1"));
            Assert.NotEqual(Key("http://a:one@proxy:1"), Key("http://a:two@proxy:1"));
            Assert.NotEqual(Key("http://proxy:1"), Key("http://proxy:2"));
            Assert.NotEqual(Key("none"), NetworkSettings.Default.Key);
            Assert.DoesNotContain("one", Key("http://a:one@proxy:1").Replace("proxy", string.Empty));
        }

        [Fact]
        public void HttpClientsAreSharedPerNetworkConfiguration()
        {
            var address = new Uri("http://127.0.0.1:11434/");
            NetworkSettings Network(string? proxy) =>
                NetworkSettings.Resolve(Resolver(env: new Dictionary<string, string?> { ["ALLY_PROXY"] = proxy }));
            HttpClient first = AllyHttp.For("ollama", address, Network("http://a:one@proxy.example.com:1"));
            Assert.Same(first, AllyHttp.For("ollama", address, Network("http://a:one@proxy.example.com:1")));
            Assert.NotSame(first, AllyHttp.For("ollama", address, Network("http://a:two@proxy.example.com:1")));
            Assert.NotSame(first, AllyHttp.For("ollama", address, Network("none")));
            Assert.Same(AllyHttp.For("ollama", address, Network(null)), AllyHttp.For("ollama", address, NetworkSettings.Default));
        }

        [Theory]
        [InlineData("example.com", "http://example.com/", true)]
        [InlineData("example.com", "http://api.example.com/", true)]
        [InlineData(".example.com", "http://api.example.com/", true)]
        [InlineData("*.example.com", "http://example.com/", true)]
        [InlineData("example.com", "http://notexample.com/", false)]
        [InlineData("127.0.0.1", "http://127.0.0.1:11434/", true)]
        [InlineData("127.0.0.1:8080", "http://127.0.0.1:11434/", false)]
        [InlineData("localhost:11434, other", "http://localhost:11434/", true)]
        [InlineData("*", "https://openrouter.ai/", true)]
        [InlineData("", "https://openrouter.ai/", false)]
        public void NoProxyMatchesAsCurlDoes(string noProxy, string target, bool bypassed)
        {
            Assert.Equal(bypassed, new NoProxyList(noProxy).Matches(new Uri(target)));
            var env = new Dictionary<string, string?> { ["ALLY_PROXY"] = "http://proxy:3128", ["NO_PROXY"] = noProxy };
            string described = NetworkSettings.Resolve(Resolver(env: env)).DescribeProxy(new Uri(target));
            Assert.Equal(bypassed, described.StartsWith("none (direct", StringComparison.Ordinal));
        }

        // ---- The CA bundle ----

        private sealed class Pki : IDisposable
        {
            private readonly List<X509Certificate2> _made = new List<X509Certificate2>();

            public X509Certificate2 Ca(string name)
            {
                using RSA key = RSA.Create(2048);
                var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
                request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
                X509Certificate2 ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(30));
                _made.Add(ca);
                return ca;
            }

            public X509Certificate2 Leaf(X509Certificate2 ca, string name = "127.0.0.1", bool expired = false, string usage = "1.3.6.1.5.5.7.3.1")
            {
                using RSA key = RSA.Create(2048);
                var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
                request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(usage) }, false));
                var san = new SubjectAlternativeNameBuilder();
                san.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(san.Build());
                DateTimeOffset now = DateTimeOffset.UtcNow;
                X509Certificate2 leaf = request.Create(ca, expired ? now.AddDays(-5) : now.AddDays(-1), expired ? now.AddDays(-1) : now.AddDays(7),
                    Guid.NewGuid().ToByteArray());
                _made.Add(leaf);
                return leaf;
            }

            public void Dispose()
            {
                foreach (X509Certificate2 certificate in _made) certificate.Dispose();
            }
        }

        private static CaBundle Bundle(params X509Certificate2[] certificates)
        {
            string path = Path.Combine(Path.GetTempPath(), "ally-bundle-" + Guid.NewGuid().ToString("n") + ".pem");
            File.WriteAllText(path, "Some comment line\n" + string.Join("\n", Array.ConvertAll(certificates, c => c.ExportCertificatePem())) + "\n");
            ParseResult<CaBundle?> result = CaBundle.Load(path);
            Assert.True(result.Success, result.Problem);
            return result.Value!;
        }

        [Fact]
        public void LoadsEveryCertificateOfAPemFile()
        {
            using var pki = new Pki();
            CaBundle bundle = Bundle(pki.Ca("Corp Root"), pki.Ca("Corp Other Root"));
            Assert.Equal(2, bundle.Certificates.Count);
            Assert.Equal("CN=Corp Other Root", bundle.Certificates[1].Subject);

            // A changed file is read again (commands resolve their settings each time).
            File.WriteAllText(bundle.Path, pki.Ca("Replaced").ExportCertificatePem());
            File.SetLastWriteTimeUtc(bundle.Path, DateTime.UtcNow.AddMinutes(1));
            CaBundle again = CaBundle.Load(bundle.Path).Value!;
            Assert.Equal("CN=Replaced", Assert.Single(again.Certificates).Subject);
            File.Delete(bundle.Path);
        }

        [Fact]
        public void RejectsMissingAndNonPemFiles()
        {
            string dir = Path.Combine(Path.GetTempPath(), "ally-bundle-" + Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(dir);
            try
            {
                Assert.Equal(Messages.CaBundleNotFound, CaBundle.Load(Path.Combine(dir, "missing.pem")).Problem);
                string text = Path.Combine(dir, "text.pem");
                File.WriteAllText(text, "not a certificate");
                Assert.Equal(Messages.CaBundleNotPem, CaBundle.Load(text).Problem);
                string der = Path.Combine(dir, "der.cer");
                using (var pki = new Pki()) File.WriteAllBytes(der, pki.Ca("Binary").RawData);
                Assert.Equal(Messages.CaBundleNotPem, CaBundle.Load(der).Problem);
                string broken = Path.Combine(dir, "broken.pem");
                File.WriteAllText(broken, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
                Assert.StartsWith("certificate 1 of the file cannot be read", CaBundle.Load(broken).Problem);
                string unterminated = Path.Combine(dir, "unterminated.pem");
                File.WriteAllText(unterminated, "-----BEGIN CERTIFICATE-----\nMIIB\n");
                Assert.StartsWith("certificate 1 of the file cannot be read", CaBundle.Load(unterminated).Problem);
                Assert.Equal(Messages.CaBundleNotFound, CaBundle.Load(dir).Problem);

                AllyException ex = Assert.Throws<AllyException>(() => NetworkSettings.Resolve(Resolver(env: new Dictionary<string, string?> { ["ALLY_CA_BUNDLE"] = text })));
                Assert.Same(ErrorIds.InvalidSetting, ex.Id);
                Assert.Contains("(from ALLY_CA_BUNDLE) cannot be used: the file holds no PEM certificate", ex.Message);
                Assert.Contains("PEM", ex.Remedy);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Fact]
        public void TrustsOnlyAValidChainToACertificateOfTheBundle()
        {
            using var pki = new Pki();
            X509Certificate2 corp = pki.Ca("Corp Root");
            X509Certificate2 other = pki.Ca("Other Root");
            CaBundle bundle = Bundle(corp);

            Assert.True(bundle.Trusts(pki.Leaf(corp), null));
            Assert.False(bundle.Trusts(pki.Leaf(other), null));
            Assert.False(bundle.Trusts(pki.Leaf(corp, expired: true), null));
            // A certificate for clients only is no server certificate.
            Assert.False(bundle.Trusts(pki.Leaf(corp, usage: "1.3.6.1.5.5.7.3.2"), null));
            // The CA's name alone is not enough: a look-alike CA with the same name but another key.
            X509Certificate2 impostor = pki.Ca("Corp Root");
            Assert.False(bundle.Trusts(pki.Leaf(impostor), null));
            File.Delete(bundle.Path);
        }

        [Fact]
        public void TheCheckAddsTrustButTurnsNoCheckOff()
        {
            using var pki = new Pki();
            X509Certificate2 corp = pki.Ca("Corp Root");
            CaBundle bundle = Bundle(corp);
            X509Certificate2 leaf = pki.Leaf(corp);
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.Build(leaf);

            Assert.True(CaBundle.Check(null, leaf, chain, SslPolicyErrors.None));
            Assert.True(CaBundle.Check(bundle, leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(CaBundle.Check(bundle, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));

            // Without the bundle: untrusted, and the failure names the CA.
            UntrustedCertificateException untrusted = Assert.Throws<UntrustedCertificateException>(() =>
                CaBundle.Check(null, leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.Contains("'CN=Corp Root'", untrusted.Detail);

            // A name mismatch stays a failure, bundle or not, and is not "untrusted".
            AuthenticationException name = Assert.Throws<AuthenticationException>(() =>
                CaBundle.Check(bundle, leaf, chain, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.IsNotType<UntrustedCertificateException>(name);

            // An expired certificate of a bundled CA is refused as invalid, not as untrusted.
            X509Certificate2 expired = pki.Leaf(corp, expired: true);
            using var expiredChain = new X509Chain();
            expiredChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            expiredChain.Build(expired);
            AuthenticationException invalid = Assert.Throws<AuthenticationException>(() =>
                CaBundle.Check(bundle, expired, expiredChain, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.IsNotType<UntrustedCertificateException>(invalid);
            Assert.Contains("NotTimeValid", invalid.Message);
            File.Delete(bundle.Path);
        }

        // ---- Network failures ----

        [Fact]
        public void AnUntrustedChainIsUntrustedCertificateWithTheRemedy()
        {
            var failure = new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new UntrustedCertificateException("it was issued by 'CN=Corp Root', which is not a trusted certificate authority"));
            AllyException ex = HttpFailures.Network(failure, NetworkSettings.Default, new Uri("https://llm.example.com/"), "the server at https://llm.example.com/")!;
            Assert.Same(ErrorIds.UntrustedCertificate, ex.Id);
            Assert.Equal(AllyErrorCategory.SecurityError, ex.Category);
            Assert.False(ex.IsTransient);
            Assert.Contains("is not trusted", ex.Message);
            Assert.Contains("$env:ALLY_CA_BUNDLE = '/path/to/corp-ca.pem'", ex.Remedy);
            Assert.Contains("network.ca_bundle", ex.Remedy);
        }

        [Fact]
        public void AnUnreachableExplicitProxyIsProxyFailedWithItsMaskedAddress()
        {
            var refused = new HttpRequestException("Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused));
            NetworkSettings viaProxy = NetworkSettings.Resolve(Resolver(env: new Dictionary<string, string?> { ["ALLY_PROXY"] = "http://u:topsecret@127.0.0.1:9" }));
            AllyException ex = HttpFailures.Network(refused, viaProxy, new Uri("https://api.example.com/v1/"), "OpenAI")!;
            Assert.Same(ErrorIds.ProxyFailed, ex.Id);
            Assert.Contains("http://u:***@127.0.0.1:9 (from ALLY_PROXY)", ex.Message);
            Assert.DoesNotContain("topsecret", ex.ToString());

            NetworkSettings direct = NetworkSettings.Resolve(Resolver(env: new Dictionary<string, string?> { ["ALLY_PROXY"] = "none" }));
            Assert.Null(HttpFailures.Network(refused, direct, new Uri("https://api.example.com/v1/"), "OpenAI"));
            // A platform message that quotes a proxy address with credentials keeps them out.
            var quoted = new HttpRequestException("x", new HttpRequestException("The proxy tunnel request to proxy 'http://u:topsecret@127.0.0.1:9/' failed with status code '407'."));
            Assert.Equal("The proxy tunnel request to proxy 'http://***@127.0.0.1:9/' failed with status code '407'.", HttpFailures.Reason(quoted));
            // A reset after the request went out is the server's connection, not the proxy's.
            var reset = new HttpRequestException("reset", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));
            Assert.Null(HttpFailures.Network(reset, viaProxy, new Uri("https://api.example.com/v1/"), "OpenAI"));
        }
    }
}
