using System.Globalization;
using System.Text;
using VoSpec.Core.Sky;
using VoSpec.Testing;
using Xunit;
using Xunit.Abstractions;

namespace VoSpec.Core.Tests.Sky;

/// <summary>
/// Moc and its NESTED indexes against STILTS 3.4.7 (cdshealpix inside), cell for cell, on ~2,000 deterministic
/// positions: uniform on the sphere plus the poles, RA 0/360 and points on order-3 cell borders.
/// A point on a cell border belongs to every cell meeting there, and the two libraries may pick different ones (at
/// (0, 0) Górski's formulas give order-6 cell 18090, cdshealpix 19456); STILTS's pixfoot, given radius 0, gives a
/// point within ~1e-8° of a border some of the cells meeting there (at (0, 0) three of the four, not 18090). So a
/// point whose ±1e-7° neighbourhood spans several cells may take any of them; every other point — all 2,000 uniform
/// ones here — must land in the same cell.
/// </summary>
public sealed class MocStiltsTests(ITestOutputHelper output) : IDisposable
{
    private const double FibreRadius = 0.000416667; // SDSS: 3″ fibres
    private const double Nudge = 1e-7;               // degrees: a point closer than this to a border is on it

    private readonly TempDir _dir = TestPaths.NewTempDir("moc-stilts");

    public void Dispose() => _dir.Dispose();

    private static readonly SkyPoint[] Positions = MakePositions();

    private static SkyPoint[] MakePositions()
    {
        var random = new Random(2026);
        var points = new List<SkyPoint>();
        for (int i = 0; i < 2000; i++)
            points.Add(new SkyPoint(random.NextDouble() * 360, Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI));
        points.AddRange([new(0, 90), new(123, 90), new(0, -90), new(250, -90), new(0, 10), new(360, -20), new(359.9999999999, 5), new(0, 0)]);
        // Order-3 cell borders: the equator and the polar-cap boundary |z| = 2/3, every 90°/8 in longitude.
        double capEdge = Math.Asin(2.0 / 3) * 180 / Math.PI;
        for (int k = 0; k < 32; k++)
            foreach (double dec in new[] { 0, capEdge, -capEdge }) points.Add(new SkyPoint(k * 11.25, dec));
        return [.. points];
    }

    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    [InlineData(14)]
    public void Points_fall_in_the_cells_STILTS_gives_them(int order)
    {
        string csv = WriteCsv("pos.csv", Positions);
        CompareIndexes(order, csv, Positions);
        var stilts = PixFoot(csv, order, radius: 0);
        var ours = Moc.FromCells(order, Positions.Select(p => Healpix.NestedIndex(order, p.Ra, p.Dec)));
        CompareFootprints(order, Positions, ours, stilts);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(12)]
    public void Disc_sample_points_fall_in_the_cells_STILTS_gives_them(int order)
    {
        var samples = Positions.SelectMany(p => Moc.DiscSamples(order, p.Ra, p.Dec, FibreRadius)).ToArray();
        string csv = WriteCsv("samples.csv", samples);
        CompareIndexes(order, csv, samples);
        var ours = Moc.FromCells(order, Positions.SelectMany(p => Moc.DiscCells(order, p.Ra, p.Dec, FibreRadius)));
        CompareFootprints(order, samples, ours, PixFoot(csv, order, radius: 0));
        output.WriteLine($"order {order}: {samples.Length} sample points of {Positions.Length} discs, {ours.CellCount(order)} cells");
    }

    [Theory]
    [InlineData(10)]
    [InlineData(12)]
    public void STILTS_cones_hold_every_cell_our_discs_touch(int order)
    {
        string csv = WriteCsv("pos.csv", Positions);
        var stilts = At(order, PixFoot(csv, order, radius: FibreRadius));
        var ours = At(order, Moc.FromCells(order, Positions.SelectMany(p => Moc.DiscCells(order, p.Ra, p.Dec, FibreRadius))));
        var missing = ours.Except(stilts).ToList();
        Assert.True(missing.Count == 0, $"cells of our discs that STILTS's cones lack: {string.Join(", ", missing.Take(20))}");
        // cdshealpix's cone is approximate: it may add cells the disc does not touch, never drop one.
        output.WriteLine($"order {order}, {Positions.Length} discs of r = {FibreRadius}°: ours {ours.Count} cells, STILTS {stilts.Count}, STILTS extra {stilts.Count - ours.Count}");
    }

