// Why this file exists: the preview cache's promises — a second request is a file read with identical bytes, one
// render per key even under concurrent requests, atomic files that never escape the directory, and a damaged file
// re-rendered rather than served.
using VoSpec.Core.Spectra;
using VoSpec.Engine.Plotting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Engine.Tests.Plotting;

public class PreviewCacheTests
{
    private static readonly SpectrumArrays Spectrum = SyntheticSpectra.EmissionLine();

    /// <summary>A source that counts how often the cache asks for the pixels (i.e. renders).</summary>
    private sealed class CountingSource(SpectrumArrays arrays)
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);
        public PreviewSource Source => () =>
        {
            Interlocked.Increment(ref _calls);
            return PreviewInput.From(arrays, "cached");
        };
    }

    [Fact]
    public void Second_request_returns_identical_bytes_without_rendering()
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var cache = new PreviewCache(dir.Path);
        var counter = new CountingSource(Spectrum);

        var first = cache.GetOrRenderBytes("0266-51602-0003", PreviewSize.Full, counter.Source);
        var second = cache.GetOrRenderBytes("0266-51602-0003", PreviewSize.Full, counter.Source);
        Assert.Equal(first, second);
        Assert.Equal(1, counter.Calls);
        Assert.Equal(1, cache.RenderCount);
        Assert.Equal((1000, 500), PngImage.ReadHeader(first));
        Assert.Equal(SpectrumPlot.RenderPng(PreviewInput.From(Spectrum, "cached"), PreviewSize.Full), first);

        // The file API hands out the same file; a new cache on the same directory (a restarted server) reuses it.
        string path = cache.GetOrRenderFile("0266-51602-0003", PreviewSize.Full, counter.Source);
        Assert.Equal(first, File.ReadAllBytes(path));
        Assert.StartsWith(Path.GetFullPath(dir.Path), path);
        var restarted = new PreviewCache(dir.Path);
        Assert.Equal(first, restarted.GetOrRenderBytes("0266-51602-0003", PreviewSize.Full, counter.Source));
        Assert.Equal(path, restarted.GetOrRenderFile("0266-51602-0003", PreviewSize.Full, counter.Source));
        Assert.Equal(1, counter.Calls);
        Assert.Equal(0, restarted.RenderCount);
    }

    [Fact]
    public void File_first_then_bytes_and_sizes_are_cached_apart()
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var cache = new PreviewCache(dir.Path);
        var counter = new CountingSource(Spectrum);
        Assert.False(cache.TryGetFile("k", PreviewSize.Thumbnail, out _));

        string thumb = cache.GetOrRenderFile("k", PreviewSize.Thumbnail, counter.Source);
        Assert.True(cache.TryGetFile("k", PreviewSize.Thumbnail, out var found));
        Assert.Equal(thumb, found);
        Assert.Equal((320, 200), PngImage.ReadHeader(File.ReadAllBytes(thumb)));
        Assert.Equal(File.ReadAllBytes(thumb), cache.GetOrRenderBytes("k", PreviewSize.Thumbnail, counter.Source));
        Assert.Equal(1, counter.Calls);

        string full = cache.GetOrRenderFile("k", PreviewSize.Full, counter.Source);
        Assert.NotEqual(thumb, full);
        Assert.Equal(2, counter.Calls);
        Assert.Equal(2, cache.Remove("k"));
        Assert.False(cache.TryGetFile("k", PreviewSize.Full, out _));
        cache.GetOrRenderFile("k", PreviewSize.Full, counter.Source);
        Assert.Equal(3, counter.Calls);
    }

    [Fact]
    public void Concurrent_requests_for_one_key_render_once()
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var cache = new PreviewCache(dir.Path);
        var counter = new CountingSource(Spectrum);
        using var start = new Barrier(8);
        var results = new byte[8][];
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[t] = t % 2 == 0
                    ? cache.GetOrRenderBytes("same", PreviewSize.Full, counter.Source)
                    : File.ReadAllBytes(cache.GetOrRenderFile("same", PreviewSize.Full, counter.Source));
            }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(errors);
        Assert.Equal(1, counter.Calls);
        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Single(Directory.GetFiles(dir.Path));   // no temp files left behind
    }

    /// <summary>
    /// Two servers on one shared archive (docs/scale-out.md) each have a cache over the same directory and may render the
    /// same preview at once: each writes its own temporary name and renames it, so every reader gets a whole file.
    /// </summary>
    [Fact]
    public void Two_caches_over_one_directory_write_the_same_previews_at_once()
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var caches = new[] { new PreviewCache(dir.Path), new PreviewCache(dir.Path) };
        var counters = new[] { new CountingSource(Spectrum), new CountingSource(Spectrum) };
        using var start = new Barrier(8);
        var results = new System.Collections.Concurrent.ConcurrentBag<(string Key, byte[] Png)>();
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (int k = 0; k < 6; k++)
                {
                    var key = $"shared-{k % 3}";
                    var png = File.ReadAllBytes(caches[t % 2].GetOrRenderFile(key, PreviewSize.Full, counters[t % 2].Source));
                    PngImage.Decode(png);
                    results.Add((key, png));
                }
            }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(errors);
        Assert.All(results.GroupBy(r => r.Key), g => Assert.All(g, r => Assert.Equal(g.First().Png, r.Png)));
        // Each cache renders a key at most once; both may have rendered it, or one read what the other wrote.
        Assert.All(counters, c => Assert.InRange(c.Calls, 0, 3));
        Assert.InRange(counters.Sum(c => c.Calls), 3, 6);
        Assert.Equal(3, Directory.GetFiles(dir.Path).Length);   // no temporary file left behind
    }

    [Fact]
    public void Concurrent_requests_for_many_keys_all_succeed()
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var cache = new PreviewCache(dir.Path);
        var counter = new CountingSource(SyntheticSpectra.EmissionLine(1500));
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 6).Select(t => new Thread(() =>
        {
            try
            {
                for (int k = 0; k < 10; k++)
                {
                    var png = cache.GetOrRenderBytes($"spec-{(t + k) % 5}", k % 2 == 0 ? PreviewSize.Thumbnail : PreviewSize.Full, counter.Source);
                    PngImage.Decode(png);
                }
            }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(errors);
        Assert.Equal(10, counter.Calls);   // 5 keys × 2 sizes, each rendered once
        Assert.Equal(10, Directory.GetFiles(dir.Path).Length);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/absolute/path")]
    [InlineData("..")]
    [InlineData("ivo://vospec.example/sdss?0266-51602-0003#x")]
    [InlineData("sp ace\ttab\0nul")]
    [InlineData("ünïcødé-ключ")]
    public void Any_key_stays_inside_the_directory(string key)
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var cache = new PreviewCache(dir.Path);
        string path = cache.PathFor(key, PreviewSize.Thumbnail);
        Assert.Equal(Path.GetFullPath(dir.Path), Path.GetDirectoryName(path));
        Assert.False(Path.GetFileName(path).StartsWith('.'));
        Assert.Equal(path, cache.GetOrRenderFile(key, PreviewSize.Thumbnail, () => PreviewInput.From(Spectrum)));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Distinct_keys_that_read_alike_do_not_collide()
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var cache = new PreviewCache(dir.Path);
        Assert.NotEqual(cache.PathFor("a/b", PreviewSize.Full), cache.PathFor("a_b", PreviewSize.Full));
        Assert.NotEqual(cache.PathFor(new string('x', 60) + "1", PreviewSize.Full), cache.PathFor(new string('x', 60) + "2", PreviewSize.Full));
        Assert.Contains("-v" + SpectrumPlot.Version + ".png", cache.PathFor("a", PreviewSize.Full));
        Assert.Throws<ArgumentException>(() => cache.PathFor("", PreviewSize.Full));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.PathFor("a", default));
    }

    [Fact]
    public void A_damaged_file_is_rendered_again_and_stale_temp_files_are_swept()
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var cache = new PreviewCache(dir.Path);
        var counter = new CountingSource(Spectrum);
        string path = cache.GetOrRenderFile("k", PreviewSize.Thumbnail, counter.Source);
        var good = File.ReadAllBytes(path);
        File.WriteAllBytes(path, good[..(good.Length / 2)]);   // truncated, as by a crash without the atomic write
        Assert.Equal(good, cache.GetOrRenderBytes("k", PreviewSize.Thumbnail, counter.Source));
        Assert.Equal(2, counter.Calls);
        Assert.Equal(good, File.ReadAllBytes(path));

        string stale = Path.Combine(dir.Path, ".old.png.0123.tmp"), fresh = Path.Combine(dir.Path, ".new.png.4567.tmp");
        File.WriteAllBytes(stale, [1, 2, 3]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        File.WriteAllBytes(fresh, [1, 2, 3]);   // may belong to a writer at work right now
        _ = new PreviewCache(dir.Path);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void A_failing_source_is_reported_and_not_cached()
    {
        using var dir = TestPaths.NewTempDir("preview-cache");
        var cache = new PreviewCache(dir.Path);
        Assert.Throws<InvalidOperationException>(() => cache.GetOrRenderBytes("k", PreviewSize.Full, () => throw new InvalidOperationException("store closed")));
        Assert.False(cache.TryGetFile("k", PreviewSize.Full, out _));
        Assert.Equal((1000, 500), PngImage.ReadHeader(cache.GetOrRenderBytes("k", PreviewSize.Full, () => PreviewInput.From(Spectrum))));
    }
}
