using System.Globalization;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.SpecService.SpecClient;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// getSpec align=True over an SDSS, a DESI and a LAMOST spectrum, by HTTP: one array on one log-linear grid whose rows
/// match each spectrum resampled independently — by numpy (a flux-conserving rebinning of the spectrum's own pixels as
/// DataLink serves them) on the default grid, and bit for bit the one-id answers on a grid the caller names.
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

    [Theory]
    [InlineData("dloglam", "1e-4")]
    [InlineData("resolving_power", "3000")]
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
            step = float(sys.argv[2])
            assert a.shape[0] == 3, a.shape
            ll = a['loglam'][0]
            assert abs(10 ** ll[0] - 4000) < 1e-6 and 10 ** ll[-1] <= 8000 and 10 ** (ll[-1] + step) > 8000 - 1e-6, (10 ** ll[0], 10 ** ll[-1])
            assert np.allclose(np.diff(ll), step, rtol=1e-9)
            for i, p in enumerate(sys.argv[3:]):
                b = np.load(p, allow_pickle=False)
                assert b.shape == (1, a.shape[1]), b.shape
                for v in ('flux', 'ivar', 'and_mask'):
                    assert a[i][v].tobytes() == b[0][v].tobytes(), f'row {i} {v} differs from its one-id answer'
                assert np.count_nonzero(a[i]['flux']) > 1000, f'row {i} is empty'
            print(len(ll))
            """, [paths[0], (key == "dloglam" ? 1e-4 : Math.Log10(1 + 1 / 3000.0)).ToString("R", CultureInfo.InvariantCulture), .. paths.Skip(1)]);
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

    /// <summary>stackedImage on a grid the caller names (getSpec's w0, w1 and dloglam): one column per grid pixel, every band drawn.</summary>
    [Theory]
    [InlineData("dloglam", "1e-4", 3011)]          // log10(8000/4000) / 1e-4 = 3010.3 steps after pixel 0
    [InlineData("resolving_power", "2000", 1387)]  // log10(2) / log10(1 + 1/2000) = 1386.6
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
