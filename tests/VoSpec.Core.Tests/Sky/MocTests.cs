using System.Text.Json;
using FsCheck.Fluent;
using VoSpec.Core.Sky;
using Xunit;
using static VoSpec.Core.Tests.Sky.SkyGen;

namespace VoSpec.Core.Tests.Sky;

/// <summary>
/// Moc on its own: normalisation, union, the MOC 2.0 ASCII and JSON strings of small examples, NUNIQ values, sky
/// fractions, disc cells, refused input, and a property tying the multi-order cells back to the cells given.
/// The comparisons with STILTS are in <see cref="MocStiltsTests"/>.
/// </summary>
public class MocTests
{
    [Fact]
    public void A_small_disc_inside_one_cell_gives_what_its_samples_give()
    {
        // The shortcut for fibres well inside one cell never changes the answer of the sampled circle.
        var random = new Random(5);
        int single = 0;
        foreach (int order in new[] { 6, 10, 12 })
            for (int i = 0; i < 3000; i++)
            {
                double ra = random.NextDouble() * 360, dec = Math.Asin(random.NextDouble() * 2 - 1) * 180 / Math.PI;
                double radius = 0.000416667 * (0.2 + random.NextDouble() * 2);
                var sampled = Moc.DiscSamples(order, ra, dec, radius).Select(p => Healpix.NestedIndex(order, p.Ra, p.Dec)).Distinct().Order();
                var cells = Moc.DiscCells(order, ra, dec, radius).Order().ToList();
                Assert.Equal(sampled, cells);
                if (cells.Count == 1) single++;
            }
        Assert.True(single > 8000, $"{single} of 9000 discs in one cell");
    }

    [Fact]
    public void Four_sibling_cells_become_their_parent()
    {
        var moc = Moc.FromCells(3, [4, 5, 6, 7, 9]);
        Assert.Equal(new[] { (2, 1L), (3, 9L) }, moc.Cells());
        Assert.Equal("2/1 3/9", moc.ToAscii());
        Assert.Equal(3, moc.MaxOrder);
    }

    [Fact]
    public void Duplicates_and_order_of_the_cells_given_do_not_matter()
    {
        var a = Moc.FromCells(5, [122, 7, 7, 8, 122, 6]);
        var b = Moc.FromCells(5, [6, 7, 8, 122]);
        Assert.Equal(b, a);
        Assert.True(a == b);
        Assert.Equal(b.GetHashCode(), a.GetHashCode());
        Assert.Equal("5/6-8 122", a.ToAscii());
    }

    [Fact]
    public void All_twelve_base_cells_are_the_whole_sky()
    {
        var sky = Moc.FromCells(0, Enumerable.Range(0, 12).Select(i => (long)i));
        Assert.Equal(1.0, sky.SkyFraction);
        Assert.Equal("0/0-11", sky.ToAscii());
        Assert.Equal(12L << 20, Moc.FromCells(10, Enumerable.Range(0, 12 << 20).Select(i => (long)i)).CellCount(10));
        Assert.Equal(1.0, Moc.FromCells(10, Enumerable.Range(0, 12 << 20).Select(i => (long)i)).SkyFraction);
        Assert.Equal(1.0 / (12 * 4 * 4), Moc.FromCells(2, [17]).SkyFraction);
        Assert.Equal(0.0, Moc.Empty(7).SkyFraction);
    }

    [Fact]
    public void Union_merges_coverage_and_takes_the_deeper_max_order()
    {
        var a = Moc.FromCells(3, [1, 2, 3, 4]);
        var b = Moc.FromCells(5, [122, 0, 1, 2, 3]);
        var u = a.Union(b);
        Assert.Equal(5, u.MaxOrder);
        // Order-5 cells 0-3 are order-4 cell 0; order-3 cell 0 then swallows it (it is order-5 cells 0-15).
        Assert.Equal("3/1-4 4/0 5/122", u.ToAscii());
        Assert.Equal(u, b.Union(a));
        Assert.Equal("2/0 3/4 5/122", u.Union(Moc.FromCells(3, [0])).ToAscii());
        Assert.Equal(u, u.Union(Moc.Empty(2)));
        Assert.Equal(u, u.Union(u));
    }

    [Fact]
    public void Ascii_strings_of_small_examples()
    {
        Assert.Equal("3/1-4 6 5/122 10/", Moc.FromCells(3, [1, 2, 3, 4, 6]).Union(Moc.FromCells(5, [122])).Union(Moc.Empty(10)).ToAscii());
        Assert.Equal("10/", Moc.Empty(10).ToAscii());
        Assert.Equal("0/0 1/4", Moc.FromCells(1, [0, 1, 2, 3, 4]).ToAscii());
        Assert.Equal("29/3458764513820540927", Moc.FromCells(29, [(12L << 58) - 1]).ToAscii());
    }

