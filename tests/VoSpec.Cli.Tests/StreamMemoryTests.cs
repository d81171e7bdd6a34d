using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Core.Spectra;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Cli.Tests;

/// <summary>
/// Issue 12's "memory stays flat" for a whole-table BINARY2 stream, on the real `vospec serve` (a process of its own,
/// so that its garbage collector's figures are the server's alone), read from /spec/debug: after the start-up warm-up
/// (which streams up to 65,536 ObsCore rows) the heap is small — it once kept that answer, buffered whole, as 70–140 MB
/// of large-object garbage that no later collection removed, because streaming allocates too little to cause a gen-2 one —
/// and streaming the table three times more allocates next to nothing a row and leaves the heap and the process's own
/// memory where one stream left them.
/// </summary>
public class StreamMemoryTests
{
    private const int Rows = 70_000;
    private const string AdminToken = "adm-stream-5e1f0c2a";

    [Fact]
    public async Task A_whole_table_stream_allocates_next_to_nothing_a_row_and_memory_does_not_grow_with_the_rows()
    {
        using var dir = TestPaths.NewTempDir();
        var archiveDir = Path.Combine(dir.Path, "a");
        using (var archive = SpectrumArchive.Open(archiveDir))
            new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(0, Rows).Select(Row), "big", Rows);

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Vospec.Dll, "serve", "--archive", archiveDir, "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
        psi.Environment["VOSPEC_ADMIN__TOKEN"] = AdminToken; // the warm-up stays on: it is part of what is measured
        using var p = Process.Start(psi)!;
        var log = new System.Text.StringBuilder();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            var url = await Vospec.ReadServingUrlAsync(p, log);
            if (url is null) Assert.Fail("no URL printed:\n" + log + await stderr); // stderr ends only when the process does
            _ = p.StandardOutput.ReadToEndAsync();
            using var http = new HttpClient { BaseAddress = new Uri(url!), Timeout = TimeSpan.FromMinutes(3) };
            // Ready once the warm-up has ended.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (true)
            {
                using (var r = await http.GetAsync("health/ready")) if (r.IsSuccessStatusCode) break;
                Assert.True(DateTime.UtcNow < deadline, "not ready after three minutes");
                await Task.Delay(200);
            }

            var warm = await Memory(http);
            Assert.True(warm.Heap < 64 << 20, $"GC heap after the warm-up: {warm.Heap >> 20} MB (generations after the last collection: {warm.Generations})");

            await Stream(http);
            var once = await Memory(http);
            long anonOnce = RssAnon(p.Id);
            for (int i = 0; i < 3; i++) await Stream(http);
            var thrice = await Memory(http);
            long anonThrice = RssAnon(p.Id);

            double perRow = (thrice.Allocated - once.Allocated) / (3.0 * Rows);
            Assert.True(perRow < 64, $"{perRow:0.0} bytes allocated a row streamed");
            Assert.True(thrice.Heap < 64 << 20, $"GC heap after four streams: {thrice.Heap >> 20} MB ({thrice.Generations})");
            Assert.True(thrice.Committed - once.Committed < 8 << 20, $"GC committed memory grew from {once.Committed >> 20} to {thrice.Committed >> 20} MB");
            Assert.True(anonThrice - anonOnce < 16 << 20, $"the server's own memory (RssAnon) grew from {anonOnce >> 20} to {anonThrice >> 20} MB");
        }
        finally
        {
            if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(); }
        }
    }

    /// <summary>SELECT * FROM ivoa.obscore as BINARY2, every row of it, read into nothing.</summary>
    private static async Task Stream(HttpClient http)
    {
        using var r = await http.GetAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=votable&MAXREC=1000000&QUERY=" + Uri.EscapeDataString("SELECT * FROM ivoa.obscore"),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.True(r.IsSuccessStatusCode, $"stream: {(int)r.StatusCode}");
        await using var body = await r.Content.ReadAsStreamAsync();
        var counted = new byte[1 << 16];
        long bytes = 0;
        for (int n; (n = await body.ReadAsync(counted)) > 0;) bytes += n;
        Assert.True(bytes > Rows * 500L, $"only {bytes} bytes for {Rows} rows");
    }

    private sealed record Figures(long Heap, long Committed, long Allocated, string Generations);

    private static async Task<Figures> Memory(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "spec/debug");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var r = await http.SendAsync(request);
        Assert.True(r.IsSuccessStatusCode, $"/spec/debug: {(int)r.StatusCode}");
        using var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        var m = json.RootElement.GetProperty("memory");
        return new Figures(m.GetProperty("gc_heap_bytes").GetInt64(), m.GetProperty("gc_committed_bytes").GetInt64(),
            m.GetProperty("gc_allocated_bytes").GetInt64(),
            string.Join(", ", m.GetProperty("gc_generation_bytes").EnumerateArray().Select(g => $"{g.GetInt64() >> 20} MB")));
    }

    /// <summary>RssAnon of /proc/PID/status in bytes: the process's own pages, not the mapped catalogue's.</summary>
    private static long RssAnon(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    /// <summary>A catalogue-only row (no pixels) somewhere on the sky.</summary>
    private static Spectrum Row(int i)
    {
        int plate = 1 + i / 1000, fiber = 1 + i % 1000;
        return new Spectrum
        {
            Meta = new SpectrumMeta
            {
                SpecObjId = SpecObjId.Pack(plate, 55000, fiber, 26), Plate = plate, Mjd = 55000, FiberId = fiber,
                Ra = i * 360.0 / Rows, Dec = (i % 170) - 85.0, Z = (i % 1000) / 1000.0, Class = (i % 3) switch { 0 => "GALAXY", 1 => "QSO", _ => "STAR" },
                ExpTime = 2700, Run2d = "26",
            },
            Arrays = new SpectrumArrays { Grid = new LogLinearGrid(3.58 + (i % 50) * 1e-4, 1e-4, 3850), Flux = [] },
        };
    }
}
