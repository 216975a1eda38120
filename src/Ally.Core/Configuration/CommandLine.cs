using System;
using System.Collections.Generic;

namespace Ally.Configuration
{
    /// <summary>What PowerShell's own command line says about the session.</summary>
    public static class CommandLine
    {
        private const string NonInteractive = "noninteractive";

        /// <summary>
        /// True when the arguments hold pwsh's -NonInteractive switch in any form pwsh accepts: any case,
        /// a prefix of at least "-noni" (pwsh's shortest unambiguous one), with one or two dashes
        /// (<c>--NonInteractive</c>).
        /// </summary>
        public static bool IsNonInteractive(IEnumerable<string> arguments)
        {
            foreach (string argument in arguments)
            {
                if (string.IsNullOrEmpty(argument)) continue;
                string name = argument.StartsWith("--", StringComparison.Ordinal) ? argument.Substring(2)
                    : argument[0] == '-' ? argument.Substring(1)
                    : string.Empty;
                if (name.Length < 4) continue;
                if (NonInteractive.StartsWith(name.ToLowerInvariant(), StringComparison.Ordinal)) return true;
            }
            return false;
        }
    }
}
