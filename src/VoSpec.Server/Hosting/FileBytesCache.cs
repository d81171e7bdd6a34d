using System.Globalization;

namespace VoSpec.Server.Hosting;

/// <summary>
/// Small files that are read again and again (cached preview PNGs) kept in memory, bounded by total bytes, least
/// recently used out first. Every hit is checked against the file's modification time (one stat, no open or read), so
/// a file re-rendered or deleted on disk is never served stale. Thread-safe.
/// </summary>
public sealed class FileBytesCache(long capacityBytes)
{
    /// <summary>A file's bytes with the validators a client revalidates against.</summary>
    public sealed record Entry(string Path, byte[] Bytes, DateTimeOffset LastModified, string ETag);

    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _lru = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public long CapacityBytes => capacityBytes;

    /// <summary>The file's current bytes (from memory when unchanged since they were read); null when it does not exist.</summary>
    public Entry? Get(string path)
    {
        var modified = File.GetLastWriteTimeUtc(path);
        if (modified.Year == 1601) { Evict(path); return null; } // "no such file", as File.GetLastWriteTimeUtc says it
        lock (_lock)
        {
            if (_map.TryGetValue(path, out var node) && node.Value.LastModified.UtcDateTime == modified)
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value;
            }
        }
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { Evict(path); return null; }
        var entry = new Entry(path, bytes, new DateTimeOffset(modified, TimeSpan.Zero), ETagFor(modified, bytes.Length));
        // A file larger than an eighth of the cache is served but not kept: it would push out many small ones.
        if (bytes.Length <= capacityBytes / 8) Add(entry);
        return entry;
    }

    private void Add(Entry entry)
    {
        lock (_lock)
        {
            if (_map.Remove(entry.Path, out var old)) { _lru.Remove(old); _bytes -= old.Value.Bytes.Length; }
            _map[entry.Path] = _lru.AddFirst(entry);
            _bytes += entry.Bytes.Length;
            while (_bytes > capacityBytes && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Path);
                _bytes -= last.Value.Bytes.Length;
            }
        }
    }

    private void Evict(string path)
    {
        lock (_lock)
        {
            if (_map.Remove(path, out var node)) { _lru.Remove(node); _bytes -= node.Value.Bytes.Length; }
        }
    }

    /// <summary>A strong validator from modification time and length (the scheme ASP.NET's static files use).</summary>
    private static string ETagFor(DateTime modifiedUtc, long length) =>
        "\"" + (modifiedUtc.ToFileTimeUtc() ^ length).ToString("x", CultureInfo.InvariantCulture) + "\"";
}
