using System;
using System.Runtime.InteropServices;
using System.Security;

namespace Ally.Configuration
{
    /// <summary>
    /// An API key held as a SecureString and revealed only to put it in an Authorization header.
    /// Its ToString is a redaction, so a key that reaches a log or a format string by accident
    /// still does not leak.
    /// </summary>
    public sealed class ApiKey
    {
        private readonly SecureString _value;

        /// <summary>Wraps a key; <paramref name="source"/> says where it came from (for messages, never the value).</summary>
        public ApiKey(SecureString value, string source)
        {
            _value = value.Copy();
            _value.MakeReadOnly();
            Source = source;
        }

        /// <summary>Wraps a plain-text key (from an environment variable).</summary>
        public static ApiKey FromPlainText(string value, string source) => new ApiKey(Protect(value.Trim()), source);

        /// <summary>A read-only SecureString holding <paramref name="value"/>.</summary>
        public static SecureString Protect(string value)
        {
            var secure = new SecureString();
            foreach (char c in value) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>Where the key came from: "-ApiKey", "OPENROUTER_API_KEY", "vault 'X' secret 'Y'".</summary>
        public string Source { get; }

        /// <summary>True when the key has no characters.</summary>
        public bool IsEmpty => _value.Length == 0;

        /// <summary>The key in clear, for the Authorization header only.</summary>
        internal string Reveal()
        {
            IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(_value);
            try
            {
                return Marshal.PtrToStringUni(ptr) ?? string.Empty;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        /// <summary>Never the key.</summary>
        public override string ToString() => "[API key from " + Source + "]";
    }
}
