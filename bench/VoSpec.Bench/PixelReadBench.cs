using System.Diagnostics;
using System.Runtime.InteropServices;
using VoSpec.Archive;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Pixels;

namespace VoSpec.Bench;

/// <summary>
/// In-process pixel-store read rate: every array of one spectrum, every byte touched, spectra in
/// random order over N spectra; compared with a plain sequential read of the same bytes.
/// </summary>
internal static class PixelReadBench
{
    public static void Run(Options o)
    {
        int n = o.Int("count", 100_000);
        int rounds = o.Int("rounds", 3);
        var work = Path.GetFullPath(o.Str("work", Path.Combine("bench", "out", "pixels")));
        var archiveDir = Path.Combine(work, "archive");
        using var archive = SpectrumArchive.Open(archiveDir);
        if (archive.Lookup.CountSpectra("demo") != n)
        {
            archive.Dispose();
            Directory.Delete(archiveDir, true);
            using var fresh = SpectrumArchive.Open(archiveDir, new ArchiveOptions { IngestBatchSize = 2000 });
            var sw = Stopwatch.StartNew();
            var gen = new DemoGenerator(seed: 2);
            var r = new Ingester(fresh).Store(gen.GenerateMany(n).AsParallel().AsOrdered(), "demo");
            Console.WriteLine($"built a {r.Ingested}-spectrum archive in {sw.Elapsed.TotalSeconds:0.0} s");
        }
        using var a = SpectrumArchive.Open(archiveDir);
        var locations = new List<SpectrumLocation>(n);
        using (var conn = a.Sqlite.OpenConnection())
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT spec_id, collection, specobjid, px_offset, px_length, npix FROM spectrum_store";
            using var rd = cmd.ExecuteReader();
            while (rd.Read()) locations.Add(new SpectrumLocation(rd.GetInt64(0), rd.GetString(1), rd.GetInt64(2), rd.GetInt64(3), rd.GetInt64(4), rd.GetInt32(5)));
        }
        var rnd = new Random(7);
        var order = locations.OrderBy(_ => rnd.Next()).ToArray();
        long totalBytes = order.Sum(l => l.Length);
        var pixelFile = a.PixelFilePath("demo");

        if (o.Str("prefault", "false") == "true")
        {
            // What the server does in the background at start (VoSpec:Prefault), here before round 1.
            var warm = PixelPrefault.Run(a, CancellationToken.None);
            Console.WriteLine($"pre-faulted {warm.Bytes / 1e9:0.00} GB in {warm.Elapsed.TotalSeconds:0.00} s ({warm.Bytes / warm.Elapsed.TotalSeconds / 1e9:0.00} GB/s)");
        }

        for (int round = 1; round <= rounds; round++)
        {
            var (minor0, major0) = PageFaults();
            var sw = Stopwatch.StartNew();
            ulong check = 0;
            foreach (var loc in order)
            {
                var px = a.ReadPixels(loc);
                check += Touch(px.Flux) + Touch(px.Ivar) + Touch(px.AndMask) + Touch(px.OrMask) + Touch(px.WDisp) + Touch(px.Sky) + Touch(px.Model);
            }
            double mmap = sw.Elapsed.TotalSeconds;
            var (minor1, major1) = PageFaults();

            sw.Restart();
            ulong check2 = 0;
            var buf = new byte[1 << 20];
            using (var fs = new FileStream(pixelFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
            {
                int got;
                while ((got = fs.Read(buf, 0, buf.Length)) > 0) check2 += Touch(MemoryMarshal.Cast<byte, ulong>(buf.AsSpan(0, got & ~7)));
            }
            double seq = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"round {round}: random-order pixel-store reads {n / mmap:0} spectra/s ({totalBytes / mmap / 1e9:0.00} GB/s); " +
                $"sequential file read of the same bytes {totalBytes / seq / 1e9:0.00} GB/s; ratio {mmap / seq:0.00}×; {minor1 - minor0} minor and {major1 - major0} major page faults during the pixel-store reads (checksums {check % 1000}, {check2 % 1000})");
        }
    }

    /// <summary>The process's minor and major page faults so far (Linux /proc/self/stat fields 10 and 12; 0 elsewhere).</summary>
    private static (long Minor, long Major) PageFaults()
    {
        if (!OperatingSystem.IsLinux()) return (0, 0);
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd on
        return (long.Parse(fields[7]), long.Parse(fields[9]));
    }

    /// <summary>Sums every 8-byte word, so every byte is read and the JIT cannot skip the loop.</summary>
    private static ulong Touch<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var words = MemoryMarshal.Cast<T, ulong>(values);
        ulong s = 0;
        foreach (var w in words) s += w;
        var tail = MemoryMarshal.AsBytes(values)[(words.Length * 8)..];
        foreach (var b in tail) s += b;
        return s;
    }

    private static ulong Touch<T>(Span<T> values) where T : unmanaged => Touch((ReadOnlySpan<T>)values);
}
