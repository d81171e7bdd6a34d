using System.Net;
using System.Text;
using System.Text.Json;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.SpecService.SpecClient;

namespace VoSpec.Server.Tests.SpecService;

[Collection("host")]
public class GetSpecTests(RunningServer server) : IClassFixture<RunningServer>, IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-getspec");

    public void Dispose() => _dir.Dispose();

    private string Save(byte[] body, string name)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllBytes(path, body);
        return path;
    }

    private static void Python(string script, params string[] args)
    {
        var r = ExternalTool.RunPython(script, args);
        Assert.True(r.ExitCode == 0, r.All);
    }

    private const string AllFields = "['flux', 'loglam', 'ivar', 'and_mask', 'or_mask', 'wdisp', 'sky', 'model']";

    [Fact]
    public async Task Aligned_spectra_share_one_grid_are_zero_outside_their_range_and_equal_their_own_pixels()
    {
        var ids = Catalogue(server).Take(6).Select(s => s.Id).ToList();
        var aligned = Save(await PostBytes(server, "getSpec", ids, ("values", "all"), ("format", "numpy"), ("align", "True"), ("cutout", "")), "aligned.npy");
        var own = new List<string>();
        foreach (var id in ids)
            own.Add(Save(await PostBytes(server, "getSpec", [id], ("values", "all"), ("format", "numpy"), ("align", "False"), ("cutout", "None")), $"own-{id}.npy"));
        Python($$"""
            import io, sys, numpy as np
            a = np.load(io.BytesIO(open(sys.argv[1], 'rb').read()), allow_pickle=False)
            assert list(a.dtype.names) == {{AllFields}}, a.dtype.names
            # Data Lab's layout: 2-D, one row per spectrum, one record per pixel of the common grid.
            assert a.ndim == 2 and a.shape[0] == {{ids.Count}}, a.shape
            n = a.shape[1]
            for name in a.dtype.names:
                assert a.dtype[name].shape == (), (name, a.dtype[name].shape)
            assert a.dtype['loglam'] == np.dtype('<f8') and a.dtype['flux'] == np.dtype('<f4') and a.dtype['and_mask'] == np.dtype('<i4')
            loglam = a['loglam'][0]
            assert (a['loglam'] == loglam).all() and (np.diff(loglam) > 0).all()
            for i, path in enumerate(sys.argv[2:]):
                s = np.load(io.BytesIO(open(path, 'rb').read()), allow_pickle=False)
                assert s.ndim == 1 and s.dtype['loglam'] == np.dtype('<f4') and list(s.dtype.names) == {{AllFields}}
                lo, hi = 10 ** s['loglam'].min(), 10 ** s['loglam'].max()
                wave = 10 ** loglam
                outside = (wave < lo * (1 - 1e-5)) | (wave > hi * (1 + 1e-5))
                for name in ('flux', 'ivar', 'model', 'sky', 'and_mask', 'or_mask', 'wdisp'):
                    assert (a[name][i][outside] == 0).all(), (i, name)
                k = int(np.argmin(np.abs(loglam - s['loglam'][0])))
                m = len(s)
                assert abs(loglam[k] - s['loglam'][0]) < 1e-5, (loglam[k], s['loglam'][0])
                assert np.array_equal(a['flux'][i][k:k + m], s['flux']), i
                assert np.array_equal(a['ivar'][i][k:k + m], s['ivar']), i
                assert np.array_equal(a['and_mask'][i][k:k + m], s['and_mask']), i
            print('ok')
            """, [aligned, .. own]);
    }

    [Fact]
    public async Task Tuple_ids_and_specobjids_give_the_same_rows()
    {
        var rows = Catalogue(server).Skip(10).Take(3).ToList();
        var byId = await PostBytes(server, "getSpec", rows.Select(r => r.Id), ("values", "flux,ivar"), ("format", "numpy"), ("align", "True"));
        var byTuple = await PostBytes(server, "getSpec", rows.Select(r => r.Tuple), ("values", "flux,ivar"), ("format", "numpy"), ("align", "True"));
        Assert.Equal(byId, byTuple);
        // One text field holding a comma/newline-separated list is the same request too.
        var asText = await PostBytes(server, "getSpec", [string.Join(",\n", rows.Select(r => r.Id))], ("values", "flux,ivar"), ("format", "numpy"), ("align", "True"));
        Assert.Equal(byId, asText);
        Python("""
            import io, sys, numpy as np
            a = np.load(io.BytesIO(open(sys.argv[1], 'rb').read()), allow_pickle=False)
            assert list(a.dtype.names) == ['flux', 'loglam', 'ivar'], a.dtype.names
            assert a.ndim == 2 and a.shape[0] == 3, a.shape
            """, Save(byId, "values.npy"));
    }

    [Fact]
    public async Task Every_cutout_sample_lies_in_the_cutout_and_cutout_implies_align()
    {
        var ids = Catalogue(server).Take(8).Select(s => s.Id).ToList();
        var body = await PostBytes(server, "getSpec", ids, ("values", "all"), ("format", "numpy"), ("align", "False"), ("cutout", "6500-7200"));
        // Data Lab's client asks for a cutout without align one id at a time, then stacks the answers with np.array:
        // each is the spectrum's own records on the cutout's grid, so they stack into the aligned 2-D form.
        var single = new List<string>();
        foreach (var id in ids.Take(3))
            single.Add(Save(await PostBytes(server, "getSpec", [id], ("values", "all"), ("format", "numpy"), ("align", "False"), ("cutout", "6500-7200")), $"cut-{id}.npy"));
        Python("""
            import io, sys, numpy as np
            a = np.load(io.BytesIO(open(sys.argv[1], 'rb').read()), allow_pickle=False)
            assert a.ndim == 2 and a.shape[0] == 8, a.shape
            each = np.array([np.load(p, allow_pickle=False) for p in sys.argv[2:]])
            assert each.shape == (3, a.shape[1]), each.shape
            assert np.array_equal(each['flux'], a['flux'][:3])
            assert np.allclose(10 ** each['loglam'][0], 10 ** a['loglam'][0], rtol=1e-6)
            wave = 10 ** a['loglam'][0]
            assert len(wave) > 100
            assert wave.min() >= 6500 and wave.max() <= 7200, (wave.min(), wave.max())
            assert 10 ** (np.log10(6500) + 1e-4) > wave.min() and 10 ** (np.log10(7200) - 1e-4) < wave.max()
            assert (a['flux'] != 0).any(axis=1).all()
            """, [Save(body, "cutout.npy"), .. single]);
    }

    [Fact]
    public async Task ListSpan_gives_w0_w1_that_widen_a_later_page_to_the_whole_list()
    {
        var catalogue = Catalogue(server);
        var ids = catalogue.Take(20).Select(s => s.Id).ToList();
        using var r = await Post(server, "listSpan", ids, ("values", "all"), ("format", "numpy"), ("align", "True"), ("cutout", ""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        double w0 = doc.RootElement.GetProperty("w0").GetDouble(), w1 = doc.RootElement.GetProperty("w1").GetDouble();
        Assert.Equal(catalogue.Take(20).Min(s => s.WaveMin), w0, 1e-6);
        Assert.Equal(catalogue.Take(20).Max(s => s.WaveMax), w1, 1e-6);

        var whole = await PostBytes(server, "getSpec", ids, ("values", "flux"), ("align", "True"), ("w0", F(w0)), ("w1", F(w1)));
        var page = await PostBytes(server, "getSpec", ids.Skip(15), ("values", "flux"), ("align", "True"), ("w0", F(w0)), ("w1", F(w1)));
        // Data Lab's client without align: one id a request, each with the list's span, stacked with np.array.
        var ones = new List<string>();
        foreach (var id in ids.Take(3))
            ones.Add(Save(await PostBytes(server, "getSpec", [id], ("values", "flux"), ("align", "False"), ("w0", F(w0)), ("w1", F(w1))), $"one-{id}.npy"));
        Python($$"""
            import io, sys, numpy as np
            a = np.load(io.BytesIO(open(sys.argv[1], 'rb').read()), allow_pickle=False)
            p = np.load(io.BytesIO(open(sys.argv[2], 'rb').read()), allow_pickle=False)
            assert a.dtype == p.dtype, (a.dtype, p.dtype)
            assert np.allclose(a['loglam'][0], p['loglam'][0], rtol=0, atol=1e-9)
            assert np.array_equal(a['flux'][15:], p['flux'])
            w = 10 ** a['loglam'][0]
            assert abs(w[0] - {{F(w0)}}) < 1e-3 * w[0] and abs(w[-1] - {{F(w1)}}) < 1e-3 * w[-1], (w[0], w[-1])
            stacked = np.array([np.load(p, allow_pickle=False) for p in sys.argv[3:]])
            assert stacked.shape == (3, a.shape[1]), stacked.shape
            assert np.array_equal(stacked['flux'], a['flux'][:3])
            """, [Save(whole, "whole.npy"), Save(page, "page.npy"), .. ones]);
    }

    [Fact]
    public async Task One_spectrum_unaligned_is_a_coadd_style_table()
    {
        var s = Catalogue(server)[2];
        var body = await PostBytes(server, "getSpec", [s.Id], ("values", "loglam,flux,ivar,model,and_mask"), ("format", "numpy"), ("align", "False"));
        Python($$"""
            import io, sys, numpy as np
            b = open(sys.argv[1], 'rb').read()
            assert b[:8] == b'\x93NUMPY\x01\x00'
            hlen = int.from_bytes(b[8:10], 'little')
            assert (10 + hlen) % 64 == 0 and b[10 + hlen - 1:10 + hlen] == b'\n'
            a = np.load(io.BytesIO(b), allow_pickle=False)
            assert a.dtype == np.dtype([('flux', '<f4'), ('loglam', '<f4'), ('ivar', '<f4'), ('and_mask', '<i4'), ('model', '<f4')]), a.dtype
            w = 10 ** a['loglam'].astype('f8')
            assert abs(w.min() - {{F(s.WaveMin)}}) < 1 and abs(w.max() - {{F(s.WaveMax)}}) < 2, (w.min(), w.max())
            assert (a['ivar'] >= 0).all() and np.isfinite(a['flux']).all()
            """, Save(body, "one.npy"));
    }

    [Fact]
    public async Task Fits_VOTable_and_CSV_formats()
    {
        var s = Catalogue(server)[1];
        var fits = await PostBytes(server, "getSpec", [s.Tuple], ("format", "FITS"), ("align", "False"));
        Assert.StartsWith("SIMPLE  =", Encoding.ASCII.GetString(fits, 0, 20));
        Assert.Equal(0, fits.Length % 2880);
        Python("""
            import sys
            from astropy.io import fits
            with fits.open(sys.argv[1]) as f:
                c = f['COADD'].data
                assert len(c) > 1000 and 'loglam' in [n.lower() for n in c.columns.names]
            """, Save(fits, "one.fits"));

        var ids = Catalogue(server).Take(3).Select(x => x.Id).ToList();
        var vot = Encoding.UTF8.GetString(await PostBytes(server, "getSpec", ids, ("format", "VOTable"), ("values", "flux"), ("align", "True")));
        Python("""
            import sys
            from astropy.io.votable import parse_single_table
            t = parse_single_table(sys.argv[1]).to_table()
            assert len(t) == 3 and t['flux'].shape[1] == t['loglam'].shape[1]
            """, Save(Encoding.UTF8.GetBytes(vot), "aligned.vot"));

        var csv = Encoding.UTF8.GetString(await PostBytes(server, "getSpec", ids, ("format", "CSV"), ("values", "flux"), ("align", "True"), ("cutout", "5000-5100")));
        var lines = csv.Split('\n');
        Assert.Equal("specobjid,flux,loglam", lines[0]);
        Assert.Equal("", lines[^1]);
        Assert.Equal(0, (lines.Length - 2) % 3);
        Assert.All(lines[1..^1], l => Assert.InRange(Math.Pow(10, double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)), 5000, 5100));
    }

    [Fact]
    public async Task Rows_of_several_megabytes_hold_the_same_values_padded_with_zeros()
    {
        // w0/w1 far apart widen the grid to ~120,000 pixels: rows of over 4 MB, which the writer packs in slices of
        // at most 1 MB.
        var ids = Catalogue(server).Take(3).Select(s => s.Id).ToList();
        var narrow = Save(await PostBytes(server, "getSpec", ids, ("values", "all"), ("align", "True")), "narrow.npy");
        using var r = await Post(server, "getSpec", ids, ("values", "all"), ("align", "True"), ("w0", "1"), ("w1", "1e12"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, r.Content.Headers.ContentLength);
        Python($$"""
            import sys, numpy as np
            a, w = np.load(sys.argv[1], allow_pickle=False), np.load(sys.argv[2], allow_pickle=False)
            n, m = a.shape[1], w.shape[1]
            assert m * 36 > 4 << 20, m
            k = int(np.argmin(np.abs(w['loglam'][0] - a['loglam'][0][0])))
            assert abs(w['loglam'][0][k] - a['loglam'][0][0]) < 1e-9
            for name in {{AllFields}}:
                if name == 'loglam': continue
                assert np.array_equal(w[name][:, k:k + n], a[name]), name
                assert not w[name][:, :k].any() and not w[name][:, k + n:].any(), name
            print('ok', m)
            """, narrow, Save(body, "wide.npy"));
    }

    [Fact]
    public async Task Ten_thousand_aligned_spectra_stream()
    {
        var catalogue = Catalogue(server);
        var ids = Enumerable.Range(0, 10_000).Select(i => catalogue[i % catalogue.Count].Id).ToList();
        using var r = await Post(server, "getSpec", ids, ("values", "flux"), ("align", "True"), ("cutout", "4000-4100"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // The length is computed from the grid before the first byte (not learnt by buffering the body: the memory
        // test below shows that it streams), so the body carries a Content-Length instead of chunks.
        Assert.NotEqual(true, r.Headers.TransferEncodingChunked);
        var body = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, r.Content.Headers.ContentLength);
        Python("""
            import io, sys, numpy as np
            a = np.load(io.BytesIO(open(sys.argv[1], 'rb').read()), allow_pickle=False)
            assert a.shape[0] == 10000 and a.ndim == 2, a.shape
            assert np.array_equal(a['flux'][0], a['flux'][40]) and np.array_equal(a['flux'][39], a['flux'][9999])
            """, Save(body, "many.npy"));
    }

    [Fact]
    public async Task Streaming_ten_thousand_full_length_rows_keeps_memory_flat()
    {
        var catalogue = Catalogue(server);
        var ids = Enumerable.Range(0, 10_000).Select(i => catalogue[i % catalogue.Count].Id).ToList();
        GC.Collect();
        long baseline = GC.GetTotalMemory(forceFullCollection: true), peak = baseline;
        using var r = await Post(server, "getSpec", ids, ("values", "flux,ivar"), ("align", "True"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await using var body = await r.Content.ReadAsStreamAsync();
        var chunk = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(chunk)) > 0)
        {
            total += n;
            if ((total & 0xFFFFFF) < n) peak = Math.Max(peak, GC.GetTotalMemory(false));
        }
        // Rows of ~4,000 pixels × (loglam 8 + flux 4 + ivar 4 bytes): the whole answer is far larger than what the heap ever held.
        Assert.True(total > 500_000_000, $"{total} bytes");
        Assert.True(peak - baseline < 150_000_000, $"heap grew by {(peak - baseline) / 1e6:0} MB while streaming {total / 1e6:0} MB");
    }

    public static TheoryData<string, string, string, int, string> BadRequests => new()
    {
        { "id", "cutout", "7200-6500", 400, "reversed" },
        { "id", "cutout", "abc", 400, "cutout must be" },
        { "id", "cutout", "6500-", 400, "cutout must be" },
        { "id", "cutout", "-100-200", 400, "cutout must be" },
        { "id", "cutout", "20000-30000", 400, "contains no pixel" },
        { "id", "values", "flux,colour", 400, "unknown vector 'colour'" },
        { "id", "format", "png", 400, "format 'png'" },
        { "id", "align", "maybe", 400, "True or False" },
        { "id", "w0", "-5", 400, "w0 must be" },
        { "id", "context", "elsewhere", 400, "unknown context 'elsewhere'" },
        { "id", "profile", "mine", 400, "unknown profile 'mine'" },
        { "unknown", "align", "True", 400, "unknown id" },
        { "garbage", "align", "True", 400, "not a specobjid" },
        { "badtuple", "align", "True", 400, "tuple" },
        { "two", "align", "False", 400, "one spectrum per request" },
        { "twofits", "format", "FITS", 400, "one spectrum per request" },
        { "none", "align", "True", 400, "id_list is empty" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_are_refused_with_a_one_line_reason(string idKind, string key, string value, int status, string because)
    {
        var c = Catalogue(server);
        IEnumerable<string> ids = idKind switch
        {
            "unknown" => [c[0].Id, "123456789", "(1, 2, 3)"],
            "garbage" => ["12ab"],
            "badtuple" => ["(1, 2)"],
            "two" or "twofits" => [c[0].Id, c[1].Id],
            "none" => [],
            _ => [c[0].Id],
        };
        var fields = new List<(string, string)> { ("values", "all"), ("align", "True") };
        fields.RemoveAll(f => f.Item1 == key);
        fields.Add((key, value));
        using var r = await Post(server, "getSpec", ids, [.. fields]);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"{(int)r.StatusCode}: {body}");
        Assert.Single(body.TrimEnd('\n').Split('\n'));
        Assert.Contains(because, body, StringComparison.OrdinalIgnoreCase);
        if (idKind == "unknown") { Assert.Contains("123456789", body); Assert.Contains("(1, 2, 3)", body); }
    }

    [Fact]
    public async Task Too_many_ids_are_refused_with_413_naming_the_limit()
    {
        var ids = Enumerable.Range(0, 50_001).Select(i => (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var r = await Post(server, "getSpec", ids, ("align", "True"));
        var body = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains("50000", body);
        using var r2 = await Post(server, "listSpan", [string.Join(",", Enumerable.Range(0, 50_001))]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r2.StatusCode);
    }
}
