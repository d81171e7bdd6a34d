using System.Diagnostics;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Fits.Desi;

namespace VoSpec.Bench;

/// <summary>
/// Ingest rate of DESI-like coadds (500 target fibres each, written by bench/desi_like.py from the real
/// coadd-sv3-dark-26065.fits) into a fresh archive, in spectra/s and in bytes/s against a plain read of the same files
/// in the same run (issue 15's goal: ≥ 5,000 spectra/s on this machine), with where the time went (parse, write phases).
/// </summary>
internal static class DesiIngestBench
{
    public static void Run(Options o)
    {
        int files = o.Int("files", 4);
        var work = Path.GetFullPath(o.Str("work", Path.Combine("bench", "out", "desi-ingest")));
        var dir = Path.Combine(work, "files");
        var source = Path.GetFullPath(o.Str("source", Path.Combine("..", "shared", "data", "real", "desi", "coadd-sv3-dark-26065.fits")));
        if (!Directory.Exists(dir) || Directory.GetFiles(dir, "*.fits").Length != files)
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            var psi = new ProcessStartInfo("/usr/bin/python3", [Path.Combine("bench", "desi_like.py"), source, dir, files.ToString()]) { UseShellExecute = false };
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("bench/desi_like.py failed");
        }
        var paths = Directory.GetFiles(dir, "*.fits").Order().ToArray();
        long bytes = paths.Sum(p => new FileInfo(p).Length);

        // A plain read of the same files (page cache warm after the first pass): the bytes/s a reader cannot beat.
        foreach (var p in paths) File.ReadAllBytes(p);
        var read = Stopwatch.StartNew();
        foreach (var p in paths) File.ReadAllBytes(p);
        double readSeconds = read.Elapsed.TotalSeconds;

        // Parsing one file alone, on one thread, as ingest does (mapped, resolution not read), then with the resolution matrices.
        var parse = Stopwatch.StartNew();
        int parsed = SpectrumFileReader.Read(paths[0]).Spectra.Count;
        double parseSeconds = parse.Elapsed.TotalSeconds;
        var parseAll = Stopwatch.StartNew();
        DesiReader.Read(paths[0], resolution: true);
        double parseAllSeconds = parseAll.Elapsed.TotalSeconds;

        var archiveDir = Path.Combine(work, "archive");
        if (Directory.Exists(archiveDir)) Directory.Delete(archiveDir, true);
        using var archive = SpectrumArchive.Open(archiveDir);
        var report = new Ingester(archive).Run([dir], "sdss");
        if (report.Failed > 0) throw new InvalidOperationException($"{report.Failed} files failed: {report.Failures[0].Reason}");
        double s = report.Elapsed.TotalSeconds;
        Console.WriteLine($"DESI-like coadds: {paths.Length} files, {report.Ingested} spectra, {bytes / 1e6:0} MB");
        Console.WriteLine($"| plain read | {bytes / readSeconds / 1e6:0} MB/s | | |");
        Console.WriteLine($"| parse one file (1 thread, as ingest: resolution not read) | {new FileInfo(paths[0]).Length / parseSeconds / 1e6:0} MB/s | {parsed / parseSeconds:0} spectra/s | |");
        Console.WriteLine($"| parse one file (1 thread, with resolution) | {new FileInfo(paths[0]).Length / parseAllSeconds / 1e6:0} MB/s | {parsed / parseAllSeconds:0} spectra/s | |");
        Console.WriteLine($"| vospec ingest | {bytes / s / 1e6:0} MB/s | {report.Ingested / s:0} spectra/s | {readSeconds / s:0.000} of a plain read |");
        Console.WriteLine($"  parsing {report.ParseTime.TotalSeconds:0.00} s (summed over threads), archive writes {report.WriteTime.TotalSeconds:0.00} s, indexes {report.IndexTime.TotalSeconds:0.00} s, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine("  write phases: " + string.Join(", ", report.Phases.Where(p => p.Time > TimeSpan.Zero).Select(p => $"{p.Phase} {p.Time.TotalSeconds:0.000} s")));
    }
}