    // ---- helpers ----

    /// <summary>Per point: STILTS's healpixNestIndex against ours.</summary>
    private void CompareIndexes(int order, string csv, SkyPoint[] points)
    {
        var r = Stilts("tpipe", "ifmt=csv", $"in={csv}", $"cmd=addcol h healpixNestIndex({order},ra,dec); keepcols h",
            "omode=out", "ofmt=csv-noheader");
        var theirs = r.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        Assert.Equal(points.Length, theirs.Length);
        int onBorder = 0;
        for (int i = 0; i < points.Length; i++)
        {
            long mine = Healpix.NestedIndex(order, points[i].Ra, points[i].Dec);
            if (mine == theirs[i]) continue;
            var around = Neighbourhood(order, points[i]);
            Assert.True(around.Count > 1 && around.Contains(theirs[i]),
                $"({points[i].Ra:R}, {points[i].Dec:R}) at order {order}: ours {mine}, STILTS {theirs[i]}, cells within {Nudge}°: {string.Join(" ", around)}");
            onBorder++;
        }
        output.WriteLine($"order {order}: {points.Length} points, {onBorder} on a border given another of its cells by STILTS");
    }

    /// <summary>
    /// STILTS's footprint holds the cell of every point off a border, at least one cell of every point on one, and
    /// nothing beyond the cells within <see cref="Nudge"/> of the points.
    /// </summary>
    private void CompareFootprints(int order, SkyPoint[] points, Moc ours, Moc stilts)
    {
        var theirs = At(order, stilts);
        var around = new HashSet<long>();
        int onBorder = 0;
        foreach (var p in points)
        {
            var cells = Neighbourhood(order, p);
            around.UnionWith(cells);
            if (cells.Count == 1) Assert.True(theirs.Contains(cells.First()), $"STILTS lacks cell {cells.First()} of ({p.Ra:R}, {p.Dec:R}) at order {order}");
            else { onBorder++; Assert.True(cells.Overlaps(theirs), $"STILTS has none of the cells {string.Join(" ", cells)} meeting at ({p.Ra:R}, {p.Dec:R})"); }
        }
        Assert.Empty(theirs.Except(around));
        var mine = At(order, ours);
        output.WriteLine($"order {order}: ours {mine.Count} cells, STILTS pixfoot {theirs.Count}, in ours only {mine.Except(theirs).Count()}, " +
            $"in STILTS's only {theirs.Except(mine).Count()}, all from the {onBorder} points on a border");
        if (onBorder == 0) Assert.Equal(mine, theirs);
    }

    private static HashSet<long> Neighbourhood(int order, SkyPoint p)
    {
        var v = p.UnitVector;
        var cells = new HashSet<long> { Healpix.NestedIndex(order, p.Ra, p.Dec) };
        for (int k = 0; k < 8; k++)
        {
            var q = SkyGen.Offset(v, Nudge, k * Math.PI / 4);
            cells.Add(Healpix.NestedIndex(order, q.Lon, q.Lat));
        }
        return cells;
    }

    private static HashSet<long> At(int order, Moc moc) => moc.Union(Moc.Empty(order)).CellsAt(order).ToHashSet();

    private Moc PixFoot(string csv, int order, double radius)
    {
        string json = Path.Combine(_dir.Path, $"foot-{order}-{radius:R}.json");
        Stilts("pixfoot", "ifmt=csv", $"in={csv}", $"order={order}", "ra=ra", "dec=dec",
            $"radius={radius.ToString("R", CultureInfo.InvariantCulture)}", "mocfmt=json", $"out={json}");
        return Moc.ParseJson(File.ReadAllText(json));
    }

    private string WriteCsv(string name, IEnumerable<SkyPoint> points)
    {
        var sb = new StringBuilder("ra,dec\n");
        foreach (var p in points) sb.Append(CultureInfo.InvariantCulture, $"{p.Ra:R},{p.Dec:R}\n");
        string path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static string Stilts(params string[] args)
    {
        var r = ExternalTool.Run("stilts", args, timeout: TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, $"stilts {string.Join(' ', args)} failed:\n{r.All}");
        return r.StdOut;
    }
}
