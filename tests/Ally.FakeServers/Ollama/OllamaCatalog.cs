using System;
using System.Collections.Generic;
using System.Linq;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// The fake Ollama's mutable state: installed models (<c>/api/tags</c>), the registry that
/// <c>/api/pull</c> draws from, and the models "loaded in memory" (<c>/api/ps</c>).
/// Every member takes one lock: tests hit the fake concurrently, and the sets are tiny.
/// </summary>
internal sealed class OllamaCatalog
{
    private readonly object _gate = new();
    private readonly Dictionary<string, OllamaModel> _installed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OllamaModel> _registry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoadedModel> _loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _blobs = new(StringComparer.Ordinal);
    private long? _availableMemory;

    public OllamaCatalog() => Reset();

    /// <summary>A model held in memory, as <c>/api/ps</c> lists it.</summary>
    public sealed record LoadedModel(OllamaModel Model, DateTimeOffset ExpiresAt, int ContextLength);

    /// <summary>Back to the default install, the default registry, nothing loaded.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _installed.Clear();
            _registry.Clear();
            _loaded.Clear();
            _blobs.Clear();
            _availableMemory = null;
            foreach (var model in DefaultCatalog.Installed())
            {
                _installed[model.Name.Key] = model;
                _registry[model.Name.Key] = model;
            }

