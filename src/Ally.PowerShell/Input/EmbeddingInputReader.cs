using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Ally.Embeddings;

namespace Ally.PowerShell.Input
{
    /// <summary>
    /// Turns what is piped into New-AllyEmbedding into inputs: a file (FileInfo) is read as its text,
    /// with its path and lines; a Get-Content line keeps its file and line number; a string is itself;
    /// a chat answer is its text; any other object is rendered as Invoke-AllyChat renders it. With a
    /// chunk size, every text is split into chunks that keep their lines (see <see cref="TextChunker"/>).
    /// </summary>
    internal sealed class EmbeddingInputReader
    {
        private readonly PipelineInputRenderer _renderer;
        private readonly SourcePaths _paths;
        private readonly int? _chunkSize;
        private readonly int _overlap;

        public EmbeddingInputReader(PSCmdlet cmdlet, int? chunkSize, int overlap)
        {
            _paths = new SourcePaths(cmdlet);
            _renderer = new PipelineInputRenderer(cmdlet, _paths);
            _chunkSize = chunkSize;
            _overlap = overlap;
        }

        /// <summary>The inputs of one piped object; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> for a file that cannot be read.</summary>
        public List<EmbeddingInput> Read(PSObject item)
        {
            object value = item.BaseObject;
            switch (value)
            {
                case FileInfo file:
                    return Split(ReadText(file.FullName), item, _paths.Display(file.FullName), 1);
                case string text:
                    // A Get-Content line: its file, and its number (ReadCount).
                    string? source = _paths.SourceOf(item);
                    int? line = source != null && item.Properties["ReadCount"]?.Value is long number && number > 0 ? (int)number : (int?)null;
                    return Split(text, item, source, line);
                case ChatResponse answer:
                    return Split(answer.Content, item, null, null);
                default:
                    var rendered = _renderer.Render(new[] { item });
                    return Split(rendered.Count > 0 ? rendered[0].Text : string.Empty, item, rendered.Count > 0 ? rendered[0].Source : null, null);
            }
        }

        private List<EmbeddingInput> Split(string text, PSObject item, string? source, int? firstLine)
        {
            // The object itself: PowerShell finds its added members (PSPath, …) again when it is written out.
            object inputObject = item.BaseObject;
            var inputs = new List<EmbeddingInput>();
            if (_chunkSize is int size)
            {
                int offset = (firstLine ?? 1) - 1;
                foreach (TextChunk chunk in TextChunker.Split(text, size, _overlap))
                {
                    inputs.Add(new EmbeddingInput(chunk.Text, inputObject, source,
                        source is null ? (int?)null : chunk.StartLine + offset, source is null ? (int?)null : chunk.EndLine + offset, chunk.Index));
                }
                // An empty text has no chunks: it still gets its one (failing) input, so nothing vanishes.
                if (inputs.Count > 0) return inputs;
            }
            int? lastLine = firstLine is int first ? first + LineCount(text) - 1 : (int?)null;
            inputs.Add(new EmbeddingInput(text, inputObject, source, firstLine, lastLine));
            return inputs;
        }

        private static string ReadText(string path)
        {
            // UTF-8 unless the file's byte-order mark says otherwise.
            using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        private static int LineCount(string text)
        {
            if (text.Length == 0) return 1;
            int lines = 1;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '\n' || c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')) lines++;
            }
            // A final line break ends the last line rather than starting a new one.
            char last = text[text.Length - 1];
            return last == '\n' || last == '\r' ? lines - 1 : lines;
        }
    }
}
