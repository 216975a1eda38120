namespace Ally
{
    internal static partial class Messages
    {
        // The proxy setting (-Proxy, ALLY_PROXY, network.proxy).
        public const string ProxyDescription = "The HTTP(S) proxy for Ally's requests, or 'none' for direct connections (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY, then the system's).";
        public const string ProxyRemedy =
            "Give the proxy's address as http://host:port (with user:password@ when it wants them), or 'none' to connect directly; e.g. $env:ALLY_PROXY = 'http://proxy.example.com:8080'.";
        public const string NotAProxyAddress = "it is not an http:// or https:// proxy address";
        public const string ProxyWithPath = "a proxy address has no path, query or fragment";
        public const string ProxyPasswordMask = "***";
        public const string DirectConnection = "none (direct)";
        public static string SystemProxy(string proxy) => F("system: {0}", proxy);
        public static string ExplicitProxy(string proxy, string origin) => F("{0} (from {1})", proxy, origin);
        public static string BypassedProxy(string proxy) => F("none (direct: NO_PROXY bypasses {0})", proxy);
        public static string UsingProxy(string proxy) => F("Proxy: {0}.", proxy);

        // The CA bundle setting (ALLY_CA_BUNDLE, network.ca_bundle).
        public const string CaBundleDescription = "A PEM file of CA certificates trusted for Ally's requests, besides the system's.";
        public const string CaBundleRemedy =
            "Point ALLY_CA_BUNDLE (or network.ca_bundle in ally.toml) at a readable PEM file of your network's CA certificates: '-----BEGIN CERTIFICATE-----' blocks, as IT departments hand them out (export a .cer as 'Base-64 encoded X.509').";
        public const string CaBundleNotFound = "there is no such file";
        public static string CaBundleUnreadable(string reason) => F("the file cannot be read ({0})", Excerpt(reason, 120));
        public const string CaBundleNotPem = "the file holds no PEM certificate ('-----BEGIN CERTIFICATE-----')";
        public static string CaBundleBadCertificate(int index, string reason) => F("certificate {0} of the file cannot be read ({1})", index, Excerpt(reason, 120));

        // A proxy that failed.
        public static string ProxyFailed(string proxy, string server, string reason) =>
            F("The proxy {0} could not be used to reach {1} ({2}).", proxy, server, reason);
        public const string ProxyFailedRemedy =
            "Check the proxy's address and that it runs (-Proxy, ALLY_PROXY, network.proxy in ally.toml, or HTTPS_PROXY/HTTP_PROXY), and NO_PROXY for servers it cannot reach; ALLY_PROXY = 'none' connects directly.";
        public const string ProxyAuthenticationRemedy =
            "The proxy wants credentials Ally did not have or it refused: put them in the proxy address, e.g. $env:ALLY_PROXY = 'http://user:password@proxy.example.com:8080' (percent-encode special characters).";

        // A server whose certificate chain is not trusted.
        public static string UntrustedCertificate(string server, string detail) =>
            Cap(F("The certificate chain of {0} is not trusted: {1}.", server, detail));
        public static string UntrustedIssuer(string issuer) => F("it was issued by '{0}', which is not a trusted certificate authority", Excerpt(issuer, 120));
        public static string UntrustedIssuerWithBundle(string issuer, string bundle) =>
            F("it was issued by '{0}', which is neither a trusted certificate authority nor in the CA bundle {1}", Excerpt(issuer, 120), bundle);
        public static string CertificateNameMismatch(string name) => F("the server's certificate is issued for '{0}', not for the address Ally connected to", Excerpt(name, 120));
        public static string CertificateInvalid(string faults) => F("the server's certificate chain is not valid: {0}", faults);
        public const string UntrustedCertificateRemedy =
            "If your network inspects TLS with its own certificate authority, add that CA: $env:ALLY_CA_BUNDLE = '/path/to/corp-ca.pem' (a PEM file), or network.ca_bundle in ally.toml. Ally has no switch to turn certificate checks off.";
    }
}
