using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Ally
{
    /// <summary>A name offered by tab completion, with the tooltip shown beside it.</summary>
    public sealed class CompletionItem
    {
        /// <summary>Creates an item.</summary>
        public CompletionItem(string name, string? description = null)
        {
            Name = name;
            Description = string.IsNullOrEmpty(description) ? name : description!;
        }

        /// <summary>The text inserted.</summary>
        public string Name { get; }
        /// <summary>The tooltip.</summary>
        public string Description { get; }
    }

    /// <summary>
    /// Model names for tab completion, kept in memory and on disk (one small JSON file per list)
    /// with a time-to-live, so completing never costs a network call per key press:
    /// a fresh entry is served as is; a stale one is served at once while one background refresh
    /// runs; a missing one is fetched, waiting at most a short time; after a failed fetch (server
    /// down) nothing is fetched again for a back-off period. Never throws: completion must not
    /// show errors.
    /// </summary>
    public sealed class CompletionCache
    {
        private static readonly ConcurrentDictionary<string, CompletionCache> Caches = new ConcurrentDictionary<string, CompletionCache>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Slot> _slots = new ConcurrentDictionary<string, Slot>(StringComparer.Ordinal);
        private readonly Func<DateTimeOffset> _clock;

        /// <summary>A cache in <paramref name="directory"/>; <paramref name="clock"/> is for tests.</summary>
        public CompletionCache(string directory, Func<DateTimeOffset>? clock = null)
        {
            Directory = directory;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        /// <summary>The session's cache for <paramref name="directory"/> (shared by every completion in the process).</summary>
        public static CompletionCache For(string directory) => Caches.GetOrAdd(directory, d => new CompletionCache(d));

        /// <summary>The session's cache in the folder the settings name (ALLY_CACHE_DIR, else the user's data folder).</summary>
        public static CompletionCache For(Configuration.SettingsResolver settings) => For(Configuration.CacheLocation.Resolve(settings));

        /// <summary>Where the files live.</summary>
        public string Directory { get; }

        /// <summary>How long a background refresh may take before it is abandoned.</summary>
        public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromSeconds(15);

        /// <summary>After a failed fetch, how long to serve what there is (or nothing) without trying again.</summary>
        public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(30);

        private sealed class Entry
        {
            public Entry(DateTimeOffset fetchedAt, IReadOnlyList<CompletionItem> items)
            {
                FetchedAt = fetchedAt;
                Items = items;
            }

            public DateTimeOffset FetchedAt { get; }
            public IReadOnlyList<CompletionItem> Items { get; }
        }

        private sealed class Slot
        {
            public Entry? Entry;
            public bool DiskRead;
            public Task<IReadOnlyList<CompletionItem>?>? Refresh;
            public DateTimeOffset? FailedAt;
        }

        /// <summary>
        /// The list under <paramref name="key"/>. Fresh (younger than <paramref name="timeToLive"/>):
        /// returned as is. Stale: returned as is, and <paramref name="fetch"/> runs in the background.
        /// Missing: <paramref name="fetch"/> runs and is awaited up to <paramref name="missWait"/>;
        /// empty if it is not back in time (it still lands in the cache for the next key press) or fails.
        /// </summary>
        public IReadOnlyList<CompletionItem> Get(string key, TimeSpan timeToLive, Func<CancellationToken, Task<IReadOnlyList<CompletionItem>>> fetch, TimeSpan missWait)
        {
            try
            {
                Slot slot = _slots.GetOrAdd(key, _ => new Slot());
                Task<IReadOnlyList<CompletionItem>?>? refresh;
                DateTimeOffset now = _clock();
                lock (slot)
                {
                    if (!slot.DiskRead || slot.Entry is null || now - slot.Entry.FetchedAt >= timeToLive)
                    {
                        // Another session may have refreshed the file meanwhile.
                        Entry? disk = Read(key);
                        slot.DiskRead = true;
                        if (disk != null && (slot.Entry is null || disk.FetchedAt > slot.Entry.FetchedAt)) slot.Entry = disk;
                    }

                    Entry? entry = slot.Entry;
                    if (entry != null && now - entry.FetchedAt < timeToLive) return entry.Items;
                    bool backingOff = slot.FailedAt is DateTimeOffset failed && now - failed < FailureBackoff;
                    if (backingOff) return entry?.Items ?? Array.Empty<CompletionItem>();
                    bool alreadyRunning = slot.Refresh is { IsCompleted: false };
                    refresh = StartRefresh(key, slot, fetch);
                    if (entry != null) return entry.Items;
                    // A fetch an earlier key press started (and waited for) is still out: a hanging
                    // server must not cost every key press another wait.
                    if (alreadyRunning) return Array.Empty<CompletionItem>();
                }

                if (missWait > TimeSpan.Zero && refresh.Wait(missWait)) return refresh.Result ?? (IReadOnlyList<CompletionItem>)Array.Empty<CompletionItem>();
                return Array.Empty<CompletionItem>();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionItem>();
            }
        }

        /// <summary>What is cached under <paramref name="key"/>, however old, without ever fetching; empty when nothing is.</summary>
        public IReadOnlyList<CompletionItem> Peek(string key)
        {
            try
            {
                Slot slot = _slots.GetOrAdd(key, _ => new Slot());
                lock (slot)
                {
                    if (!slot.DiskRead && slot.Entry is null) slot.Entry = Read(key);
                    slot.DiskRead = true;
                    return slot.Entry?.Items ?? Array.Empty<CompletionItem>();
                }
            }
            catch (Exception)
            {
                return Array.Empty<CompletionItem>();
            }
        }

        /// <summary>Stores a list fetched elsewhere (e.g. by Get-AllyModel), so completion needs no request of its own.</summary>
        public void Put(string key, IEnumerable<CompletionItem> items)
        {
            var entry = new Entry(_clock(), items.ToList());
            Slot slot = _slots.GetOrAdd(key, _ => new Slot());
            lock (slot)
            {
                slot.Entry = entry;
                slot.DiskRead = true;
                slot.FailedAt = null;
            }
            Write(key, entry);
        }

        /// <summary>Forgets a list (after an install or a delete), so the next completion fetches it again.</summary>
        public void Invalidate(string key)
        {
            if (_slots.TryGetValue(key, out Slot? slot))
            {
                lock (slot)
                {
                    slot.Entry = null;
                    slot.DiskRead = true;
                    slot.FailedAt = null;
                }
            }
            try
            {
                File.Delete(PathOf(key));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                // Best effort: a stale file only means one stale completion list.
            }
        }

        /// <summary>The refresh running for <paramref name="key"/>, if any (for tests).</summary>
        internal Task? PendingRefresh(string key) => _slots.TryGetValue(key, out Slot? slot) ? slot.Refresh : null;

        // Called under the slot's lock: one refresh per key at a time.
        private Task<IReadOnlyList<CompletionItem>?> StartRefresh(string key, Slot slot, Func<CancellationToken, Task<IReadOnlyList<CompletionItem>>> fetch)
        {
            if (slot.Refresh is { IsCompleted: false } running) return running;
            TimeSpan timeout = RefreshTimeout;
            Task<IReadOnlyList<CompletionItem>?> refresh = Task.Run(async () =>
            {
                using var cts = new CancellationTokenSource(timeout);
                try
                {
                    IReadOnlyList<CompletionItem> items = await fetch(cts.Token).ConfigureAwait(false);
                    Put(key, items);
                    return items;
                }
                catch (Exception)
                {
                    lock (slot) slot.FailedAt = _clock();
                    return null;
                }
            });
            slot.Refresh = refresh;
            return refresh;
        }

        private string PathOf(string key)
        {
            var safe = new char[key.Length];
            for (int i = 0; i < key.Length; i++) safe[i] = char.IsLetterOrDigit(key[i]) || key[i] == '-' || key[i] == '.' ? key[i] : '_';
            return Path.Combine(Directory, new string(safe) + ".json");
        }

        private Entry? Read(string key)
        {
            try
            {
                string path = PathOf(key);
                if (!File.Exists(path)) return null;
                using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
                JsonElement root = doc.RootElement;
                if (JsonFields.ParseTime(JsonFields.String(root, "fetchedAt")) is not DateTimeOffset fetchedAt) return null;
                var items = new List<CompletionItem>();
                if (root.TryGetProperty("items", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement item in list.EnumerateArray())
                    {
                        if (JsonFields.String(item, "name") is string name) items.Add(new CompletionItem(name, JsonFields.String(item, "description")));
                    }
                }
                return new Entry(fetchedAt, items);
            }
            catch (Exception)
            {
                // A corrupt or unreadable file is a miss.
                return null;
            }
        }

        private void Write(string key, Entry entry)
        {
            string? temp = null;
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                string path = PathOf(key);
                temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
                using (var stream = File.Create(temp))
                using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("fetchedAt", entry.FetchedAt.ToUniversalTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteStartArray("items");
                    foreach (CompletionItem item in entry.Items)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", item.Name);
                        w.WriteString("description", item.Description);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                // Replace in one step, so a session reading the file never sees half of it.
                if (File.Exists(path)) File.Replace(temp, path, null);
                else File.Move(temp, path);
            }
            catch (Exception)
            {
                // Best effort: without a file, the next session fetches once more.
                try
                {
                    if (temp != null) File.Delete(temp);
                }
                catch (Exception)
                {
                    // Nothing more to do.
                }
            }
        }
    }
}
