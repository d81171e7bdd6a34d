using Xunit;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Pixels;
using VoSpec.Testing;

namespace VoSpec.Archive.Tests;

public class PixelPrefaultTests
{
    private const long GB = 1_000_000_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Warm_up_maps_every_committed_byte_of_every_store(bool kernelWithoutPopulateRead)
    {
        PageWarmer.PopulateUnsupported = kernelWithoutPopulateRead;
        try { WarmUpMapsEverything(); }
        finally { PageWarmer.PopulateUnsupported = false; }
    }

    private static void WarmUpMapsEverything()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        DemoCollection.Create(archive, 30, seed: 5);
        long stored = archive.Lookup.PixelStores().Sum(s => s.Bytes);
        Assert.True(stored > 1 << 20);

        // Chunks smaller than the store, not page multiples: every chunk boundary is crossed.
        var result = PixelPrefault.Run(archive, CancellationToken.None, chunkBytes: 100_000);

        Assert.True(result.Completed);
        Assert.Equal(stored, result.Bytes);
        // The kernel's own count of this map's pages in our page tables: all of the file, not merely in the page cache.
        var path = archive.PixelFilePath("demo");
        long page = Environment.SystemPageSize;
        Assert.Equal((stored + page - 1) / page * page, ResidentBytesOfMapping(path));
    }

    [Fact]
    public void Warm_up_stops_when_cancelled()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        DemoCollection.Create(archive, 5, seed: 5);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var result = PixelPrefault.Run(archive, cancel.Token, chunkBytes: 4096);

        Assert.False(result.Completed);
        Assert.Equal(0, result.Bytes);
        Assert.Equal(0, ResidentBytesOfMapping(archive.PixelFilePath("demo")));
    }

    [Fact]
    public void A_reader_disposed_during_the_warm_up_ends_it_without_touching_unmapped_memory()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        DemoCollection.Create(archive, 5, seed: 5);
        var (collection, length) = archive.Lookup.PixelStores().Single();
        var reader = new PixelStoreReader(archive.PixelFilePath(collection));
        Assert.Equal(4096, reader.Prefault(4096, 4096, CancellationToken.None));
        reader.Dispose();

        Assert.Equal(0, reader.Prefault(length, 4096, CancellationToken.None));
    }

    [Theory]
    [InlineData(PrefaultMode.Off, 1 * GB, 16 * GB, "off")]
    [InlineData(PrefaultMode.Auto, 9 * GB, 16 * GB, "half of the available memory")]
    [InlineData(PrefaultMode.Auto, 0L, 16 * GB, "empty")]
    public void Warm_up_is_skipped_when_off_empty_or_too_big_for_auto(PrefaultMode mode, long store, long memory, string because)
    {
        var reason = PixelPrefault.ReasonToSkip(mode, store, memory);
        Assert.NotNull(reason);
        Assert.Contains(because, reason);
    }

    [Theory]
    [InlineData(PrefaultMode.Auto, 8 * GB, 16 * GB)]
    [InlineData(PrefaultMode.On, 9 * GB, 16 * GB)]
    [InlineData(PrefaultMode.On, 40 * GB, 16 * GB)]
    public void Warm_up_runs_when_the_store_fits_or_when_on(PrefaultMode mode, long store, long memory) =>
        Assert.Null(PixelPrefault.ReasonToSkip(mode, store, memory));

    [Fact]
    public void Available_memory_is_known_and_positive() => Assert.True(PixelPrefault.AvailableMemoryBytes() > 0);

    private static readonly System.Text.RegularExpressions.Regex MapHeader = new("^[0-9a-f]+-[0-9a-f]+ ");

    /// <summary>The Rss of this process's mappings of <paramref name="path"/>, from /proc/self/smaps.</summary>
    private static long ResidentBytesOfMapping(string path)
    {
        long total = 0;
        bool inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (MapHeader.IsMatch(line))
                inside = line.EndsWith(" " + path, StringComparison.Ordinal);
            else if (inside && line.StartsWith("Rss:", StringComparison.Ordinal))
                total += long.Parse(line[4..].Trim().Split(' ')[0]) * 1024;
        }
        return total;
    }
}
