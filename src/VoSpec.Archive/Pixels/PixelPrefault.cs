using System.Diagnostics;
using System.Globalization;

namespace VoSpec.Archive.Pixels;

/// <summary>Whether the server warms the pixel store's memory maps at start.</summary>
public enum PrefaultMode
{
    /// <summary>When the store fits comfortably in memory (at most half of what is available).</summary>
    Auto,
    On,
    Off,
}

/// <summary>What a warm-up did: bytes faulted in, how long it took, and whether it ran to the end.</summary>
public readonly record struct PrefaultResult(long Bytes, TimeSpan Elapsed, bool Completed);

/// <summary>
/// Warming a pixel store: the first read of a never-touched 4 KiB page of the map pays a minor page
/// fault (about 4× slower than reading mapped pages); faulting them all in the background at start
/// moves that cost off the request path.
/// </summary>
public static class PixelPrefault
{
    /// <summary>64 MiB: a few milliseconds of work between checks for cancellation.</summary>
    public const long DefaultChunkBytes = 64L << 20;

    /// <summary>Whether to warm a store of <paramref name="storeBytes"/>; null when yes, else why not.</summary>
    public static string? ReasonToSkip(PrefaultMode mode, long storeBytes, long availableMemoryBytes)
    {
        if (mode == PrefaultMode.Off) return "VoSpec:Prefault is off";
        if (!PageWarmer.IsSupported) return "pre-faulting needs Linux";
        if (storeBytes == 0) return "the pixel store is empty";
        if (mode == PrefaultMode.Auto && storeBytes > availableMemoryBytes / 2)
            return $"the pixel store ({Gb(storeBytes)} GB) is more than half of the available memory ({Gb(availableMemoryBytes)} GB)";
        return null;
    }

    /// <summary>
    /// Memory the store may occupy: the smaller of the GC's limit (cgroup-aware) and, on Linux,
    /// MemAvailable (free memory plus page cache the kernel can drop).
    /// </summary>
    public static long AvailableMemoryBytes()
    {
        long gc = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var kb = long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return Math.Min(gc, kb * 1024);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return gc;
    }

    /// <summary>
    /// Faults in every committed byte of every collection's store, on the calling thread, one chunk
    /// at a time; stops between chunks when cancelled.
    /// </summary>
    public static PrefaultResult Run(SpectrumArchive archive, CancellationToken cancel, long chunkBytes = DefaultChunkBytes)
    {
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        foreach (var (collection, length) in archive.Lookup.PixelStores())
        {
            if (cancel.IsCancellationRequested) break;
            bytes += archive.PixelReader(collection).Prefault(length, chunkBytes, cancel);
        }
        return new PrefaultResult(bytes, sw.Elapsed, !cancel.IsCancellationRequested);
    }

    /// <summary>Nice 10 for the calling thread (Linux), so a background warm-up yields to requests.</summary>
    public static void LowerCurrentThreadPriority() => PageWarmer.LowerCurrentThreadPriority();

    public static string Gb(long bytes) => (bytes / 1e9).ToString("0.00", CultureInfo.InvariantCulture);
}
