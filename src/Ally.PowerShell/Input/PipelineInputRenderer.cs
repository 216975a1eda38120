using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;

namespace Ally.PowerShell.Input
{
    /// <summary>
    /// Turns piped objects into text for a prompt: strings stay as they are, and lines read by
    /// Get-Content keep the path of their file (from PSPath, relative to the current folder when inside
    /// it); each run of other objects is rendered once with Out-String, as the console shows them.
    /// A file's path is resolved once, however many of its lines come through.
    /// </summary>
    internal sealed class PipelineInputRenderer
    {
        private readonly PSCmdlet _cmdlet;
        private string? _lastPsPath;
        private string? _lastSource;

        public PipelineInputRenderer(PSCmdlet cmdlet) => _cmdlet = cmdlet;

        /// <summary>Renders <paramref name="input"/> (on the pipeline thread: Out-String runs in the session).</summary>
        public List<InputItem> Render(IReadOnlyList<PSObject> input)
        {
            var items = new List<InputItem>(input.Count);
            var pending = new List<object>();
            foreach (PSObject item in input)
            {
                if (item.BaseObject is string text)
                {
                    FlushRendered(pending, items);
                    items.Add(new InputItem(text, SourceOf(item)));
                }
                else
                {
                    pending.Add(item);
                }
            }
            FlushRendered(pending, items);
            return items;
        }

        private void FlushRendered(List<object> pending, List<InputItem> items)
        {
            if (pending.Count == 0) return;
            Collection<PSObject> rendered = _cmdlet.InvokeCommand.InvokeScript(false, ScriptBlock.Create("$input | Out-String -Width 4096"), pending);
            foreach (PSObject text in rendered)
            {
                string value = text?.ToString()?.Trim('\r', '\n') ?? string.Empty;
                if (value.Length > 0) items.Add(new InputItem(value));
            }
            pending.Clear();
        }

        /// <summary>The file a Get-Content line came from, relative to the current folder when inside it.</summary>
        private string? SourceOf(PSObject item)
        {
            if (!(item.Properties["PSPath"]?.Value is string psPath) || psPath.Length == 0) return null;
            // Every line of a file carries the same PSPath: resolve it once.
            if (string.Equals(psPath, _lastPsPath, StringComparison.Ordinal)) return _lastSource;
            _lastPsPath = psPath;
            return _lastSource = Resolve(psPath);
        }

        private string Resolve(string psPath)
        {
            string path;
            try
            {
                path = _cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(psPath);
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is PSArgumentException)
            {
                return psPath;
            }
            string current = _cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                + Path.DirectorySeparatorChar;
            return path.StartsWith(current, StringComparison.Ordinal) ? path.Substring(current.Length) : path;
        }
    }
}
