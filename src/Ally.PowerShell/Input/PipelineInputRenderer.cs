using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;

namespace Ally.PowerShell.Input
{
    /// <summary>
    /// Turns piped objects into text for a prompt: strings stay as they are, and lines read by
    /// Get-Content keep the path of their file (see <see cref="SourcePaths"/>); embeddings and search
    /// results are their text with their file and lines, never their vectors; each run of other
    /// objects is rendered once with Out-String, as the console shows them.
    /// </summary>
    internal sealed class PipelineInputRenderer
    {
        private readonly PSCmdlet _cmdlet;
        private readonly SourcePaths _paths;

        public PipelineInputRenderer(PSCmdlet cmdlet, SourcePaths? paths = null)
        {
            _cmdlet = cmdlet;
            _paths = paths ?? new SourcePaths(cmdlet);
        }

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
                    items.Add(new InputItem(text, _paths.SourceOf(item)));
                }
                else if (item.BaseObject is EmbeddingSearchResult || item.BaseObject is Embedding)
                {
                    // A search result (or an embedded item) is its excerpt, labelled with its file and
                    // lines; its vector means nothing to a model.
                    FlushRendered(pending, items);
                    Embedding found = item.BaseObject as Embedding ?? ((EmbeddingSearchResult)item.BaseObject).Item;
                    items.Add(new InputItem(found.Text, found.Location));
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
    }
}
