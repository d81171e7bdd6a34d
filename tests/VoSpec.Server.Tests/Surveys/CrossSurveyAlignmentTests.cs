using System.Globalization;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.SpecService.SpecClient;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// getSpec align=True over an SDSS, a DESI and a LAMOST spectrum, by HTTP: one array on one log-linear grid whose rows
/// match each spectrum resampled independently — by numpy (a flux-conserving rebinning of the spectrum's own pixels as
/// DataLink serves them) on the default grid and on a named linear grid (dlambda), and bit for bit the one-id answers
/// on a grid the caller names; a DESI spectrum on its own 0.8 Å lattice comes back bit for bit; plotGrid draws on named
/// grids; bad named grids are 400s for every call that takes them.
/// </summary>
public sealed class CrossSurveyAlignmentTests(RealSurveysServer server) : IClassFixture<RealSurveysServer>
{
    // Each spectrum's own pixels (wavelength as doubles) rebinned onto the aligned grid: the integral of the step
    // function between pixel edges (midpoints; half a pixel beyond the ends), zero where less than half covered.
    private const string Script = """
        import sys, numpy as np, urllib.request, urllib.parse, io
        base, aligned_path = sys.argv[1], sys.argv[2]
        dids = sys.argv[3:]
        a = np.load(aligned_path, allow_pickle=False)
        assert a.ndim == 2 or len(a.shape) == 1 and len(a) == len(dids), a.shape
        wave = 10 ** a['loglam'][0].astype(float)
        assert np.all(np.diff(a['loglam'][0]) > 0)

        def edges(w):
            e = np.empty(len(w) + 1)
            e[1:-1] = (w[1:] + w[:-1]) / 2
            e[0] = w[0] - (w[1] - w[0]) / 2
            e[-1] = w[-1] + (w[-1] - w[-2]) / 2
            return e

        de = edges(wave)
        checked = []
        for row, did in zip(a, dids):
            with urllib.request.urlopen(base + 'datalink/dataset?' + urllib.parse.urlencode({'ID': did, 'RESPONSEFORMAT': 'npy'})) as r:
                own = np.load(io.BytesIO(r.read()), allow_pickle=False)
            se = edges(own['wavelength'])
            cum = np.concatenate([[0.0], np.cumsum(own['flux'].astype(float) * np.diff(se))])
            lo, hi = np.maximum(de[:-1], se[0]), np.minimum(de[1:], se[-1])
            covered = np.clip(hi - lo, 0, None)
            half = covered * 2 >= np.diff(de)
            mean = np.where(covered > 0, (np.interp(np.maximum(hi, lo), se, cum) - np.interp(lo, se, cum)) / np.where(covered > 0, covered, 1), 0)
            inside = (de[:-1] >= se[0]) & (de[1:] <= se[-1])
            got = row['flux'].astype(float)
            scale = np.abs(own['flux']).max()
            bad = inside & (np.abs(got - mean) > 1e-4 * scale + 1e-4 * np.abs(mean))
            assert not bad.any(), f'{did}: {bad.sum()} pixels differ, first at {wave[bad][:3]}: {got[bad][:3]} vs {mean[bad][:3]}'
            assert np.all(got[~half] == 0), f'{did}: pixels outside the spectrum are not zero: {np.flatnonzero((~half) & (got != 0))[:5]} {wave[(~half) & (got != 0)][:5]} {got[(~half) & (got != 0)][:5]} own {own["wavelength"][[0, -1]]} covered {covered[(~half) & (got != 0)][:5]} widths {np.diff(de)[(~half) & (got != 0)][:5]}'
            assert np.all(row['ivar'][inside] >= 0) and np.any(row['ivar'][inside] > 0)
            checked.append(int(inside.sum()))
        print(len(wave), ' '.join(map(str, checked)))
        """;

    private (string Id, string Did)[] Mixed()
    {
        // A DESI coadd with data (tile 169's first target has no good exposure: its flux is all zero).
        var spectra = server.Spectrum();
        return new[] { ("sdss", ""), ("desi", "sv3-dark-26065-39627866878511337"), ("lamost", "101001") }
            .Select(c => spectra.First(s => s.Collection == c.Item1 && s.ObsId.StartsWith(c.Item2, StringComparison.Ordinal)))
            .Select(s => (s.SpecObjId.ToString(CultureInfo.InvariantCulture), s.Did)).ToArray();
    }

