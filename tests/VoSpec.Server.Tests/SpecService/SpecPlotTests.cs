using VoSpec.Testing;
using System.Diagnostics;
using System.Net;
using System.Text;
using Xunit;
using Xunit.Abstractions;
using static VoSpec.Server.Tests.SpecService.SpecClient;

namespace VoSpec.Server.Tests.SpecService;

[Collection("host")]
public class SpecPlotTests(RunningServer server, ITestOutputHelper output) : IClassFixture<RunningServer>
{
    private async Task<(HttpStatusCode Status, string? Type, byte[] Body)> Get(string pathAndQuery)
    {
        using var r = await server.Client.GetAsync("spec" + pathAndQuery);
        return (r.StatusCode, r.Content.Headers.ContentType?.MediaType, await r.Content.ReadAsByteArrayAsync());
    }

    private async Task<(HttpStatusCode Status, string? Type, byte[] Body)> PostCall(string call, IEnumerable<string> ids, params (string, string)[] fields)
    {
        using var r = await Post(server, call, ids, fields);
        return (r.StatusCode, r.Content.Headers.ContentType?.MediaType, await r.Content.ReadAsByteArrayAsync());
    }

    private static void AssertRefused((HttpStatusCode Status, string? Type, byte[] Body) r, HttpStatusCode status, string expected)
    {
        var text = Encoding.UTF8.GetString(r.Body);
        Assert.True(r.Status == status, $"{(int)r.Status}: {text}");
        Assert.Equal("text/plain", r.Type);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, text, StringComparison.OrdinalIgnoreCase);
    }

    private static int NonWhite(PngImage img, int x0, int y0, int x1, int y1)
    {
        int count = 0;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                if (!img.IsWhite(x, y)) count++;
        return count;
    }

    // ------------------------------------------------------------------ preview

    [Fact]
    public async Task Preview_by_specobjid_and_by_tuple_is_the_same_1000x500_png_with_a_drawn_spectrum()
    {
        var s = Catalogue(server)[3];
        var sw = Stopwatch.StartNew();
        var byId = await Get($"/preview?id={s.Id}&context=default&profile=default");
        output.WriteLine($"first preview {sw.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, byId.Status);
        Assert.Equal("image/png", byId.Type);
        var img = PngImage.Decode(byId.Body);
        Assert.Equal((1000, 500), (img.Width, img.Height));
        Assert.True(NonWhite(img, 150, 60, 950, 400) > 1000);

        sw.Restart();
        var byTuple = await Get($"/preview?id={Q(s.Tuple)}&context=default&profile=default");
        output.WriteLine($"cached preview {sw.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, byTuple.Status);
        Assert.Equal(byId.Body, byTuple.Body);
    }

    [Fact]
    public async Task Preview_shares_the_datalink_cache_render()
    {
        var s = Catalogue(server)[5];
        var spec = await Get($"/preview?id={s.Id}&size=thumbnail");
        Assert.Equal(HttpStatusCode.OK, spec.Status);
        Assert.Equal((320, 200), PngImage.ReadHeader(spec.Body));
        var cached = Directory.GetFiles(Path.Combine(server.ArchiveDir, "previews"), $"*{s.Id}*320x200*.png");
        Assert.Single(cached);
        Assert.Equal(File.ReadAllBytes(cached[0]), spec.Body);
    }

    [Theory]
    [InlineData("/preview?id=123456789", "unknown id")]
    [InlineData("/preview?id=abc", "is not a specobjid")]
    [InlineData("/preview", "preview needs id")]
    [InlineData("/preview?id=(1,2)", "tuple")]
    [InlineData("/preview?id=1&context=nosuch", "context")]
    [InlineData("/preview?id=1&size=5x5", "size")]
    public async Task Preview_refuses_bad_requests_with_400_and_one_line(string query, string expected) =>
        AssertRefused(await Get(query), HttpStatusCode.BadRequest, expected);

    // ------------------------------------------------------------------ plotGrid

    [Fact]
    public async Task PlotGrid_is_ncols_panels_wide_and_ceil_n_over_ncols_high_with_every_panel_drawn()
    {
        var ids = Catalogue(server).Take(7).Select(s => s.Id).ToList();
        var sw = Stopwatch.StartNew();
        var r = await PostCall("plotGrid", ids, ("ncols", "3"));
        output.WriteLine($"plotGrid 7 panels {sw.ElapsedMilliseconds} ms");
        Assert.True(r.Status == HttpStatusCode.OK, Encoding.UTF8.GetString(r.Body));
        Assert.Equal("image/png", r.Type);
        var img = PngImage.Decode(r.Body);
        Assert.Equal((3 * 320, 3 * 200), (img.Width, img.Height));
        for (int i = 0; i < 9; i++)
        {
            int x = i % 3 * 320, y = i / 3 * 200;
            int ink = NonWhite(img, x + 60, y + 30, x + 300, y + 160);
            if (i < 7) Assert.True(ink > 300, $"panel {i}: {ink} non-white pixels");
            else Assert.True(ink == 0, $"empty cell {i}: {ink} non-white pixels");
        }

        // timings: other spectra (panels not cached yet) in a warm process, then the same again (all cached)
        var others = Catalogue(server).Skip(20).Take(12).Select(s => s.Id).ToList();
        sw.Restart();
        var cold = await PostBytes(server, "plotGrid", others, ("ncols", "4"));
        output.WriteLine($"plotGrid 12 uncached panels {sw.ElapsedMilliseconds} ms");
        sw.Restart();
        var warm = await PostBytes(server, "plotGrid", others, ("ncols", "4"));
        output.WriteLine($"plotGrid 12 cached panels {sw.ElapsedMilliseconds} ms");
        Assert.Equal(cold, warm);
        Assert.Equal((1280, 600), PngImage.ReadHeader(warm));
    }

    [Fact]
    public async Task PlotGrid_panels_equal_the_preview_thumbnails()
    {
        var ids = Catalogue(server).Skip(10).Take(2).ToList();
        var grid = PngImage.Decode(await PostBytes(server, "plotGrid", ids.Select(s => s.Tuple), ("ncols", "2")));
        Assert.Equal((640, 200), (grid.Width, grid.Height));
        var second = PngImage.Decode((await Get($"/preview?id={ids[1].Id}&size=thumbnail")).Body);
        for (int y = 0; y < 200; y += 7)
            for (int x = 1; x < 320; x += 5)
                Assert.Equal(second[x, y], grid[320 + x, y]);
    }

    [Fact]
    public async Task PlotGrid_refuses_bad_requests()
    {
        var ids = Catalogue(server).Select(s => s.Id).ToList();
        AssertRefused(await PostCall("plotGrid", ids.Take(2), ("ncols", "0")), HttpStatusCode.BadRequest, "ncols");
        AssertRefused(await PostCall("plotGrid", ids.Take(2), ("ncols", "x")), HttpStatusCode.BadRequest, "ncols");
        AssertRefused(await PostCall("plotGrid", ids.Take(2), ("ncols", "100")), HttpStatusCode.BadRequest, "ncols");
        AssertRefused(await PostCall("plotGrid", [ids[0], "777"], ("ncols", "2")), HttpStatusCode.BadRequest, "unknown id");
        AssertRefused(await PostCall("plotGrid", [], ("ncols", "2")), HttpStatusCode.BadRequest, "id_list is empty");
        // 1 column holds 20 rows: 21 ids are too many
        var many = Enumerable.Range(0, 21).Select(i => ids[i % ids.Count]);
        AssertRefused(await PostCall("plotGrid", many, ("ncols", "1")), HttpStatusCode.RequestEntityTooLarge, "too many ids");
    }

    // ------------------------------------------------------------------ stackedImage

    [Fact]
    public async Task StackedImage_has_one_band_per_spectrum_first_at_the_bottom_and_the_requested_size()
    {
        var cat = Catalogue(server);
        var ids = cat.Take(5).Select(s => s.Id).ToList();
        var sw = Stopwatch.StartNew();
        var r = await PostCall("stackedImage", ids, ("xscale", "1.0"), ("yscale", "1.0"), ("thickness", "10"), ("cmap", "gray"),
            ("inverse", "False"), ("width", "600"), ("height", "0"));
        output.WriteLine($"stackedImage 5 spectra {sw.ElapsedMilliseconds} ms");
        Assert.True(r.Status == HttpStatusCode.OK, Encoding.UTF8.GetString(r.Body));
        Assert.Equal("image/png", r.Type);
        var img = PngImage.Decode(r.Body);
        Assert.Equal((600, 50), (img.Width, img.Height));
        // each 10-pixel band is uniform vertically, bands differ from each other, and the image is not blank
        var bands = new List<string>();
        for (int b = 0; b < 5; b++)
        {
            int y = 49 - b * 10;   // band b (id b) from the bottom
            var row = Enumerable.Range(0, 600).Select(x => img[x, y]).ToList();
            Assert.Equal(row, Enumerable.Range(0, 600).Select(x => img[x, y - 9]).ToList());
            Assert.True(row.Distinct().Count() > 20, $"band {b} has {row.Distinct().Count()} colours");
            Assert.All(row, c => Assert.True(c.R == c.G && c.G == c.B, "gray"));
            bands.Add(string.Join(",", row));
        }
        Assert.Equal(5, bands.Distinct().Count());

        // the same list reversed: the bands swap places
        var reversed = PngImage.Decode(await PostBytes(server, "stackedImage", Enumerable.Reverse(ids), ("thickness", "10"), ("width", "600")));
        for (int x = 0; x < 600; x++) Assert.Equal(img[x, 49], reversed[x, 9]);

        // inverse=True reverses the gray levels
        var inverse = PngImage.Decode(await PostBytes(server, "stackedImage", ids, ("thickness", "10"), ("width", "600"), ("inverse", "True")));
        int flipped = 0;
        for (int x = 0; x < 600; x++) if (Math.Abs(img[x, 25].R + inverse[x, 25].R - 255) <= 1) flipped++;
        Assert.True(flipped > 500, $"{flipped} of 600 inverted");
    }

    [Fact]
    public async Task StackedImage_answers_data_labs_client_as_it_asks_at_the_grids_natural_width()
    {
        // The client sends the ids as one Python list literal, xscale=1.0 and width=height=0 ("unset"); the two
        // spectra reaching furthest blue and red span an aligned grid wider than 4,000 pixels.
        var catalogue = Catalogue(server);
        var ids = new[] { catalogue.MinBy(s => s.WaveMin)!.Id, catalogue.MaxBy(s => s.WaveMax)!.Id };
        var form = new Dictionary<string, string>
        {
            ["id_list"] = "[" + string.Join(", ", ids) + "]", ["context"] = "default", ["xscale"] = "1.0", ["yscale"] = "1.0",
            ["thickness"] = "1", ["cmap"] = "gray", ["inverse"] = "False", ["width"] = "0", ["height"] = "0",
            ["profile"] = "default", ["debug"] = "False", ["verbose"] = "False",
        };
        using var r = await server.Client.PostAsync("spec/stackedImage", new FormUrlEncodedContent(form));
        Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
        var img = PngImage.Decode(await r.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, img.Height);
        Assert.True(img.Width > 4000, $"natural width {img.Width}");
    }

    [Fact]
    public async Task StackedImage_natural_size_scales_and_colour_maps()
    {
        var four = Catalogue(server).Take(4).ToList();
        var ids = four.Select(s => s.Id).ToList();
        var natural = PngImage.Decode(await PostBytes(server, "stackedImage", ids, ("thickness", "3")));
        Assert.Equal(12, natural.Height);
        // One pixel per step of the aligned grid (SDSS's 1e-4 in log10 λ) over the four spectra's union.
        int union = (int)Math.Round(Math.Log10(four.Max(s => s.WaveMax) / four.Min(s => s.WaveMin)) / 1e-4) + 1;
        Assert.InRange(natural.Width, union - 2, union + 2);
        var scaled = PngImage.Decode(await PostBytes(server, "stackedImage", ids, ("thickness", "3"), ("xscale", "0.25"), ("yscale", "2")));
        Assert.Equal(24, scaled.Height);
        Assert.InRange(scaled.Width, natural.Width / 4 - 1, natural.Width / 4 + 1);
        var viridis = PngImage.Decode(await PostBytes(server, "stackedImage", ids, ("cmap", "viridis"), ("width", "300"), ("height", "40")));
        Assert.Equal((300, 40), (viridis.Width, viridis.Height));
        Assert.Contains(Enumerable.Range(0, 300).Select(x => viridis[x, 5]), c => c.R != c.G || c.G != c.B);
    }

    [Fact]
    public async Task StackedImage_as_npy_is_the_png_raster_as_values_numpy_loads_and_zlib_checks()
    {
        var ids = Catalogue(server).Take(6).Select(s => s.Id).ToList();
        using var dir = TestPaths.NewTempDir("vospec-stacked");
        // Large enough that the PNG is deflated in several strips (ParallelZlib) on a machine with 2 cores or more.
        (string, string)[] size = [("thickness", "3"), ("width", "4000"), ("height", "600")];
        var npyResponse = await PostCall("stackedImage", ids, [("format", "numpy"), .. size]);
        Assert.True(npyResponse.Status == HttpStatusCode.OK, Encoding.UTF8.GetString(npyResponse.Body));
        Assert.Equal("application/x-npy", npyResponse.Type);
        var npy = Path.Combine(dir.Path, "stacked.npy");
        await File.WriteAllBytesAsync(npy, npyResponse.Body);
        var pngBytes = await PostBytes(server, "stackedImage", ids, size);
        var png = Path.Combine(dir.Path, "stacked.png");
        await File.WriteAllBytesAsync(png, pngBytes);
        var inverse = Path.Combine(dir.Path, "inverse.npy");
        await File.WriteAllBytesAsync(inverse, await PostBytes(server, "stackedImage", ids, [("format", "npy"), ("inverse", "True"), .. size]));

        // numpy reads the values; Python's zlib (which checks the Adler-32) and CRC-32 read the PNG on their own.
        var r = ExternalTool.RunPython("""
            import io, struct, sys, zlib, numpy as np
            v = np.load(io.BytesIO(open(sys.argv[1], 'rb').read()), allow_pickle=False)
            assert v.dtype == np.dtype('<f4') and v.shape == (600, 4000), (v.dtype, v.shape)
            ok = ~np.isnan(v)
            assert ok.mean() > 0.5 and (v[ok] >= 0).all() and (v[ok] <= 1).all()
            inv = np.load(sys.argv[3], allow_pickle=False)
            assert np.array_equal(np.isnan(inv), ~ok) and np.allclose(inv[ok], 1 - v[ok], atol=1e-6)
            # six spectra of 100 rows each, the first at the bottom: rows inside a band are equal, bands differ
            assert all(np.array_equal(v[0], v[k], equal_nan=True) for k in range(100))
            assert not np.array_equal(v[0], v[599], equal_nan=True)

            data = open(sys.argv[2], 'rb').read()
            assert data[:8] == b'\x89PNG\r\n\x1a\n'
            pos, chunks = 8, []
            while pos < len(data):
                n, kind = struct.unpack('>I4s', data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + n]
                assert struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body), kind
                chunks.append((kind, body))
                pos += 12 + n
            kinds = [k for k, _ in chunks]
            assert kinds[0] == b'IHDR' and kinds[-1] == b'IEND' and kinds.index(b'PLTE') < kinds.index(b'IDAT')
            w, h, depth, colour = struct.unpack('>IIBB', chunks[0][1][:10])
            assert (w, h, depth, colour) == (4000, 600, 8, 3), (w, h, depth, colour)
            palette = np.frombuffer(dict(chunks)[b'PLTE'], np.uint8).reshape(-1, 3)
            raw = zlib.decompress(b''.join(b for k, b in chunks if k == b'IDAT'))
            lines = np.frombuffer(raw, np.uint8).reshape(h, w + 1)
            assert (lines[:, 0] == 0).all()   # unfiltered rows
            index = lines[:, 1:]
            expected = np.where(ok, np.floor(np.nan_to_num(v) * 255 + 0.5), 0)
            assert np.abs(index.astype(int) - expected).max() <= 1
            assert (palette[:, 0] == palette[:, 1]).all() and palette[0].sum() == 0 and palette[255].min() == 255   # gray
            print('ok', len(kinds))
            """, npy, png, inverse);
        Assert.True(r.ExitCode == 0, r.All);
        output.WriteLine(r.All);

        // the same image through the tests' own PNG decoder
        var img = PngImage.Decode(pngBytes);
        Assert.Equal((4000, 600), (img.Width, img.Height));
    }

    [Fact]
    public async Task StackedImage_refuses_an_unknown_format()
    {
        var ids = Catalogue(server).Take(2).Select(s => s.Id).ToList();
        AssertRefused(await PostCall("stackedImage", ids, ("format", "gif")), HttpStatusCode.BadRequest, "format");
    }

    [Fact]
    public async Task StackedImage_refuses_bad_requests()
    {
        var ids = Catalogue(server).Take(3).Select(s => s.Id).ToList();
        AssertRefused(await PostCall("stackedImage", ids, ("cmap", "rainbowz")), HttpStatusCode.BadRequest, "cmap");
        AssertRefused(await PostCall("stackedImage", ids, ("inverse", "maybe")), HttpStatusCode.BadRequest, "inverse");
        AssertRefused(await PostCall("stackedImage", ids, ("thickness", "0")), HttpStatusCode.BadRequest, "thickness");
        AssertRefused(await PostCall("stackedImage", ids, ("xscale", "-1")), HttpStatusCode.BadRequest, "xscale");
        AssertRefused(await PostCall("stackedImage", ids, ("width", "99999")), HttpStatusCode.BadRequest, "width");
        AssertRefused(await PostCall("stackedImage", ids, ("thickness", "2000")), HttpStatusCode.BadRequest, "height");
        AssertRefused(await PostCall("stackedImage", [ids[0], "(1, 2, 3)"]), HttpStatusCode.BadRequest, "unknown id");
        var many = Enumerable.Range(0, 4001).Select(i => ids[i % ids.Count]);
        AssertRefused(await PostCall("stackedImage", many), HttpStatusCode.RequestEntityTooLarge, "too many ids");
    }
}
