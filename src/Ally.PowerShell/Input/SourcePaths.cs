using System;
using System.IO;
using System.Management.Automation;

namespace Ally.PowerShell.Input
{
    /// <summary>
    /// The paths Ally shows for piped files and Get-Content lines: relative to the current folder when
    /// inside it, else full. A file's PSPath is resolved once, however many of its lines come through.
    /// </summary>
    internal sealed class SourcePaths
    {
        private readonly PSCmdlet _cmdlet;
        private string? _lastPsPath;
        private string? _lastSource;

        public SourcePaths(PSCmdlet cmdlet) => _cmdlet = cmdlet;

        /// <summary>The file a Get-Content line came from (its PSPath), as shown; null for other objects.</summary>
        public string? SourceOf(PSObject item)
        {
            if (!(item.Properties["PSPath"]?.Value is string psPath) || psPath.Length == 0) return null;
            // Every line of a file carries the same PSPath: resolve it once.
            if (string.Equals(psPath, _lastPsPath, StringComparison.Ordinal)) return _lastSource;
            _lastPsPath = psPath;
            string path;
            try
            {
                path = _cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(psPath);
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is PSArgumentException)
            {
                return _lastSource = psPath;
            }
            return _lastSource = Display(path);
        }

        /// <summary>A file system path as shown: relative to the current folder when inside it.</summary>
        public string Display(string path)
        {
            string current = _cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                + Path.DirectorySeparatorChar;
            return path.StartsWith(current, StringComparison.Ordinal) ? path.Substring(current.Length) : path;
        }
    }
}
