using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// Model management: <c>GET /api/tags</c>, <c>POST /api/show</c>, <c>POST /api/pull</c>,
/// <c>DELETE /api/delete</c>, <c>GET /api/ps</c> (protocols.md §1.5–§1.9).
/// </summary>
internal sealed partial class FakeOllama
{
    private static readonly Dictionary<string, string> ShowFieldTypes = new(StringComparer.Ordinal)
    {
        ["model"] = "string",
        ["name"] = "string",
        ["system"] = "string",
        ["verbose"] = "bool",
        ["options"] = "map[string]interface {}",
    };

    private static readonly Dictionary<string, string> PullFieldTypes = new(StringComparer.Ordinal)
    {
        ["model"] = "string",
        ["name"] = "string",
        ["insecure"] = "bool",
        ["stream"] = "bool",
        ["username"] = "string",
        ["password"] = "string",
    };

    private static readonly Dictionary<string, string> DeleteFieldTypes = new(StringComparer.Ordinal)
    {
        ["model"] = "string",
        ["name"] = "string",
    };

    private Task TagsAsync(HttpContext context) =>
        FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            // Shape of docs/api.md "List Local Models" for the 0.12.x server this fake claims to be.
            w.WriteStartObject();
            w.WriteStartArray("models");
            foreach (var model in _catalog.Installed())
            {
                w.WriteStartObject();
                w.WriteString("name", model.DisplayName);
                w.WriteString("model", model.DisplayName);
                w.WriteString("modified_at", FakeJson.FormatRfc3339(model.ModifiedAt));
                w.WriteNumber("size", model.Size);
                w.WriteString("digest", model.Digest);
                WriteDetails(w, model);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });

    private Task PsAsync(HttpContext context) =>
        FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("models");
            foreach (var loaded in _catalog.Loaded())
            {
                var model = loaded.Model;
                w.WriteStartObject();
                w.WriteString("name", model.DisplayName);
                w.WriteString("model", model.DisplayName);
                w.WriteNumber("size", model.Size);
                w.WriteString("digest", model.Digest);
                WriteDetails(w, model);
                w.WriteString("expires_at", FakeJson.FormatRfc3339(loaded.ExpiresAt));
                // Everything fits in (fake) VRAM; a size_vram below size would mean partial CPU offload.
                w.WriteNumber("size_vram", model.Size);
                w.WriteNumber("context_length", loaded.ContextLength);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });

    private async Task ShowAsync(HttpContext context)
    {
        using var document = await DecodeBodyAsync(context, "api.ShowRequest", ShowFieldTypes).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;

        var requested = RequestedModel(root);

        if (requested.Length == 0)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "model is required").ConfigureAwait(false);
            return;
        }

        var name = ModelName.Parse(requested);
        if (!name.IsValid)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid model name").ConfigureAwait(false);
            return;
        }

        if (!_catalog.TryGetInstalled(name, out var model))
        {
            // ShowHandler reports the normalised name (DisplayShortest), e.g. 'nope:latest'.
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"model '{name.DisplayShortest}' not found")
                .ConfigureAwait(false);
            return;
        }

        var verbose = GetBool(root, "verbose") ?? false;
        var system = GetString(root, "system");
        await FakeJson.WriteAsync(context, StatusCodes.Status200OK, w => WriteShow(w, model, verbose, system)).ConfigureAwait(false);
    }

    /// <summary>The <c>/api/show</c> object in api/types.go <c>ShowResponse</c> field order.</summary>
    private static void WriteShow(Utf8JsonWriter w, OllamaModel model, bool verbose, string systemOverride)
    {
        var system = systemOverride.Length > 0 ? systemOverride : model.SystemPrompt;
        w.WriteStartObject();
        if (model.License.Length > 0)
        {
            w.WriteString("license", model.License);
        }

        w.WriteString("modelfile", Modelfile(model, system));
        if (model.Parameters.Length > 0)
        {
            w.WriteString("parameters", model.Parameters);
        }

        w.WriteString("template", model.Template);
        if (system.Length > 0)
        {
            w.WriteString("system", system);
        }

        WriteDetails(w, model);

        // GGUF key/values; Go marshals a map with sorted keys, and token arrays are empty unless verbose.
        var info = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["general.architecture"] = model.Architecture,
            ["general.file_type"] = model.FileType,
            ["general.parameter_count"] = model.ParameterCount,
            ["general.quantization_version"] = 2,
            [model.Architecture + ".block_count"] = model.Has("embedding") && !model.Has("completion") ? 12 : 32,
            [model.Architecture + ".context_length"] = model.ContextLength,
            [model.Architecture + ".embedding_length"] = model.EmbeddingLength,
            ["tokenizer.ggml.model"] = model.Has("completion") ? "gpt2" : "bert",
            ["tokenizer.ggml.tokens"] = Array.Empty<string>(),
            ["tokenizer.ggml.token_type"] = Array.Empty<int>(),
        };
        w.WriteStartObject("model_info");
        foreach (var (key, value) in info)
        {
            switch (value)
            {
                case string s:
                    w.WriteString(key, s);
                    break;
                case int i:
                    w.WriteNumber(key, i);
                    break;
                case long l:
                    w.WriteNumber(key, l);
                    break;
                default:
                    w.WriteStartArray(key);
                    w.WriteEndArray();
                    break;
            }
        }

        w.WriteEndObject();

        if (verbose)
        {
            w.WriteStartArray("tensors");
            WriteTensor(w, "token_embd.weight", model.QuantizationLevel, model.EmbeddingLength, 32000);
            WriteTensor(w, "blk.0.attn_q.weight", model.QuantizationLevel, model.EmbeddingLength, model.EmbeddingLength);
            w.WriteEndArray();
        }

        w.WriteStartArray("capabilities");
        foreach (var capability in model.Capabilities)
        {
            w.WriteStringValue(capability);
        }

        w.WriteEndArray();
        w.WriteString("modified_at", FakeJson.FormatRfc3339(model.ModifiedAt));
        w.WriteEndObject();

        static void WriteTensor(Utf8JsonWriter w, string name, string type, long a, long b)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("type", type);
            w.WriteStartArray("shape");
            w.WriteNumberValue(a);
            w.WriteNumberValue(b);
            w.WriteEndArray();
            w.WriteEndObject();
        }
    }

    /// <summary>The <c>modelfile</c> text <c>ollama show --modelfile</c> prints.</summary>
    private static string Modelfile(OllamaModel model, string system)
    {
        var sb = new StringBuilder();
        sb.Append("# Modelfile generated by \"ollama show\"\n");
        sb.Append("# To build a new Modelfile based on this, replace FROM with:\n");
        sb.Append("# FROM ").Append(model.DisplayName).Append("\n\n");
        sb.Append("FROM /root/.ollama/models/blobs/sha256-").Append(LayerDigest(model, "model")).Append('\n');
        sb.Append("TEMPLATE \"\"\"").Append(model.Template).Append("\"\"\"\n");
        if (system.Length > 0)
        {
            sb.Append("SYSTEM \"\"\"").Append(system).Append("\"\"\"\n");
        }

        foreach (var line in model.Parameters.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2)
            {
                sb.Append("PARAMETER ").Append(parts[0]).Append(' ').Append(parts[1].Trim('"')).Append('\n');
            }
        }

        if (model.License.Length > 0)
        {
            sb.Append("LICENSE \"\"\"").Append(model.License).Append("\"\"\"\n");
        }

        return sb.ToString();
    }

    /// <summary><c>details</c> as api/types.go <c>ModelDetails</c> (all fields, no omitempty on these).</summary>
    private static void WriteDetails(Utf8JsonWriter w, OllamaModel model)
    {
        w.WriteStartObject("details");
        w.WriteString("parent_model", model.ParentModel);

        w.WriteString("format", model.Format);
        w.WriteString("family", model.Family);
        w.WriteStartArray("families");
        foreach (var family in model.Families)
        {
            w.WriteStringValue(family);
        }

        w.WriteEndArray();
        w.WriteString("parameter_size", model.ParameterSize);
        w.WriteString("quantization_level", model.QuantizationLevel);
        w.WriteEndObject();
    }

    private async Task DeleteAsync(HttpContext context)
    {
        using var document = await DecodeBodyAsync(context, "api.DeleteRequest", DeleteFieldTypes).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;

        var requested = RequestedModel(root);

        var name = ModelName.Parse(requested);
        if (!name.IsValid)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"name {GoQuote(requested)} is invalid")
                .ConfigureAwait(false);
            return;
        }

        _catalog.TryGetInstalled(name, out var deleted);
        if (!_catalog.Remove(name))
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"model '{requested}' not found").ConfigureAwait(false);
            return;
        }

        // Deleting a model removes its blobs, so pulling it again downloads everything.
        _catalog.ForgetBlobs(PullLayers(deleted).Select(l => l.Digest));

        // Success is a 200 with an empty body: DeleteHandler writes nothing.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    private async Task PullAsync(HttpContext context)
    {
        var settings = behavior.Current;
        using var document = await DecodeBodyAsync(context, "api.PullRequest", PullFieldTypes).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;

        var requested = RequestedModel(root);

        var name = ModelName.Parse(requested);
        if (!name.IsValid)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid model name").ConfigureAwait(false);
            return;
        }

        OllamaModel? source = null;
        if (_catalog.TryGetFromRegistry(name, out var fromRegistry))
        {
            source = fromRegistry;
        }
        else if (_catalog.TryGetInstalled(name, out var installed))
        {
            source = installed;
        }

        var frames = source is null ? FailedPullFrames() : PullFrames(source, _catalog.TryGetInstalled(name, out _));
        var stream = GetBool(root, "stream") ?? true;
        using var linked = LinkedToken(context);
        var cancellationToken = linked.Token;

        if (!stream)
        {
            // waitForStream: sits through the whole pull, then answers the last status or the error (500).
            foreach (var frame in frames)
            {
                if (frame.Error is not null)
                {
                    await FakeJson.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, frame.Error, "application/json")
                        .ConfigureAwait(false);
                    return;
                }

                RecordDownload(frame);

                if (frame.Status == "writing manifest")
                {
                    _catalog.Install(source! with { ModifiedAt = DateTimeOffset.Now });
                }

                if (settings.ChunkDelayMs > 0)
                {
                    await Task.Delay(settings.ChunkDelayMs, cancellationToken).ConfigureAwait(false);
                }
            }

            await FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("status", "success");
                w.WriteEndObject();
            }, "application/json").ConfigureAwait(false);
            return;
        }

        if (await WritePullStreamAsync(context, settings, source, frames, cancellationToken).ConfigureAwait(false))
        {
            await ConnectionFaults.EndStreamAsync(context, settings.CloseAfterStream).ConfigureAwait(false);
        }
    }

    /// <returns><c>true</c> when the stream ended in-band (success, error line, malformed line).</returns>
    private async Task<bool> WritePullStreamAsync(HttpContext context, FakeBehavior settings, OllamaModel? source,
        IReadOnlyList<PullFrame> frames, CancellationToken cancellationToken)
    {
        // Faults count progress lines here, since a pull has no "content" chunks.
        var fault = StreamFault.For(settings, frames.Count);
        using var writer = new NdjsonWriter(context.Response);
        for (var i = 0; i < frames.Count; i++)
        {
            if (fault is not null && fault.AfterContentChunks == i)
            {
                // The malformed line is the progress line that would have come next, cut off.
                var next = frames[i];
                return await ApplyStreamFaultAsync(context, writer, fault,
                    () => ConnectionFaults.CutJson(FakeJson.ToJsonString(w => WritePullFrame(w, next)), "digest"),
                    cancellationToken).ConfigureAwait(false);
            }

            if (settings.ChunkDelayMs > 0 && i > 0)
            {
                await Task.Delay(settings.ChunkDelayMs, cancellationToken).ConfigureAwait(false);
            }

            var frame = frames[i];
            if (frame.Error is not null)
            {
                // Headers went out with "pulling manifest", so the failure can only be an in-band line.
                return await writer.WriteErrorLineAsync(frame.Error, cancellationToken).ConfigureAwait(false);
            }

            RecordDownload(frame);

            if (frame.Status == "writing manifest")
            {
                _catalog.Install(source! with { ModifiedAt = DateTimeOffset.Now });
            }

            WritePullFrame(writer.Json, frame);
            if (!await writer.EndLineAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    private static void WritePullFrame(Utf8JsonWriter w, PullFrame frame)
    {
        w.WriteStartObject();
        w.WriteString("status", frame.Status);
        if (frame.Digest is not null)
        {
            w.WriteString("digest", frame.Digest);
        }

        // ProgressResponse marks total/completed omitempty: a zero "completed" is simply absent.
        WriteIfPositive(w, "total", frame.Total);
        WriteIfPositive(w, "completed", frame.Completed);
        w.WriteEndObject();
    }

    /// <summary>One line of pull progress (api/types.go <c>ProgressResponse</c>) or the failure that ends it.</summary>
    private sealed record PullFrame(string Status, string? Digest = null, long Total = 0, long Completed = 0, string? Error = null);

    /// <summary>One blob of a model: its digest and size.</summary>
    private sealed record PullLayer(string Digest, long Size);

    /// <summary>The blobs a pull of <paramref name="model"/> fetches: the weights, the template and the parameters.</summary>
    private static IReadOnlyList<PullLayer> PullLayers(OllamaModel? model)
    {
        if (model is null)
        {
            return [];
        }

        var templateSize = (long)Encoding.UTF8.GetByteCount(model.Template);
        const long paramsSize = 96;
        return
        [
            new("sha256:" + LayerDigest(model, "model"), Math.Max(model.Size - templateSize - paramsSize, 1)),
            new("sha256:" + LayerDigest(model, "template"), templateSize),
            new("sha256:" + LayerDigest(model, "params"), paramsSize),
        ];
    }

    /// <summary>
    /// A pull of a known model. Each layer is first reported with the bytes already present and no
    /// <c>completed</c> when that is zero (the CLI's "completed==0" frame); the weights then grow in
    /// steps while the small layers finish at once, the layers' lines interleaved as Ollama's
    /// concurrent downloads interleave them; then verify/write/success. Bytes from an earlier,
    /// interrupted pull are kept (a re-run resumes from them, as Ollama's partial blob files do), and
    /// the layers of an installed model are complete from the start.
    /// </summary>
    private IReadOnlyList<PullFrame> PullFrames(OllamaModel model, bool installed)
    {
        var perLayer = new List<Queue<PullFrame>>();
        foreach (var layer in PullLayers(model))
        {
            var start = installed ? layer.Size : Math.Min(_catalog.BlobBytes(layer.Digest), layer.Size);
            var frames = new Queue<PullFrame>();
            frames.Enqueue(Layer(layer, start));
            long[] steps = layer.Size > 1_000_000
                ? [layer.Size / 5, layer.Size * 9 / 20, layer.Size * 7 / 10, layer.Size * 19 / 20, layer.Size]
                : [layer.Size];
            foreach (var step in steps.Where(step => step > start))
            {
                frames.Enqueue(Layer(layer, step));
            }

            perLayer.Add(frames);
        }

        var result = new List<PullFrame> { new("pulling manifest") };
        while (perLayer.Any(q => q.Count > 0))
        {
            foreach (var queue in perLayer.Where(q => q.Count > 0))
            {
                result.Add(queue.Dequeue());
            }
        }

        result.Add(new("verifying sha256 digest"));
        result.Add(new("writing manifest"));
        result.Add(new("success"));
        return result;

        static PullFrame Layer(PullLayer layer, long completed) =>
            new("pulling " + layer.Digest[7..19], layer.Digest, layer.Size, completed);
    }

    /// <summary>A layer line that went out: Ollama has those bytes on disk now.</summary>
    private void RecordDownload(PullFrame frame)
    {
        if (frame.Digest is not null)
        {
            _catalog.RecordBlob(frame.Digest, frame.Completed);
        }
    }

    /// <summary>A pull of a name the registry lacks: PullModel reports the manifest step, then fails.</summary>
    private static IReadOnlyList<PullFrame> FailedPullFrames() =>
    [
        new("pulling manifest"),
        new(string.Empty, Error: "pull model manifest: file does not exist"),
    ];

    private static string LayerDigest(OllamaModel model, string layer) =>
        OllamaModel.FakeDigest(model.DisplayName + "#" + layer + "#" + model.Digest);

    /// <summary>Go's <c>%q</c> for plain strings: double quotes with quotes and backslashes escaped.</summary>
    private static string GoQuote(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
