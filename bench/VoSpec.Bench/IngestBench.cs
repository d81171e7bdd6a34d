using System.Diagnostics;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Fits.Sdss;

namespace VoSpec.Bench;

/// <summary>
/// Ingest rate of N generated spec-lite files into a fresh archive, with the split between FITS
/// parsing and archive writes, and the archive's size per spectrum against the source files.
/// </summary>
internal static class IngestBench
{
    public static void Run(Options o)
    {
        int n = o.Int("count", 10_000);
        var work = Path.GetFullPath(o.Str("work", Path.Combine("bench", "out", "ingest")));
        var files = Path.Combine(work, "files");
        if (!Directory.Exists(files) || Directory.GetFiles(files, "*.fits").Length != n)
        {
            if (Directory.Exists(files)) Directory.Delete(files, true);
            var g = Stopwatch.StartNew();
            DemoCollection.WriteFiles(files, n, seed: 1);
            Console.WriteLine($"generated {n} files in {g.Elapsed.TotalSeconds:0.00} s ({n / g.Elapsed.TotalSeconds:0} files/s)");
        }
        var paths = Directory.GetFiles(files, "*.fits");
        long sourceBytes = paths.Sum(p => new FileInfo(p).Length);
        // Warm the page cache so the numbers measure parsing and writing, not the disk.
        foreach (var p in paths) File.ReadAllBytes(p);

        // Parsing alone, one thread, for the per-file cost.
        var parse = Stopwatch.StartNew();
        foreach (var p in paths.Take(2000)) SdssSpectrumReader.Read(p);
        double parseMsPerFile = parse.Elapsed.TotalMilliseconds / Math.Min(2000, paths.Length);

        var archiveDir = Path.Combine(work, "archive");
        if (Directory.Exists(archiveDir)) Directory.Delete(archiveDir, true);
        using var archive = SpectrumArchive.Open(archiveDir);
        var report = new Ingester(archive).Run([files], "demo");
        if (report.Failed > 0) throw new InvalidOperationException($"{report.Failed} files failed: {report.Failures[0].Reason}");
        long archiveBytes = new FileInfo(archive.PixelFilePath("demo")).Length + new FileInfo(archive.CataloguePath).Length
            + (File.Exists(archive.CataloguePath + "-wal") ? new FileInfo(archive.CataloguePath + "-wal").Length : 0);

        Console.WriteLine($"ingest: {report.Ingested} files in {report.Elapsed.TotalSeconds:0.00} s = {report.Ingested / report.Elapsed.TotalSeconds:0} files/s");
        Console.WriteLine($"  parsing: {parseMsPerFile:0.000} ms/file on one thread; {report.ParseTime.TotalSeconds:0.00} s CPU in the ingest (parallel, overlapped with writes)");
        Console.WriteLine($"  archive writes (pixels + catalogue, single writer): {report.WriteTime.TotalSeconds:0.00} s = {report.WriteTime.TotalMilliseconds / report.Ingested:0.000} ms/spectrum");
        Console.WriteLine($"  size: source FITS {sourceBytes / (double)n / 1024:0.0} KiB/spectrum; archive {archiveBytes / (double)n / 1024:0.0} KiB/spectrum (pixels {new FileInfo(archive.PixelFilePath("demo")).Length / (double)n / 1024:0.0} KiB) = {100.0 * archiveBytes / sourceBytes:0}% of the source");
    }
}
