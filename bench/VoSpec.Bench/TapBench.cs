using System.Diagnostics;
using System.Globalization;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Core.Spectra;

namespace VoSpec.Bench;

/// <summary>
/// TAP over loopback against a running server: streaming a whole table as BINARY2 with the server's memory
/// sampled meanwhile; the client decodes the base64 and walks every row to count them (<see cref="Binary2RowCounter"/>) (cone latency is bench/tap_cone.py). Also builds a catalogue-only archive of N rows for the large-table numbers.
/// </summary>
internal static class TapBench
{
    public static void Catalogue(Options o)
    {
        int n = o.Int("count", 1_000_000);
        var dir = Path.GetFullPath(o.Str("archive", "/tmp/bench/obscore1m"));
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        var sw = Stopwatch.StartNew();
        // Peak memory, split (issue 18's build peaked at 4.5 GB of RSS): the process's own, and the mapped catalogue's pages.
        long peakRss = 0, peakAnon = 0;
        using var sampler = new Timer(_ =>
        {
            peakRss = Math.Max(peakRss, Status(Environment.ProcessId, "VmRSS:"));
            peakAnon = Math.Max(peakAnon, Status(Environment.ProcessId, "RssAnon:"));
        }, null, 0, 500);
        var sky = SkyOrderedPositions(n, new Random(11));
        Console.WriteLine(FormattableString.Invariant($"{n} positions drawn and put in HEALPix order in {sw.Elapsed.TotalSeconds:0.0} s"));
        sw.Restart();
        // --database: the catalogue in that PostgreSQL database (which must be empty), the directory for the rest.
        using var archive = SpectrumArchive.Open(dir, new ArchiveOptions { IngestBatchSize = 20_000, Database = o.Has("database") ? o.Str("database", "") : null });
        var rnd = new Random(12);
        double last = 0;
        var report = new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(0, n).Select(i => Fake(i, sky[i].Ra, sky[i].Dec, rnd)), "big", n,
            stored =>
            {
                if (stored % 1_000_000 != 0 && stored != n) return;
                double t = sw.Elapsed.TotalSeconds;
                Console.WriteLine(FormattableString.Invariant($"  {stored,10:N0} rows at {t,7:0.0} s: {(stored % 1_000_000 == 0 ? 1_000_000 : stored % 1_000_000) / (t - last),7:0} rows/s for the last million"));
                last = t;
            });
        var size = new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Console.WriteLine(FormattableString.Invariant(
            $"catalogue-only archive: {report.Ingested} rows in {report.Elapsed.TotalSeconds:0.0} s = {report.Ingested / report.Elapsed.TotalSeconds:0} rows/s (rows {report.WriteTime.TotalSeconds:0.0} s, deferred indexes {report.IndexTime.TotalSeconds:0.0} s); {size / 1e9:0.00} GB = {size / (double)report.Ingested:0} bytes a row, at {dir}"));
        Console.WriteLine("where the writer's time went (sky order and values on the other core, overlapping the inserts): " +
            string.Join(", ", report.Phases.Select(p => FormattableString.Invariant($"{p.Phase} {p.Time.TotalSeconds:0.0} s"))));
        Console.WriteLine(FormattableString.Invariant(
            $"peak RSS {peakRss / 1e9:0.00} GB, of which anonymous (heap, SQLite's page cache and sorter) {peakAnon / 1e9:0.00} GB; the rest is the memory-mapped catalogue (page cache)"));
        // Collections stop every thread, the writer's too: their pauses are inside the phases above.
        Console.WriteLine(FormattableString.Invariant(
            $"garbage collections: {GC.CollectionCount(0)} / {GC.CollectionCount(1)} / {GC.CollectionCount(2)} (gen 0/1/2), paused {GC.GetTotalPauseDuration().TotalSeconds:0.0} s in all"));
    }

    /// <summary>
    /// Positions uniform on the sphere, in HEALPix NESTED order (as a survey's files come, plate by plate): the generator
    /// then writes neighbours together, as a real load sorted on the sky does.
    /// </summary>
    private static (double Ra, double Dec)[] SkyOrderedPositions(int n, Random rnd)
    {
        var positions = new (double Ra, double Dec)[n];
        var keys = new long[n];
        for (int i = 0; i < n; i++)
        {
            double ra = rnd.NextDouble() * 360, dec = Math.Asin(2 * rnd.NextDouble() - 1) * 180 / Math.PI;
            positions[i] = (ra, dec);
            keys[i] = VoSpec.Core.Sky.Healpix.NestedIndex(16, ra, dec);
        }
        Array.Sort(keys, positions);
        return positions;
    }

    /// <summary>A catalogue row at the given position, no pixels.</summary>
    private static Spectrum Fake(int i, double ra, double dec, Random rnd)
    {
        int plate = 1 + i / 1000, fiber = 1 + i % 1000;
        return new Spectrum
        {
            Meta = new SpectrumMeta
            {
                SpecObjId = SpecObjId.Pack(plate, 55000, fiber, 26), Plate = plate, Mjd = 55000, FiberId = fiber, Ra = ra, Dec = dec,
                Z = rnd.NextDouble(), Class = (i % 3) switch { 0 => "GALAXY", 1 => "QSO", _ => "STAR" }, ExpTime = 2700, Run2d = "26",
            },
            Arrays = new SpectrumArrays { Grid = new LogLinearGrid(3.58 + (i % 50) * 1e-4, 1e-4, 3850), Flux = [] },
        };
    }

    public static void Stream(Options o)
    {
        var tap = o.Str("url", "http://127.0.0.1:5000/tap").TrimEnd('/');
        int pid = o.Int("pid", 0);
        var query = o.Str("query", "SELECT * FROM ivoa.obscore");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        long peakRss = 0, peakAnon = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested && pid > 0)
            {
                peakRss = Math.Max(peakRss, Status(pid, "VmRSS:"));
                peakAnon = Math.Max(peakAnon, Status(pid, "RssAnon:"));
                await Task.Delay(50);
            }
        });
        var url = $"{tap}/sync?LANG=ADQL&MAXREC=10000000&RESPONSEFORMAT=votable&QUERY=" + Uri.EscapeDataString(query);
        var sw = Stopwatch.StartNew();
        using var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).Result;
        using var body = response.Content.ReadAsStream();
        var counted = Binary2RowCounter.Count(body);
        double secs = sw.Elapsed.TotalSeconds;
        sampling.Cancel();
        sampler.Wait();
        long expected = o.Int("rows", 0);
        Console.WriteLine(FormattableString.Invariant(
            $"stream '{query}' as BINARY2: {counted.Rows} rows counted ({counted.RowBytes / 1e6:0.0} MB of rows, {counted.ResponseBytes / 1e6:0.0} MB on the wire) in {secs:0.00} s = {counted.Rows / secs:0} rows/s, {counted.ResponseBytes / secs / 1e6:0} MB/s; QUERY_STATUS {counted.Statuses}; server peak RSS {peakRss / 1e6:0} MB, of which anonymous (heap, stacks) {peakAnon / 1e6:0} MB; the rest is the memory-mapped catalogue (page cache)"));
        if (expected > 0 && counted.Rows != expected) throw new InvalidDataException($"{counted.Rows} rows arrived, {expected} expected");
    }

    /// <summary>A size line of /proc/PID/status in bytes (VmRSS: all resident pages; RssAnon: the process's own memory).</summary>
    private static long Status(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(key)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        return 0;
    }
}