    [Theory]
    [InlineData("3/1-4 6 5/122 10/")]
    [InlineData("10/")]
    [InlineData("0/0-11")]
    [InlineData("1/1 3 2/0 9-11 29/")]
    [InlineData("2/1-2 4 8 5/")]
    public void Ascii_round_trips(string text) => Assert.Equal(text, Moc.ParseAscii(text).ToAscii());

    [Fact]
    public void Ascii_parsing_normalises_and_accepts_moc_1_commas()
    {
        Assert.Equal("2/0 3/", Moc.ParseAscii("3/0 1 2-3").ToAscii());
        Assert.Equal("1/1 3 2/8", Moc.ParseAscii("1/1,3 2/8").ToAscii());
        Assert.Equal("1/1 3 2/", Moc.ParseAscii("1/1,3 2/4").ToAscii());
        Assert.Equal(Moc.FromCells(3, [1, 2, 3, 4, 7]), Moc.ParseAscii("  3/1-4\n7  "));
        Assert.Equal("0/0-11", Moc.ParseAscii("0/0-5 6-11").ToAscii());
    }

    [Fact]
    public void Json_lists_each_order_and_the_empty_max_order()
    {
        var moc = Moc.ParseAscii("3/1-4 6 5/122 10/");
        Assert.Equal("""{"3":[1,2,3,4,6],"5":[122],"10":[]}""", moc.ToJson());
        Assert.Equal("""{"10":[]}""", Moc.Empty(10).ToJson());
        Assert.Equal("""{"2":[0],"3":[4]}""", Moc.FromCells(3, [0, 1, 2, 3, 4]).ToJson());
        using var doc = JsonDocument.Parse(moc.ToJson());
        Assert.Equal(new[] { "3", "5", "10" }, doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(moc, Moc.ParseJson(moc.ToJson()));
        Assert.Equal(Moc.Empty(10), Moc.ParseJson("""{"10":[]}"""));
    }

    [Fact]
    public void Uniq_values_are_four_times_four_to_the_order_plus_the_cell_ascending()
    {
        var moc = Moc.ParseAscii("3/1-4 6 5/122 10/");
        Assert.Equal(new long[] { 4 * 64 + 1, 4 * 64 + 2, 4 * 64 + 3, 4 * 64 + 4, 4 * 64 + 6, 4 * 1024 + 122 }, moc.Uniq());
        Assert.Equal(new[] { 4L, 15L }, Moc.FromCells(0, [0, 11]).Uniq());
        Assert.Equal(moc, Moc.FromUniq(10, moc.Uniq().Reverse()));
        Assert.Equal((4L << 58) + (12L << 58) - 1, Moc.FromCells(29, [(12L << 58) - 1]).Uniq().Single());
    }

    [Fact]
    public void Contains_asks_whether_a_whole_cell_is_covered()
    {
        var moc = Moc.ParseAscii("3/1-4 6 5/122 10/");
        Assert.True(moc.Contains(3, 6));
        Assert.True(moc.Contains(4, 4 * 6 + 3));
        Assert.True(moc.Contains(5, 122));
        Assert.False(moc.Contains(3, 5));
        Assert.False(moc.Contains(2, 1)); // order-3 cells 4-7: 5 and 7 missing
        Assert.False(moc.Contains(4, 122 / 4));
        Assert.False(Moc.Empty(0).Contains(0, 0));
    }

    [Fact]
    public void Disc_of_radius_zero_is_the_cell_of_its_centre()
    {
        var random = new Random(11);
        for (int i = 0; i < 500; i++)
        {
            int order = random.Next(0, 30);
            double ra = random.NextDouble() * 360, dec = Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI;
            Assert.Equal(new[] { Healpix.NestedIndex(order, ra, dec) }, Moc.DiscCells(order, ra, dec, 0));
        }
        Assert.Equal(new[] { Healpix.NestedIndex(8, 0, 90) }, Moc.DiscCells(8, 0, 90, 0));
    }

    [Fact]
    public void A_disc_holds_its_centre_cell_and_only_cells_of_points_within_it()
    {
        var random = new Random(12);
        for (int i = 0; i < 200; i++)
        {
            int order = random.Next(4, 14);
            double ra = random.NextDouble() * 360, dec = Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI;
            double radius = random.NextDouble() * 0.5;
            var cells = Moc.DiscCells(order, ra, dec, radius).ToHashSet();
            Assert.Contains(Healpix.NestedIndex(order, ra, dec), cells);
            var centre = new SkyPoint(ra, dec);
            Assert.All(Moc.DiscSamples(order, ra, dec, radius), p => Assert.True(centre.DistanceTo(p) <= radius * (1 + 1e-9) + 1e-12));
        }
    }

    [Fact]
    public void A_disc_larger_than_its_cells_covers_every_cell_whose_centre_it_holds()
    {
        // Order 6 cells are ~0.92° across; a 5° disc holds dozens whole, which only the interior rings reach.
        const int order = 6;
        var cells = Moc.DiscCells(order, 30, 40, 5).ToHashSet();
        var centre = new SkyPoint(30, 40);
        for (long pix = 0; pix < 12L << (2 * order); pix++)
        {
            var (lon, lat) = HealpixTests.Centre(order, pix);
            if (centre.DistanceTo(new SkyPoint(lon, lat)) < 4.5) Assert.Contains(pix, cells);
        }
        Assert.True(cells.Count > 80, $"{cells.Count} cells");
    }

    [Fact]
    public void Bad_orders_cells_positions_and_texts_are_refused()
    {
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.Empty(30));
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.Empty(-1));
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.FromCells(3, [768]));
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.FromCells(3, [-1]));
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.FromUniq(10, [3]));
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.FromUniq(3, [4 * 1024]));
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.DiscCells(30, 0, 0, 0).ToList());
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.DiscCells(10, 0, 91, 0).ToList());
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.DiscCells(10, double.NaN, 0, 0).ToList());
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.DiscCells(10, 0, 0, -1).ToList());
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.DiscCells(29, 0, 0, 90).ToList());
        Assert.Throws<InvalidSkyGeometryException>(() => Moc.FromCells(3, [1]).CellsAt(2).ToList());
        foreach (string text in new[] { "", "7", "3/x", "3/5-2", "3/768", "30/", "-1/", "3/1/2", "3/1--2" })
            Assert.Throws<InvalidSkyGeometryException>(() => Moc.ParseAscii(text));
        foreach (string json in new[] { "", "[]", "{}", """{"3":[768]}""", """{"x":[1]}""", """{"3":["a"]}""", """{"3":1}""" })
            Assert.Throws<InvalidSkyGeometryException>(() => Moc.ParseJson(json));
    }

    [Fact]
    public void Cells_expanded_to_the_max_order_are_the_cells_given() =>
        Check(from order in Gen.Choose(0, 12) from seed in Gen.Choose(0, int.MaxValue) select (order, seed), t =>
        {
            var (order, seed) = t;
            var random = new Random(seed);
            long all = 12L << (2 * order);
            // Runs of neighbours as well as scattered cells, so that siblings often complete their parents.
            var given = new HashSet<long>();
            for (int run = random.Next(0, 20); run > 0; run--)
            {
                long start = random.NextInt64(all), length = random.NextInt64(1, 70);
                for (long c = start; c < Math.Min(all, start + length); c++) given.Add(c);
            }
            var moc = Moc.FromCells(order, given.Concat(given.Take(5)));
            var expanded = moc.Cells().SelectMany(c => Enumerable.Range(0, 1 << (2 * (order - c.Order))).Select(k => (c.Cell << (2 * (order - c.Order))) + k)).ToList();
            Assert.Equal(given.Order(), expanded.Order());
            Assert.Equal(expanded.Count, expanded.Distinct().Count());
            Assert.Equal(given.Order(), moc.CellsAt(order));
            Assert.Equal(given.Count, moc.CellCount(order));
            Assert.Equal(moc, Moc.ParseAscii(moc.ToAscii()));
            Assert.Equal(moc, Moc.ParseJson(moc.ToJson()));
            Assert.Equal(moc, Moc.FromUniq(order, moc.Uniq()));
            // Normalised: no four siblings at one order, and no cell deeper than it needs to be.
            var cells = moc.Cells().ToHashSet();
            Assert.DoesNotContain(cells, c => c.Order > 0 && c.Cell % 4 == 0 && Enumerable.Range(1, 3).All(k => cells.Contains((c.Order, c.Cell + k))));
        }, maxTest: 300);

    [Fact]
    public void A_million_cells_build_and_merge_quickly()
    {
        var random = new Random(3);
        var a = Moc.FromCells(14, Enumerable.Range(0, 1_000_000).Select(_ => random.NextInt64(12L << 28)));
        var b = Moc.FromCells(14, Enumerable.Range(0, 1_000_000).Select(_ => random.NextInt64(12L << 28)));
        var u = a.Union(b);
        Assert.True(u.CellCount(14) > a.CellCount(14));
        Assert.Equal(u, Moc.FromUniq(14, u.Uniq()));
    }
}
