using System.Globalization;
using System.Text;
using VoSpec.Core.Sky;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>
/// MOC FITS files (<see cref="MocFits"/>): ours pass fitsverify and are read back by us, by STILTS and by astropy;
/// STILTS's own MOC FITS is read by us into the MOC STILTS writes as JSON.
/// </summary>
public sealed class MocFitsTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("moc-fits");

    public void Dispose() => _dir.Dispose();

    /// <summary>Fibre discs (points beyond order 20) at 300 seeded positions, plus a coarse cell so that several orders appear.</summary>
    private static Moc Sample(int order)
    {
        var random = new Random(order);
        double radius = order <= 20 ? 0.000416667 : 0;
        var cells = Enumerable.Range(0, 300).SelectMany(_ =>
            Moc.DiscCells(order, random.NextDouble() * 360, Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI, radius));
        return Moc.FromCells(order, cells).Union(Moc.FromCells(3, [100]));
    }

    private string WriteMoc(Moc moc, string name)
    {
        string path = Path.Combine(_dir.Path, name);
        using (var f = File.Create(path)) MocFits.Write(f, moc);
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(29)]
    public void Our_MOC_passes_fitsverify_and_reads_back(int order)
    {
        var moc = order == 0 ? Moc.Empty(0) : Sample(order);
        string path = WriteMoc(moc, $"ours-{order}.fits");
        FitsVerify.AssertClean(path);
        using var f = File.OpenRead(path);
        Assert.Equal(moc, MocFits.Read(f));
        var table = (BinaryTable)FitsReader.Open(path).Hdus[1];
        Assert.Equal(order <= 13 ? 'J' : 'K', table.Column("UNIQ").Form.Type);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(16)]
    public void We_read_the_MOC_FITS_STILTS_writes(int order)
    {
        var random = new Random(5);
        var csv = new StringBuilder("ra,dec\n");
        for (int i = 0; i < 2000; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{random.NextDouble() * 360:R},{Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI:R}\n");
        string input = Path.Combine(_dir.Path, "pos.csv"), fits = Path.Combine(_dir.Path, "stilts.fits"), json = Path.Combine(_dir.Path, "stilts.json");
        File.WriteAllText(input, csv.ToString());
        foreach (var (format, output) in new[] { ("fits", fits), ("json", json) })
            Stilts("pixfoot", "ifmt=csv", $"in={input}", $"order={order}", "ra=ra", "dec=dec", "radius=0.01", $"mocfmt={format}", $"out={output}");
        using var f = File.OpenRead(fits);
        var fromFits = MocFits.Read(f, fits);
        var fromJson = Moc.ParseJson(File.ReadAllText(json)).Union(Moc.Empty(order));
        Assert.Equal(order, fromFits.MaxOrder);
        Assert.True(fromFits.Cells().Count() > 2000);
        Assert.Equal(fromJson, fromFits);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(14)]
    public void STILTS_reads_our_UNIQ_column(int order)
    {
        var moc = Sample(order);
        string path = WriteMoc(moc, "ours.fits");
        string values = Stilts("tpipe", $"in={path}", "ifmt=fits", "omode=out", "ofmt=csv-noheader");
        Assert.Equal(moc.Uniq(), values.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse));
        string meta = Stilts("tpipe", $"in={path}", "ifmt=fits", "omode=meta");
        Assert.Contains("UNIQ", meta);
    }

    private const string AstropyCheck = """
        import sys, json, math
        import numpy as np
        from astropy.io import fits
        path, ascii_text = sys.argv[1], open(sys.argv[2]).read()
        hdul = fits.open(path)
        assert len(hdul) == 2 and hdul[0].header['NAXIS'] == 0 and hdul[0].data is None
        h = hdul[1].header
        keys = {k: h[k] for k in ('PIXTYPE', 'ORDERING', 'COORDSYS', 'MOCVERS', 'MOCDIM', 'MOCORD_S', 'MOCORDER', 'MOCTOOL', 'TTYPE1', 'TFORM1')}
        uniq = [int(u) for u in hdul[1].data['UNIQ']]
        decoded = set()
        for u in uniq:
            order = int(math.floor(math.log2(u / 4) / 2))
            decoded.add((order, u - 4 * 4 ** order))
        # The ASCII serialisation, parsed here on its own: 'order/' starts an order, 'a-b' is a run.
        cells, order = set(), None
        for token in ascii_text.split():
            if '/' in token:
                o, token = token.split('/')
                order = int(o)
                if not token: continue
            a, _, b = token.partition('-')
            for c in range(int(a), int(b or a) + 1): cells.add((order, c))
        print(json.dumps({'keys': keys, 'rows': len(uniq), 'sorted': uniq == sorted(uniq), 'same': decoded == cells, 'dtype': str(hdul[1].data['UNIQ'].dtype)}))
        """;

    [Theory]
    [InlineData(12)]
    [InlineData(20)]
    public void Astropy_reads_our_header_and_UNIQ_values(int order)
    {
        var moc = Sample(order);
        string path = WriteMoc(moc, "ours.fits");
        string ascii = Path.Combine(_dir.Path, "ours.txt");
        File.WriteAllText(ascii, moc.ToAscii());
        var r = ExternalTool.RunPython(AstropyCheck, path, ascii);
        Assert.True(r.ExitCode == 0, r.All);
        using var doc = System.Text.Json.JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        var keys = root.GetProperty("keys");
        Assert.Equal("HEALPIX", keys.GetProperty("PIXTYPE").GetString());
        Assert.Equal("NUNIQ", keys.GetProperty("ORDERING").GetString());
        Assert.Equal("C", keys.GetProperty("COORDSYS").GetString());
        Assert.Equal("2.0", keys.GetProperty("MOCVERS").GetString());
        Assert.Equal("SPACE", keys.GetProperty("MOCDIM").GetString());
        Assert.Equal(order, keys.GetProperty("MOCORD_S").GetInt32());
        Assert.Equal(order, keys.GetProperty("MOCORDER").GetInt32());
        Assert.Equal("VoSpec", keys.GetProperty("MOCTOOL").GetString());
        Assert.Equal("UNIQ", keys.GetProperty("TTYPE1").GetString());
        Assert.Equal(order <= 13 ? "1J" : "1K", keys.GetProperty("TFORM1").GetString());
        Assert.Equal(moc.Cells().Count(), root.GetProperty("rows").GetInt32());
        Assert.True(root.GetProperty("sorted").GetBoolean());
        Assert.True(root.GetProperty("same").GetBoolean(), $"astropy's decoded UNIQ differ from the ASCII cells: {r.StdOut}");
        FitsVerify.AssertClean(path);
    }

    [Fact]
    public void A_table_without_NUNIQ_is_refused()
    {
        string path = Path.Combine(_dir.Path, "range.fits");
        using (var f = File.Create(path))
        using (var w = new FitsWriter(f))
        {
            using var t = w.BeginBinaryTable([new TableColumn("RANGE", "1K")], 0, new FitsHeader().Add("ORDERING", "RANGE"));
            t.Complete();
        }
        using var s = File.OpenRead(path);
        Assert.Throws<FitsFormatException>(() => MocFits.Read(s));
    }

    private static string Stilts(params string[] args)
    {
        var r = ExternalTool.Run("stilts", args, timeout: TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, $"stilts {string.Join(' ', args)} failed:\n{r.All}");
        return r.StdOut;
    }
}
