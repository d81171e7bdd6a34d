using System.Diagnostics;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Fits.Desi;

namespace VoSpec.Bench;

/// <summary>
/// Ingest rate of DESI-like coadds (500 target fibres each, written by bench/desi_like.py from the real
/// coadd-sv3-dark-26065.fits) into a fresh archive, in spectra/s and in bytes/s against a plain read of the same files
/// in the same run (issue 15's goal: ≥ 5,000 spectra/s on this machine), with where the time went (parse, write phases):
/// the copying ingest and the in-place one (<c>--in-place</c>: catalogue rows only, pixels served from the files) A/B,
/// then what serving a spectrum costs from each archive (#this and getSpec of one id over HTTP, interleaved).
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

        Console.WriteLine($"DESI-like coadds: {paths.Length} files, {bytes / 1e6:0} MB; load average {LoadAverage()} at the start");
        Console.WriteLine($"| plain read | {bytes / readSeconds / 1e6:0} MB/s | | |");
        Console.WriteLine($"| parse one file (1 thread, as ingest: resolution not read) | {new FileInfo(paths[0]).Length / parseSeconds / 1e6:0} MB/s | {parsed / parseSeconds:0} spectra/s | |");
        Console.WriteLine($"| parse one file (1 thread, with resolution) | {new FileInfo(paths[0]).Length / parseAllSeconds / 1e6:0} MB/s | {parsed / parseAllSeconds:0} spectra/s | |");

        // Copying ingest (pixels into the pixel store) and in-place ingest (catalogue rows only: --in-place), A/B in the
        // same run, the order swapped each round; each into a fresh archive.
        int rounds = o.Int("rounds", 2);
        string Archive(bool inPlace) => Path.Combine(work, inPlace ? "archive-inplace" : "archive");
        for (int round = 0; round < rounds; round++)
        {
            foreach (bool inPlace in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var archiveDir = Archive(inPlace);
                if (Directory.Exists(archiveDir)) Directory.Delete(archiveDir, true);
                using var archive = SpectrumArchive.Open(archiveDir);
                // CPU time of the whole process (both cores) beside the wall time: on a machine shared with other work, the
                // wall time measures the scheduler as much as the ingest.
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var report = new Ingester(archive).Run([dir], "sdss", inPlace: inPlace);
                double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                if (report.Failed > 0) throw new InvalidOperationException($"{report.Failed} files failed: {report.Failures[0].Reason}");
                if (inPlace && report.InPlace != report.Ingested) throw new InvalidOperationException($"only {report.InPlace} of {report.Ingested} spectra were ingested in place");
                double s = report.Elapsed.TotalSeconds;
                Console.WriteLine($"| round {round + 1}: vospec ingest{(inPlace ? " --in-place" : "")} | {bytes / s / 1e6:0} MB/s | {report.Ingested / s:0} spectra/s | {readSeconds / s:0.000} of a plain read |");
                Console.WriteLine($"  {report.Ingested} spectra in {s:0.000} s, {cpu:0.000} s of CPU ({report.Ingested / cpu:0} spectra per CPU-second): parsing {report.ParseTime.TotalSeconds:0.00} s (summed over threads), archive writes {report.WriteTime.TotalSeconds:0.00} s, indexes {report.IndexTime.TotalSeconds:0.00} s, load average {LoadAverage()}");
                Console.WriteLine("  write phases: " + string.Join(", ", report.Phases.Where(p => p.Time > TimeSpan.Zero).Select(p => $"{p.Phase} {p.Time.TotalSeconds:0.000} s")));
            }
        }
        Serve(Archive(false), Archive(true), o.Int("requests", 200), o.Int("serve-rounds", 3));
    }

    /// <summary>
    /// What serving costs: the two archives behind two servers on loopback, and one client asking each in turn for
    /// #this (DataLink's FITS) and getSpec of one id (numpy), the same ids in the same order, sequentially; median and
    /// mean latency per request, and in place / copied.
    /// </summary>
    private static void Serve(string copiedArchive, string inPlaceArchive, int requests, int rounds)
    {
        var apps = new[] { copiedArchive, inPlaceArchive }.Select(a =>
        {
            var app = VoSpec.Server.Hosting.VoSpecHost.Build(new Dictionary<string, string?>
            {
                ["VoSpec:Archive"] = a, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:Demo"] = "0",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            app.StartAsync().GetAwaiter().GetResult();
            return app;
        }).ToArray();
        try
        {
            var bases = apps.Select(a => new Uri(VoSpec.Server.Hosting.VoSpecHost.BaseUrls(a)[0])).ToArray();
            List<(string Did, long Id)> spectra;
            using (var archive = SpectrumArchive.Open(copiedArchive))
            using (var conn = archive.Sqlite.OpenConnection())
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT o.obs_publisher_did, s.specobjid FROM ivoa_obscore o JOIN specobj s ON s.spec_id = o.spec_id ORDER BY s.spec_id";
                using var r = cmd.ExecuteReader();
                spectra = [];
                while (r.Read()) spectra.Add((r.GetString(0), r.GetInt64(1)));
            }
            var rng = new Random(15);
            var picks = Enumerable.Range(0, requests).Select(_ => spectra[rng.Next(spectra.Count)]).ToArray();
            using var http = new HttpClient();
            string This((string Did, long Id) s) => "datalink/dataset?ID=" + Uri.EscapeDataString(s.Did);
            HttpRequestMessage GetSpec(Uri b, (string Did, long Id) s) => new(HttpMethod.Post, new Uri(b, "spec/getSpec"))
            {
                Content = new FormUrlEncodedContent([new("id_list", s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("format", "numpy"), new("context", "default")]),
            };
            double Time(Func<HttpRequestMessage> make)
            {
                long t0 = Stopwatch.GetTimestamp();
                using var resp = http.Send(make());
                if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"{resp.RequestMessage?.RequestUri}: {(int)resp.StatusCode}");
                resp.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
                return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            // Warm both (JIT, the pixel store's pages, the in-place source files' maps).
            for (int k = 0; k < 20; k++)
                foreach (var b in bases) { Time(() => new(HttpMethod.Get, new Uri(b, This(picks[k % picks.Length])))); Time(() => GetSpec(b, picks[k % picks.Length])); }
            Console.WriteLine($"serving {requests} random spectra of {spectra.Count} per round, sequentially, copied (pixel store) vs in place (merged from the source file):");
            for (int round = 0; round < rounds; round++)
            {
                foreach (var (name, make) in new (string, Func<Uri, (string, long), HttpRequestMessage>)[]
                         {
                             ("#this FITS", (b, s) => new(HttpMethod.Get, new Uri(b, This(s)))),
                             ("getSpec 1 id", GetSpec),
                         })
                {
                    var t = new List<double>[2] { [], [] };
                    // Interleaved, request by request, so that both see the same machine.
                    foreach (var s in picks)
                        for (int k = 0; k < 2; k++) t[k].Add(Time(() => make(bases[k], s)));
                    double Median(List<double> x) { var y = x.Order().ToList(); return y[y.Count / 2]; }
                    Console.WriteLine($"| round {round + 1}: {name} | copied median {Median(t[0]):0.000} ms, mean {t[0].Average():0.000} | in place median {Median(t[1]):0.000} ms, mean {t[1].Average():0.000} | in place / copied {Median(t[1]) / Median(t[0]):0.00}× (median), {t[1].Average() / t[0].Average():0.00}× (mean) | load {LoadAverage()} |");
                }
            }
        }
        finally
        {
            foreach (var app in apps) { app.StopAsync().GetAwaiter().GetResult(); app.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        }
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