    [Fact]
    public async Task Aligned_rows_of_three_surveys_match_each_spectrum_rebinned_independently()
    {
        var mixed = Mixed();
        using var dir = TestPaths.NewTempDir("align");
        var path = Path.Combine(dir.Path, "aligned.npy");
        File.WriteAllBytes(path, await PostBytes(server, "getSpec", mixed.Select(m => m.Id), ("values", "flux,ivar,and_mask"), ("format", "numpy"), ("align", "True")));
        var r = ExternalTool.RunPython(Script, [server.BaseUri.ToString(), path, .. mixed.Select(m => m.Did)]);
        Assert.True(r.ExitCode == 0, r.All);
        var counts = r.StdOut.Trim().Split(' ').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        // One grid over 3600-9824 Å (DESI's span) at the finest step, DESI's (its 7781 pixels of 0.8 Å, as a mean log
        // step): finer than SDSS's and LAMOST's 1e-4 in log10, which would give 4360; each spectrum fills thousands of pixels.
        Assert.Equal(7781, counts[0]);
        Assert.All(counts.Skip(1), c => Assert.True(c > 3000, r.StdOut));
    }

    /// <summary>
    /// On a linear grid the caller names (w0, w1, dlambda in Å) each row is its spectrum rebinned independently
    /// (flux-conserving: the same integral between pixel edges as numpy's rebinning of the spectrum's own pixels).
    /// </summary>
    [Fact]
    public async Task On_a_named_linear_grid_rows_match_each_spectrum_rebinned_independently()
    {
        var mixed = Mixed();
        using var dir = TestPaths.NewTempDir("align");
        var path = Path.Combine(dir.Path, "linear.npy");
        File.WriteAllBytes(path, await PostBytes(server, "getSpec", mixed.Select(m => m.Id),
            ("w0", "4000"), ("w1", "8000"), ("dlambda", "1.3"), ("values", "flux,ivar,and_mask"), ("format", "numpy"), ("align", "True")));
        var r = ExternalTool.RunPython(Script + """

            assert np.allclose(np.diff(wave), 1.3, rtol=1e-9) and abs(wave[0] - 4000) < 1e-9, (wave[:3], wave[-1])
            """, [server.BaseUri.ToString(), path, .. mixed.Select(m => m.Did)]);
        Assert.True(r.ExitCode == 0, r.All);
        var counts = r.StdOut.Trim().Split('\n')[0].Split(' ').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3077, counts[0]);   // 4000 + 3076 · 1.3 = 7998.8 ≤ 8000
        Assert.All(counts.Skip(1), c => Assert.True(c > 3000, r.StdOut));
    }

    /// <summary>
    /// A DESI spectrum (merged arms, 3600 + 0.8·i Å as stored) on the linear grid w0=3600, dlambda=0.8 over its span is
    /// its own pixels: flux, ivar and both masks bit for bit, loglam (float32) to an ulp; half a pixel off, each pixel is the mean of the two it halves.
    /// </summary>
    [Fact]
    public async Task A_desi_spectrum_on_its_own_linear_grid_comes_back_bit_for_bit()
    {
        var desi = Mixed()[1].Id;
        using var dir = TestPaths.NewTempDir("align");
        string Save(string name, byte[] body) { var p = Path.Combine(dir.Path, name); File.WriteAllBytes(p, body); return p; }
        (string, string)[] common = [("values", "all"), ("format", "numpy")];
        var own = Save("own.npy", await PostBytes(server, "getSpec", [desi], [.. common, ("align", "False")]));
        var same = Save("same.npy", await PostBytes(server, "getSpec", [desi], [.. common, ("align", "True"), ("w0", "3600"), ("w1", "9824.4"), ("dlambda", "0.8")]));
        var shifted = Save("shifted.npy", await PostBytes(server, "getSpec", [desi], [.. common, ("align", "True"), ("w0", "3600.4"), ("w1", "9824.4"), ("dlambda", "0.8")]));
        var r = ExternalTool.RunPython("""
            import sys, numpy as np
            own, same, shifted = (np.load(p, allow_pickle=False) for p in sys.argv[1:4])
            assert own.ndim == 1 and same.shape == (1, len(own)), (own.shape, same.shape)
            assert abs(10 ** own['loglam'][0].astype(float) - 3600) < 1e-2 and len(own) == 7781, (10 ** own['loglam'][0], len(own))
            for v in ('flux', 'ivar', 'and_mask', 'or_mask'):
                assert own[v].tobytes() == same[0][v].tobytes(), f'{v} differs on its own grid'
            assert np.count_nonzero(own['flux']) > 5000 and np.count_nonzero(own['ivar']) > 5000
            # loglam is float32, as in an SDSS COADD: the same to its last bit or one ulp (the grid's doubles differ by ~1e-13)
            assert np.max(np.abs(own['loglam'].astype(float) - same[0]['loglam'].astype(float))) <= 2.5e-7
            # The check can fail: half a pixel off the lattice (3600.4 + 0.8·j, up to 9824.4: as many pixels) every pixel
            # is resampled, the mean of the two it halves (flux-conserving), no longer the original.
            assert shifted.shape == (1, len(own)), shifted.shape
            f, g = own['flux'].astype(float), shifted[0]['flux'][:-1].astype(float)
            assert f.tobytes() != shifted[0]['flux'].astype(float).tobytes()
            mean = (f[:-1] + f[1:]) / 2
            assert np.allclose(g, mean, rtol=1e-5, atol=1e-6 * np.abs(f).max()), np.abs(g - mean).max()
            print('ok')
            """, [own, same, shifted]);
        Assert.True(r.ExitCode == 0, r.All);
    }

    /// <summary>plotGrid on a named grid (log-linear or linear): one panel per spectrum drawn on that grid, not the cached preview.</summary>
    [Theory]
    [InlineData("dlambda", "1.0")]
    [InlineData("dloglam", "1e-4")]
    [InlineData("resolving_power", "2000")]
    public async Task PlotGrid_on_a_named_grid_draws_every_spectrum_on_it(string key, string value)
    {
        var ids = Mixed().Select(m => m.Id).ToArray();
        var plain = await PostBytes(server, "plotGrid", ids, ("ncols", "3"));
        // 4600-5000 Å: every one of the three has unmasked pixels there (the SDSS one has and_mask bits on all pixels above 6200 Å).
        var named = PngImage.Decode(await PostBytes(server, "plotGrid", ids, ("ncols", "3"), ("w0", "4600"), ("w1", "5000"), (key, value)));
        // A grid beyond every spectrum draws empty panels (axes only), not a fault: the baseline of ink for each panel.
        var beyond = PngImage.Decode(await PostBytes(server, "plotGrid", ids, ("ncols", "3"), ("w0", "20000"), ("w1", "21000"), (key, value)));
        Assert.Equal((960, 200), (named.Width, named.Height));
        Assert.Equal((960, 200), (beyond.Width, beyond.Height));
        static int Ink(PngImage img, int panel)
        {
            int ink = 0;
            for (int y = 30; y < 160; y++)
                for (int x = panel * 320 + 60; x < panel * 320 + 300; x++)
                    if (!img.IsWhite(x, y)) ink++;
            return ink;
        }
        for (int i = 0; i < 3; i++)
            Assert.True(Ink(named, i) > Ink(beyond, i) + 100, $"panel {i}: {Ink(named, i)} non-white pixels, {Ink(beyond, i)} without data");
        Assert.NotEqual(plain, await PostBytes(server, "plotGrid", ids, ("ncols", "3"), ("w0", "4600"), ("w1", "5000"), (key, value)));   // not the whole-range previews
    }

    /// <summary>
    /// Bad named grids — a zero, negative, NaN or infinite step, w1 ≤ w0, too many pixels, two steps, no span — are 400s
    /// in the service's one-line text form, for each call that takes them.
    /// </summary>
    [Theory]
    [InlineData("w0=4000&w1=8000&dlambda=0", "positive step")]
    [InlineData("w0=4000&w1=8000&dlambda=-0.8", "positive step")]
    [InlineData("w0=4000&w1=8000&dlambda=NaN", "dlambda must be a number")]
    [InlineData("w0=4000&w1=8000&dlambda=Infinity", "dlambda must be a number")]
    [InlineData("w0=4000&w1=8000&dlambda=abc", "dlambda must be a number")]
    [InlineData("w0=8000&w1=4000&dlambda=0.8", "greater than w1")]
    [InlineData("w0=4000&w1=4000&dlambda=0.8", "w0 < w1")]
    [InlineData("w0=4000&w1=8000&dlambda=1e-6", "pixels (limit")]
    [InlineData("w0=4000&w1=8000&dlambda=0.8&dloglam=1e-4", "not dloglam and dlambda")]
    [InlineData("dlambda=0.8", "needs w0 and w1")]
    [InlineData("w1=8000&dlambda=0.8", "needs w0 and w1")]
    public async Task A_bad_named_linear_grid_is_a_400_for_getSpec_plotGrid_and_stackedImage(string query, string reason)
    {
        var id = Mixed()[0].Id;
        var fields = query.Split('&').Select(kv => kv.Split('=')).Select(kv => (kv[0], kv[1])).ToList();
        foreach (var (call, extra) in new[] { ("getSpec", ("align", "True")), ("plotGrid", ("ncols", "2")), ("stackedImage", ("format", "numpy")) })
        {
            using var r = await Post(server, call, [id], [.. fields, extra]);
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{call}: {(int)r.StatusCode} {text}");
            Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
            Assert.Single(text.TrimEnd('\n').Split('\n'));
            Assert.Contains(reason, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("dloglam", "1e-4")]
    [InlineData("resolving_power", "3000")]
    [InlineData("dlambda", "1.3")]
    public async Task On_a_named_grid_each_row_is_the_one_id_answer_bit_for_bit(string key, string value)
    {
        var mixed = Mixed();
        (string, string)[] grid = [("w0", "4000"), ("w1", "8000"), (key, value), ("values", "flux,ivar,and_mask"), ("format", "numpy"), ("align", "True")];
        var all = await PostBytes(server, "getSpec", mixed.Select(m => m.Id), grid);
        var single = new List<byte[]>();
        foreach (var (id, _) in mixed) single.Add(await PostBytes(server, "getSpec", [id], grid));
        using var dir = TestPaths.NewTempDir("align");
        var paths = new[] { all }.Concat(single).Select((b, i) => { var p = Path.Combine(dir.Path, $"{i}.npy"); File.WriteAllBytes(p, b); return p; }).ToArray();
        var r = ExternalTool.RunPython("""
            import sys, numpy as np
            a = np.load(sys.argv[1], allow_pickle=False)
            step, linear = float(sys.argv[2]), sys.argv[3] == 'linear'
            assert a.shape[0] == 3, a.shape
            ll = a['loglam'][0]
            if linear:
                w = 10 ** ll
                assert abs(w[0] - 4000) < 1e-6 and w[-1] <= 8000 and w[-1] + step > 8000 - 1e-6, (w[0], w[-1])
                assert np.allclose(np.diff(w), step, rtol=1e-9)
            else:
                assert abs(10 ** ll[0] - 4000) < 1e-6 and 10 ** ll[-1] <= 8000 and 10 ** (ll[-1] + step) > 8000 - 1e-6, (10 ** ll[0], 10 ** ll[-1])
                assert np.allclose(np.diff(ll), step, rtol=1e-9)
            for i, p in enumerate(sys.argv[4:]):
                b = np.load(p, allow_pickle=False)
                assert b.shape == (1, a.shape[1]), b.shape
                for v in ('flux', 'ivar', 'and_mask'):
                    assert a[i][v].tobytes() == b[0][v].tobytes(), f'row {i} {v} differs from its one-id answer'
                assert np.count_nonzero(a[i]['flux']) > 1000, f'row {i} is empty'
            print(len(ll))
            """, [paths[0], (key switch { "dloglam" => 1e-4, "dlambda" => 1.3, _ => Math.Log10(1 + 1 / 3000.0) }).ToString("R", CultureInfo.InvariantCulture),
                key == "dlambda" ? "linear" : "log", .. paths.Skip(1)]);
        Assert.True(r.ExitCode == 0, r.All);
    }

    /// <summary>stackedImage puts the three surveys' spectra on one grid too: each band of rows holds valid values.</summary>
    [Fact]
    public async Task StackedImage_of_three_surveys_draws_every_spectrum()
    {
        var mixed = Mixed();
        using var dir = TestPaths.NewTempDir("align");
        var path = Path.Combine(dir.Path, "stack.npy");
        File.WriteAllBytes(path, await PostBytes(server, "stackedImage", mixed.Select(m => m.Id), ("thickness", "4"), ("width", "600"), ("format", "numpy")));
        var r = ExternalTool.RunPython("""
            import sys, numpy as np
            v = np.load(sys.argv[1], allow_pickle=False)
            assert v.shape == (12, 600), v.shape
            for band in range(3):
                rows = v[12 - 4 * (band + 1): 12 - 4 * band]
                assert np.isfinite(rows).mean() > 0.3, (band, np.isfinite(rows).mean())
            print('ok')
            """, path);
        Assert.True(r.ExitCode == 0, r.All);
    }

    /// <summary>stackedImage on a grid the caller names (getSpec's w0, w1 and a step): one column per grid pixel, every band drawn.</summary>
    [Theory]
    [InlineData("dloglam", "1e-4", 3011)]          // log10(8000/4000) / 1e-4 = 3010.3 steps after pixel 0
    [InlineData("resolving_power", "2000", 1387)]  // log10(2) / log10(1 + 1/2000) = 1386.6
    [InlineData("dlambda", "2", 2001)]             // (8000 - 4000) / 2 steps after pixel 0
    public async Task StackedImage_on_a_named_grid_has_one_column_per_grid_pixel(string key, string value, int pixels)
    {
        var mixed = Mixed();
        using var dir = TestPaths.NewTempDir("align");
        var path = Path.Combine(dir.Path, "stack.npy");
        File.WriteAllBytes(path, await PostBytes(server, "stackedImage", mixed.Select(m => m.Id), ("w0", "4000"), ("w1", "8000"), (key, value), ("format", "numpy")));
        var r = ExternalTool.RunPython("""
            import sys, numpy as np
            v = np.load(sys.argv[1], allow_pickle=False)
            assert v.shape == (3, int(sys.argv[2])), v.shape
            for band in range(3):
                assert np.isfinite(v[band]).mean() > 0.3, (band, np.isfinite(v[band]).mean())
            print('ok')
            """, path, pixels.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.All);
    }

    [Theory]
    [InlineData("dloglam=1e-4")]
    [InlineData("w0=4000&w1=8000&dloglam=-1")]
    [InlineData("w0=8000&w1=4000&dloglam=1e-4")]
    [InlineData("w0=4000&w1=8000&dloglam=1e-12")]
    public async Task A_bad_named_grid_for_stackedImage_is_a_400_with_a_reason(string query)
    {
        var id = Mixed()[0].Id;
        using var r = await server.Client.GetAsync($"spec/stackedImage?id_list={id}&format=numpy&{query}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, r.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await r.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("dloglam=1e-4")]                                  // no w0/w1
    [InlineData("w0=4000&w1=8000&dloglam=-1")]
    [InlineData("w0=4000&w1=8000&dloglam=1e-4&resolving_power=2000")]
    [InlineData("w0=4000&w1=8000&resolving_power=abc")]
    [InlineData("w0=4000&w1=8000&dloglam=1e-12")]                 // far beyond the aligned-length limit
    [InlineData("w0=4000&w1=8000&dloglam=1e-4&cutout=5000-6000")]
    public async Task A_bad_named_grid_is_a_400_with_a_reason(string query)
    {
        var id = Mixed()[0].Id;
        using var r = await server.Client.GetAsync($"spec/getSpec?id_list={id}&align=True&format=numpy&{query}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, r.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await r.Content.ReadAsStringAsync()));
    }
}
