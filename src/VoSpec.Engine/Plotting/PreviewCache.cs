// Why this file exists: a preview is requested again and again (DataLink #preview, the plot grids), and a render costs
// ~15 ms of CPU; kept as files, a repeat request is a file read (or a file result the server streams itself). Writes
// are atomic (temp file + rename) so a reader never sees half a PNG, and one process renders each key once.
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace VoSpec.Engine.Plotting;

/// <summary>
/// Produces the preview input when (and only when) a render is needed. It runs synchronously inside the cache call,
/// so spans it hands out (e.g. from a memory-mapped pixel store) only need to stay valid for that call.
/// </summary>
public delegate PreviewInput PreviewSource();

/// <summary>
/// Preview PNGs cached as files in one directory, keyed by a spectrum key (e.g. the obs_publisher_did, or
/// "PLATE-MJD-FIBER/run2d" — whatever changes when the spectrum does) and a <see cref="PreviewSize"/>.
/// Thread-safe. Concurrent requests for one key in this process render once and share the result; requests from
/// several processes may render twice, harmlessly (the last rename wins, and both files are complete and equal).
/// File names carry <see cref="SpectrumPlot.Version"/>, so a change of drawing style never serves old renders.
/// </summary>
public sealed class PreviewCache
{
    private readonly ConcurrentDictionary<string, Lazy<Rendered>> _inFlight = new(StringComparer.Ordinal);
    private long _renders;

    /// <summary>Creates <paramref name="directory"/> if needed and removes temp files abandoned by crashed writers.</summary>
    public PreviewCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        // On a read-only (or full) disk the cache stays empty: previews are then drawn for each request.
        try { System.IO.Directory.CreateDirectory(Directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        RemoveStaleTempFiles(TimeSpan.FromMinutes(10));
    }

    public string Directory { get; }

    /// <summary>How many renders this instance has performed (cache misses that drew a PNG).</summary>
    public long RenderCount => Interlocked.Read(ref _renders);

    private long _requests;

    /// <summary>How many previews were asked for (hits are this less <see cref="RenderCount"/>).</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>
    /// The cached file's path for <paramref name="key"/> at <paramref name="size"/>, rendering and storing it first when
    /// absent. For the server: send it as a file result (image/png). Throws <see cref="IOException"/> when the
    /// directory cannot be written.
    /// </summary>
    public string GetOrRenderFile(string key, PreviewSize size, PreviewSource source)
    {
        Interlocked.Increment(ref _requests);
        string path = PathFor(key, size);
        ArgumentNullException.ThrowIfNull(source);
        if (File.Exists(path)) return path;
        var rendered = RenderOnce(path, size, source);
        if (rendered.StoreError is not null)
            throw new IOException($"could not store the preview in {Directory}: {rendered.StoreError.Message}", rendered.StoreError);
        return path;
    }

    /// <summary>
    /// The PNG bytes for <paramref name="key"/> at <paramref name="size"/>: a file read when cached, else a render
    /// (stored for next time; when the directory cannot be written the bytes are still returned).
    /// </summary>
    public byte[] GetOrRenderBytes(string key, PreviewSize size, PreviewSource source)
    {
        Interlocked.Increment(ref _requests);
        string path = PathFor(key, size);
        ArgumentNullException.ThrowIfNull(source);
        if (TryRead(path, out var bytes)) return bytes;
        return RenderOnce(path, size, source).Bytes;
    }

    /// <summary>The cached file's path when present; never renders.</summary>
    public bool TryGetFile(string key, PreviewSize size, [NotNullWhen(true)] out string? path)
    {
        path = PathFor(key, size);
        if (File.Exists(path)) { Interlocked.Increment(ref _requests); return true; }
        path = null;
        return false;
    }

    /// <summary>Deletes every cached size of <paramref name="key"/> (e.g. after the spectrum was reprocessed); returns how many files went.</summary>
    public int Remove(string key)
    {
        string prefix = FilePrefix(key);
        int removed = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, prefix + "*.png"))
        {
            try { File.Delete(file); removed++; }
            catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>
    /// Where <paramref name="key"/> at <paramref name="size"/> is (or would be) cached: always inside <see cref="Directory"/>,
    /// whatever characters the key holds. The name is a readable prefix of the key, a hash of the whole key, the size
    /// and the renderer version, e.g. "0266-51602-0003-5f0c…-1000x500-v1.png".
    /// </summary>
    public string PathFor(string key, PreviewSize size)
    {
        if (!PreviewSize.IsValid(size.Width, size.Height))
            throw new ArgumentOutOfRangeException(nameof(size), size, $"preview size must be {PreviewSize.Min}..{PreviewSize.Max} pixels on each side");
        return Path.Combine(Directory, $"{FilePrefix(key)}{size}-v{SpectrumPlot.Version}.png");
    }

    // ---------------------------------------------------------------- internals

    private sealed record Rendered(byte[] Bytes, Exception? StoreError);

    /// <summary>One render per path at a time in this process: later callers wait for the first one's result.</summary>
    private Rendered RenderOnce(string path, PreviewSize size, PreviewSource source)
    {
        var lazy = _inFlight.GetOrAdd(path, static (p, state) => new Lazy<Rendered>(
            () => state.Cache.RenderAndStore(p, state.Size, state.Source), LazyThreadSafetyMode.ExecutionAndPublication),
            (Cache: this, Size: size, Source: source));
        try
        {
            return lazy.Value;
        }
        finally
        {
            _inFlight.TryRemove(KeyValuePair.Create(path, lazy));
        }
    }

    private Rendered RenderAndStore(string path, PreviewSize size, PreviewSource source)
    {
        // A render that finished between our miss and our turn has stored the file by now.
        if (TryRead(path, out var cached)) return new Rendered(cached, null);

        byte[] png = SpectrumPlot.RenderPng(source(), size);
        Interlocked.Increment(ref _renders);
        try
        {
            WriteAtomically(path, png);
            return new Rendered(png, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Rendered(png, e);
        }
    }

    /// <summary>Writes to a temp file in the same directory, flushes it to disk, then renames it over the target.</summary>
    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);   // else a crash could leave a renamed but empty file that is served forever
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Reads a cached PNG; false when absent, unreadable or not a complete PNG (which is then deleted).</summary>
    private static bool TryRead(string path, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        if (LooksComplete(bytes)) return true;
        bytes = null;
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return false;
    }

    /// <summary>PNG signature at the start, IEND chunk at the end.</summary>
    private static bool LooksComplete(ReadOnlySpan<byte> png) =>
        png.Length >= 8 + 25 + 12
        && png[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        && png[^12..].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]);

    /// <summary>"readable-part-hash16-": the readable part keeps [A-Za-z0-9._-] (up to 48 characters, never leading dots).</summary>
    private static string FilePrefix(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var readable = new StringBuilder(Math.Min(key.Length, 48));
        foreach (char c in key)
        {
            if (readable.Length == 48) break;
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && readable.Length > 0) ? c : '_');
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 8);
        return $"{readable}-{hash}-";
    }

    private void RemoveStaleTempFiles(TimeSpan age)
    {
        try
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(Directory, ".*.tmp"))
            {
                try
                {
                    if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > age) File.Delete(file);
                }
                catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
        catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
