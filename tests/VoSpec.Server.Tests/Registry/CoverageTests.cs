using System.Globalization;
using System.Net;
using System.Text.Json;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Core.Sky;
using VoSpec.Server.Tests.Interop;
using VoSpec.Testing;
using Xunit;
using Xunit.Abstractions;

namespace VoSpec.Server.Tests.Registry;

/// <summary>
/// /coverage (issue 17): each collection's MOC as kept at ingest, checked against STILTS's pixfoot on the same positions
/// and order, read back by astropy, kept up to date by ingest, and hidden for a proprietary collection without its token.
/// </summary>
[Collection("host")]
public class CoverageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PublishingServer _server = null!;
    public async Task InitializeAsync() => _server = await PublishingServer.StartAsync(demo: 60);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private List<(double Ra, double Dec, double Radius)> Fibres(string collection)
    {
        using var archive = SpectrumArchive.Open(_server.ArchiveDir);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT s_ra, s_dec, s_fov / 2 FROM ivoa_obscore WHERE obs_collection = $c";
        cmd.Parameters.AddWithValue("$c", collection);
        using var r = cmd.ExecuteReader();
        var list = new List<(double, double, double)>();
        while (r.Read()) list.Add((r.GetDouble(0), r.GetDouble(1), r.GetDouble(2)));
        return list;
    }

    private static HashSet<long> Cells(JsonElement json, int order)
    {
        var set = new HashSet<long>();
        foreach (var p in json.EnumerateObject())
        {
            int o = int.Parse(p.Name, CultureInfo.InvariantCulture);
            foreach (var c in p.Value.EnumerateArray())
            {
                long cell = c.GetInt64(), span = 1L << (2 * (order - o));
                for (long k = cell * span; k < (cell + 1) * span; k++) set.Add(k);
            }
        }
        return set;
    }

    private HashSet<long> Pixfoot(TempDir dir, IEnumerable<(double Ra, double Dec, double Radius)> fibres, int order, bool withRadius)
    {
        var csv = Path.Combine(dir.Path, "pos.csv");
        File.WriteAllLines(csv, new[] { "ra,dec,r" }.Concat(fibres.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Ra:R},{f.Dec:R},{f.Radius:R}"))));
        var json = Path.Combine(dir.Path, "moc.json");
        var r = ExternalTool.Run("stilts", [.. Conformance.StiltsGuard, "pixfoot", "ifmt=csv", "in=" + csv, $"order={order}", "ra=ra", "dec=dec",
            "radius=" + (withRadius ? "r" : "0"), "mocfmt=json", "out=" + json]);
        Assert.True(r.ExitCode == 0, r.All);
        return Cells(JsonDocument.Parse(File.ReadAllText(json)).RootElement, order);
    }

    [Fact]
    public async Task The_served_moc_is_the_fibres_footprint_and_agrees_with_stilts()
    {
        using var dir = TestPaths.NewTempDir("vospec-moc");
        var fibres = Fibres("demo");
        var served = Cells(JsonDocument.Parse(await _server.Client.GetStringAsync("coverage/demo?format=json")).RootElement, 10);
        // The cells of the fibres' apertures, made here from the catalogue rows.
        Assert.Equal(fibres.SelectMany(f => Moc.DiscCells(10, f.Ra, f.Dec, f.Radius)).ToHashSet(), served);
        // STILTS: every centre's cell is covered, and nothing beyond its (approximate, inclusive) discs.
        var centres = Pixfoot(dir, fibres, 10, withRadius: false);
        var discs = Pixfoot(dir, fibres, 10, withRadius: true);
        Assert.Subset(served, centres);
        Assert.Subset(discs, served);
        output.WriteLine($"order 10: STILTS centres {centres.Count} cells, VoSpec {served.Count}, STILTS discs {discs.Count}");
        // The union over the collections the caller may see is this one collection without the token.
        Assert.Equal(served, Cells(JsonDocument.Parse(await _server.Client.GetStringAsync("coverage?format=json")).RootElement, 10));
    }

    [Fact]
    public async Task Fits_and_ascii_say_the_same_and_astropy_reads_the_fits()
    {
        using var dir = TestPaths.NewTempDir("vospec-moc");
        var fits = Path.Combine(dir.Path, "demo.fits");
        await File.WriteAllBytesAsync(fits, await _server.Client.GetByteArrayAsync("coverage/demo"));
        var ascii = (await _server.Client.GetStringAsync("coverage/demo?format=ascii")).Trim();
        var r = ExternalTool.RunPython("""
            import sys
            from astropy.io import fits
            import numpy as np
            with fits.open(sys.argv[1]) as h:
                hd = h[1].header
                assert hd['MOCVERS'] == '2.0' and hd['MOCDIM'] == 'SPACE' and hd['ORDERING'] == 'NUNIQ' and hd['COORDSYS'] == 'C', repr(hd)
                uniq = np.array(h[1].data.field(0), dtype=np.int64)
                order = (np.floor(np.log2(uniq // 4) / 2)).astype(int)
                cell = uniq - 4 * 4 ** order.astype(np.int64)
                by = {}
                for o, c in zip(order, cell): by.setdefault(int(o), []).append(int(c))
                print(hd['MOCORD_S'], ' '.join(f"{o}/" + ' '.join(map(str, sorted(cs))) for o, cs in sorted(by.items())))
            """, fits);
        Assert.True(r.ExitCode == 0, r.All);
        var (order, cells) = (r.StdOut.Split(' ', 2)[0], r.StdOut.Split(' ', 2)[1].Trim());
        Assert.Equal("10", order);
        Assert.Equal(Moc.ParseAscii(ascii), Moc.ParseAscii(cells + (ascii.EndsWith("10/") ? " 10/" : "")));
        Assert.Equal(0, ExternalTool.Run("fitsverify", ["-q", fits]).ExitCode);
    }

    [Fact]
    public async Task A_proprietary_collection_is_covered_for_its_token_holders_only()
    {
        using var hidden = await _server.Client.GetAsync("coverage/secret_survey");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.StartsWith("NotFoundFault", await hidden.Content.ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, "coverage/secret_survey?format=ascii");
        request.Headers.Authorization = new("Bearer", PublishingServer.SecretToken);
        using var shown = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("/", await shown.Content.ReadAsStringAsync());
        foreach (var (query, status) in new[] { ("coverage/demo?format=png", 400), ("coverage/demo?order=11", 400), ("coverage/demo?order=x", 400), ("coverage/nothing", 404) })
        {
            using var bad = await _server.Client.GetAsync(query);
            Assert.Equal(status, (int)bad.StatusCode);
            Assert.Matches("^(UsageError|NotFoundFault): ", await bad.Content.ReadAsStringAsync());
        }
        // A coarser order on request.
        var coarse = Moc.ParseAscii(await _server.Client.GetStringAsync("coverage/demo?format=ascii&order=5"));
        Assert.Equal(5, coarse.MaxOrder);
    }

    [Fact]
    public async Task Ingest_keeps_the_coverage_up_to_date()
    {
        var before = Moc.ParseAscii(await _server.Client.GetStringAsync("coverage/demo?format=ascii"));
        DemoCollection.WriteFiles(_server.FilesDir + "-more", 25, seed: 4242, firstIndex: 7000);
        using (var archive = SpectrumArchive.Open(_server.ArchiveDir))
            Assert.Equal(25, new Ingester(archive).Run([_server.FilesDir + "-more"], "demo").Ingested);
        var after = Moc.ParseAscii(await _server.Client.GetStringAsync("coverage/demo?format=ascii"));
        Assert.Equal(after, after.Union(before));
        Assert.NotEqual(before, after);
        var fibres = Fibres("demo");
        Assert.Equal(85, fibres.Count);
        Assert.Equal(Moc.FromCells(10, fibres.SelectMany(f => Moc.DiscCells(10, f.Ra, f.Dec, f.Radius))), after);
    }
}