            foreach (var model in DefaultCatalog.RegistryExtras())
            {
                _registry[model.Name.Key] = model;
            }
        }
    }

    /// <summary>Replaces the installed models (<c>PUT /_fake/models</c>); the registry learns them too.</summary>
    public void ReplaceInstalled(IEnumerable<OllamaModel> models)
    {
        lock (_gate)
        {
            _installed.Clear();
            _loaded.Clear();
            foreach (var model in models)
            {
                _installed[model.Name.Key] = model;
                _registry[model.Name.Key] = model;
            }
        }
    }

    /// <summary>Installs or replaces one model (<c>POST /_fake/models</c>, or a finished pull).</summary>
    public void Install(OllamaModel model)
    {
        lock (_gate)
        {
            _installed[model.Name.Key] = model;
            _registry.TryAdd(model.Name.Key, model);
        }
    }

    /// <summary>Makes a model pullable without installing it (<c>POST /_fake/registry</c>).</summary>
    public void AddToRegistry(OllamaModel model)
    {
        lock (_gate)
        {
            _registry[model.Name.Key] = model;
        }
    }

    public bool TryGetInstalled(ModelName name, out OllamaModel model)
    {
        lock (_gate)
        {
            return _installed.TryGetValue(name.Key, out model!);
        }
    }

    public bool TryGetFromRegistry(ModelName name, out OllamaModel model)
    {
        lock (_gate)
        {
            return _registry.TryGetValue(name.Key, out model!);
        }
    }

    public bool Remove(ModelName name)
    {
        lock (_gate)
        {
            _loaded.Remove(name.Key);
            return _installed.Remove(name.Key);
        }
    }

    /// <summary>Bytes of a blob already downloaded (kept when a pull is interrupted, so the next pull resumes).</summary>
    public long BlobBytes(string digest)
    {
        lock (_gate)
        {
            return _blobs.TryGetValue(digest, out var bytes) ? bytes : 0;
        }
    }

    /// <summary>Notes that <paramref name="bytes"/> of a blob are on disk (never fewer than before).</summary>
    public void RecordBlob(string digest, long bytes)
    {
        lock (_gate)
        {
            _blobs[digest] = Math.Max(bytes, _blobs.TryGetValue(digest, out var had) ? had : 0);
        }
    }

    /// <summary>Deletes blobs (a deleted model's layers).</summary>
    public void ForgetBlobs(IEnumerable<string> digests)
    {
        lock (_gate)
        {
            foreach (var digest in digests)
            {
                _blobs.Remove(digest);
            }
        }
    }

    /// <summary>Installed models, most recently modified first (the order of <c>/api/tags</c>).</summary>
    public IReadOnlyList<OllamaModel> Installed()
    {
        lock (_gate)
        {
            return _installed.Values.OrderByDescending(m => m.ModifiedAt).ToArray();
        }
    }

    /// <summary>Pullable models, by name.</summary>
    public IReadOnlyList<OllamaModel> Registry()
    {
        lock (_gate)
        {
            return _registry.Values.OrderBy(m => m.DisplayName, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>
    /// Memory the fake's machine has for models, in bytes (<c>availableMemory</c> of
    /// <c>/_fake/ollama/config</c>); <c>null</c>, the default, is enough for any model.
    /// </summary>
    public long? AvailableMemory
    {
        get
        {
            lock (_gate)
            {
                return _availableMemory;
            }
        }
        set
        {
            lock (_gate)
            {
                _availableMemory = value;
            }
        }
    }

    /// <summary>
    /// Loads <paramref name="model"/> for a request as Ollama's scheduler does: a model already loaded
    /// stays; otherwise it needs its size in memory (the fake's estimate of what Ollama computes from
    /// the weights and the context), idle models are unloaded to make room, and a model larger than
    /// all the memory there is fails with Ollama's text (llm/server.go, sizes as format.HumanBytes2
    /// writes them). Returns that text, or <c>null</c> when the model is loaded.
    /// </summary>
    public string? TryLoad(OllamaModel model, TimeSpan keepAlive, int contextLength)
    {
        lock (_gate)
        {
            if (!_loaded.ContainsKey(model.Name.Key) && _availableMemory is long available)
            {
                if (model.Size > available)
                {
                    return $"model requires more system memory ({HumanBytes(model.Size)}) than is available ({HumanBytes(available)})";
                }

                var used = _loaded.Values.Sum(l => l.Model.Size);
                foreach (var idle in _loaded.Values.OrderBy(l => l.ExpiresAt).ToArray())
                {
                    if (used + model.Size <= available)
                    {
                        break;
                    }

                    _loaded.Remove(idle.Model.Name.Key);
                    used -= idle.Model.Size;
                }
            }

            MarkLoaded(model, keepAlive, contextLength);
            return null;
        }
    }

    /// <summary>Go's format.HumanBytes2: "4.6 GiB", "512.0 MiB", "12 B".</summary>
    internal static string HumanBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:0.0} GiB", bytes / (double)(1L << 30)),
        >= 1L << 20 => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:0.0} MiB", bytes / (double)(1L << 20)),
        >= 1L << 10 => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:0.0} KiB", bytes / (double)(1L << 10)),
        _ => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0} B", bytes),
    };

    /// <summary>Records that a request loaded <paramref name="model"/> for <paramref name="keepAlive"/>.</summary>
    public void MarkLoaded(OllamaModel model, TimeSpan keepAlive, int contextLength)
    {
        var now = DateTimeOffset.Now;
        // "Forever" would overflow DateTimeOffset; Go lands around year 2318, so stop there too.
        var expires = keepAlive >= KeepAlive.Forever ? now.AddYears(292) : now + keepAlive;
        lock (_gate)
        {
            if (keepAlive <= TimeSpan.Zero)
            {
                _loaded.Remove(model.Name.Key);
                return;
            }

            _loaded[model.Name.Key] = new LoadedModel(model, expires, contextLength);
        }
    }

    public void Unload(OllamaModel model)
    {
        lock (_gate)
        {
            _loaded.Remove(model.Name.Key);
        }
    }

    /// <summary>Loaded models that have not expired, longest remaining first (as <c>/api/ps</c> sorts).</summary>
    public IReadOnlyList<LoadedModel> Loaded()
    {
        var now = DateTimeOffset.Now;
        lock (_gate)
        {
            foreach (var key in _loaded.Where(p => p.Value.ExpiresAt <= now).Select(p => p.Key).ToArray())
            {
                _loaded.Remove(key);
            }

            return _loaded.Values.OrderByDescending(l => l.ExpiresAt).ToArray();
        }
    }
}
