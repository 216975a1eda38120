using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ally.Configuration;

namespace Ally.Http
{
    /// <summary>
    /// The CA certificates of ALLY_CA_BUNDLE (a PEM file), trusted for Ally's requests besides the
    /// system's roots. A server certificate is accepted when the system trusts it, or when its chain,
    /// built with these certificates, ends at one of them and has no other fault (expired, wrong
    /// usage, a broken signature): adding a CA never turns any other check off, and nothing in Ally
    /// turns verification off.
    /// </summary>
    public sealed class CaBundle
    {
        // Server authentication (id-kp-serverAuth), the usage SslStream asks the system chain for.
        private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
        private const string Begin = "-----BEGIN CERTIFICATE-----";
        private const string End = "-----END CERTIFICATE-----";

        // A file is read again only when it changed: commands resolve their settings every time.
        private static readonly ConcurrentDictionary<string, CaBundle> Loaded = new ConcurrentDictionary<string, CaBundle>(StringComparer.Ordinal);

        private CaBundle(string path, IReadOnlyList<X509Certificate2> certificates, string stamp)
        {
            Path = path;
            Certificates = certificates;
            Stamp = stamp;
        }

        /// <summary>The file's full path.</summary>
        public string Path { get; }

        /// <summary>The certificates it holds (at least one).</summary>
        public IReadOnlyList<X509Certificate2> Certificates { get; }

        /// <summary>What identifies this version of the file (path, time written, length).</summary>
        internal string Stamp { get; }

        /// <summary>The path.</summary>
        public override string ToString() => Path;

        /// <summary>Reads a PEM file of certificates; the problem ("there is no such file", "it holds no PEM certificate") when it cannot be used.</summary>
        public static ParseResult<CaBundle?> Load(string text)
        {
            string path;
            try
            {
                path = System.IO.Path.GetFullPath(Environment.ExpandEnvironmentVariables(text.Trim().Trim('"', '\'')));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                return ParseResult<CaBundle?>.Fail(Messages.CaBundleUnreadable(ex.Message));
            }
            var file = new FileInfo(path);
            if (!file.Exists) return ParseResult<CaBundle?>.Fail(Messages.CaBundleNotFound);
            string stamp = path + "|" + file.LastWriteTimeUtc.Ticks + "|" + file.Length;
            if (Loaded.TryGetValue(path, out CaBundle? known) && known.Stamp == stamp) return ParseResult<CaBundle?>.Ok(known);

            string pem;
            try
            {
                pem = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return ParseResult<CaBundle?>.Fail(Messages.CaBundleUnreadable(ex.Message));
            }
            ParseResult<IReadOnlyList<X509Certificate2>> certificates = ReadPem(pem);
            if (!certificates.Success) return ParseResult<CaBundle?>.Fail(certificates.Problem!);
            var bundle = new CaBundle(path, certificates.Value, stamp);
            Loaded[path] = bundle;
            return ParseResult<CaBundle?>.Ok(bundle);
        }

        /// <summary>The certificates of PEM text, or what is wrong with it.</summary>
        internal static ParseResult<IReadOnlyList<X509Certificate2>> ReadPem(string pem)
        {
            var certificates = new List<X509Certificate2>();
            int at = 0;
            while ((at = pem.IndexOf(Begin, at, StringComparison.Ordinal)) >= 0)
            {
                int start = at + Begin.Length;
                int end = pem.IndexOf(End, start, StringComparison.Ordinal);
                int index = certificates.Count + 1;
                if (end < 0) return ParseResult<IReadOnlyList<X509Certificate2>>.Fail(Messages.CaBundleBadCertificate(index, "no " + End));
                try
                {
                    byte[] der = Convert.FromBase64String(pem.Substring(start, end - start));
                    certificates.Add(new X509Certificate2(der));
                }
                catch (Exception ex) when (ex is FormatException || ex is CryptographicException)
                {
                    return ParseResult<IReadOnlyList<X509Certificate2>>.Fail(Messages.CaBundleBadCertificate(index, ex.Message));
                }
                at = end + End.Length;
            }
            return certificates.Count == 0
                ? ParseResult<IReadOnlyList<X509Certificate2>>.Fail(Messages.CaBundleNotPem)
                : ParseResult<IReadOnlyList<X509Certificate2>>.Ok(certificates);
        }

        /// <summary>
        /// True when <paramref name="certificate"/>, which the system does not trust (chain errors
        /// only), chains to one of these certificates: the chain is built with them (and the
        /// certificates the server sent), and its only fault may be that its root is not a system
        /// root — that root must then be one of these certificates, byte for byte.
        /// </summary>
        /// <param name="certificate">The server's certificate.</param>
        /// <param name="presented">The chain the system built (it carries the intermediates the server sent), or null.</param>
        internal bool Trusts(X509Certificate2 certificate, X509Chain? presented)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
            foreach (X509Certificate2 ca in Certificates) chain.ChainPolicy.ExtraStore.Add(ca);
            if (presented != null)
            {
                chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
                foreach (X509ChainElement element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
            chain.Build(certificate);
            if (chain.ChainElements.Count == 0) return false;
            foreach (X509ChainElement element in chain.ChainElements)
            {
                foreach (X509ChainStatus status in element.ChainElementStatus)
                {
                    if (status.Status != X509ChainStatusFlags.NoError && status.Status != X509ChainStatusFlags.UntrustedRoot) return false;
                }
            }
            foreach (X509ChainStatus status in chain.ChainStatus)
            {
                if (status.Status != X509ChainStatusFlags.NoError && status.Status != X509ChainStatusFlags.UntrustedRoot) return false;
            }
            byte[] root = chain.ChainElements[chain.ChainElements.Count - 1].Certificate.RawData;
            return Certificates.Any(ca => ca.RawData.AsSpan().SequenceEqual(root));
        }

        /// <summary>
        /// Ally's check of a server certificate: what the system accepts is accepted; a chain the
        /// system does not trust is accepted when it ends at a certificate of <paramref name="bundle"/>;
        /// a chain that is untrusted only because of its root (an unknown CA: a TLS-inspecting proxy,
        /// a company CA) fails with <see cref="UntrustedCertificateException"/>, so the failure can say
        /// how to add the CA. Anything else (a wrong name, an expired or malformed chain) is refused
        /// as the system refuses it (with a message that says what is wrong).
        /// </summary>
        internal static bool Check(CaBundle? bundle, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None) return true;
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0) return false;
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                throw new System.Security.Authentication.AuthenticationException(Messages.CertificateNameMismatch(certificate.GetNameInfo(X509NameType.DnsName, false)));
            if (bundle != null && bundle.Trusts(certificate, chain)) return true;
            if (chain != null && !OnlyRootUntrusted(chain))
                throw new System.Security.Authentication.AuthenticationException(Messages.CertificateInvalid(string.Join(", ", Faults(chain))));
            X509Certificate2 last = chain != null && chain.ChainElements.Count > 0 ? chain.ChainElements[chain.ChainElements.Count - 1].Certificate : certificate;
            // The CA that issued the chain: the top certificate itself when it is self-signed, else its issuer (not sent by the server).
            string issuer = last.SubjectName.RawData.AsSpan().SequenceEqual(last.IssuerName.RawData) ? last.Subject : last.Issuer;
            throw new UntrustedCertificateException(bundle is null ? Messages.UntrustedIssuer(issuer) : Messages.UntrustedIssuerWithBundle(issuer, bundle.Path));
        }

        /// <summary>The chain's faults by name (NotTimeValid, NotValidForUsage, …).</summary>
        private static IEnumerable<string> Faults(X509Chain chain) =>
            chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct();

        /// <summary>True when the chain's faults are all about an unknown root (untrusted or missing).</summary>
        private static bool OnlyRootUntrusted(X509Chain chain)
        {
            bool any = false;
            foreach (X509ChainStatus status in chain.ChainStatus)
            {
                switch (status.Status)
                {
                    case X509ChainStatusFlags.NoError:
                        break;
                    case X509ChainStatusFlags.UntrustedRoot:
                    case X509ChainStatusFlags.PartialChain:
                        any = true;
                        break;
                    default:
                        return false;
                }
            }
            return any;
        }
    }

    /// <summary>
    /// The server's certificate chain ends at a certificate authority that is not trusted (not a
    /// system root, not in ALLY_CA_BUNDLE). Thrown from the certificate check, so that the failed
    /// request says so (UntrustedCertificate) rather than a generic TLS failure.
    /// </summary>
    public sealed class UntrustedCertificateException : System.Security.Authentication.AuthenticationException
    {
        /// <summary>Creates the exception; <paramref name="detail"/> says who issued the chain.</summary>
        public UntrustedCertificateException(string detail) : base(detail) => Detail = detail;

        /// <summary>Who issued the chain and why that is not trusted.</summary>
        public string Detail { get; }
    }
}
