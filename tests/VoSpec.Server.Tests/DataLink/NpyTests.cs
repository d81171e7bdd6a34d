using System.Globalization;
using System.Net;
using System.Xml.Linq;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.DataLink.Catalogue;

namespace VoSpec.Server.Tests.DataLink;

/// <summary>The spectrum as .npy: the #auxiliary link, the dataset endpoint and SODA cutouts, read by numpy.</summary>
[Collection("host")]
public class NpyTests(RunningServer server) : IClassFixture<RunningServer>
{
    private const string Check = """
        import sys
        import numpy as np
        a = np.load(sys.argv[1], allow_pickle=False)
        names = ['wavelength', 'loglam', 'flux', 'ivar', 'and_mask', 'or_mask', 'wdisp', 'sky', 'model']
        assert list(a.dtype.names) == names, a.dtype
        assert a.dtype['wavelength'] == np.dtype('<f8') and a.dtype['loglam'] == np.dtype('<f4'), a.dtype
        assert a.dtype['flux'] == np.dtype('<f4') and a.dtype['and_mask'] == np.dtype('<i4'), a.dtype
        assert a.ndim == 1
        w = a['wavelength']
        assert np.all(np.diff(w) > 0)
        assert np.allclose(10 ** a['loglam'].astype(float), w, rtol=1e-5)
        lo, hi = float(sys.argv[2]) * 1e10, float(sys.argv[3]) * 1e10
        assert w.min() >= lo and w.max() <= hi, (w.min(), w.max(), lo, hi)
        print(len(a))
        """;

    private static async Task<string> Save(HttpResponseMessage r, TempDir dir, string name)
    {
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/x-npy", r.Content.Headers.ContentType?.MediaType);
        var bytes = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes.Length, r.Content.Headers.ContentLength);
        var path = Path.Combine(dir.Path, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    private static int RunCheck(string path, double lo, double hi)
    {
        var py = ExternalTool.RunPython(Check, path, R(lo), R(hi));
        Assert.True(py.ExitCode == 0, py.All);
        return int.Parse(py.StdOut.Trim(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_auxiliary_link_gives_the_whole_spectrum_as_a_structured_array_of_its_stated_length()
    {
        var s = Spectra(server, 1)[0];
        var doc = XDocument.Parse(await server.Client.GetStringAsync("datalink/links?ID=" + Esc(s.Did)));
        var row = Assert.Single(Rows(doc), x => x["semantics"] == "#auxiliary" && x["local_semantics"] == "npy");
        Assert.Equal("application/x-npy", row["content_type"]);
        Assert.Equal("#spectrum", row["content_qualifier"]);
        Assert.EndsWith("RESPONSEFORMAT=npy", row["access_url"]);

        using var dir = TestPaths.NewTempDir("npy-whole");
        var r = await server.Client.GetAsync(row["access_url"]);
        var path = await Save(r, dir, "whole.npy");
        Assert.Equal(new FileInfo(path).Length.ToString(CultureInfo.InvariantCulture), row["content_length"]);
        Assert.Equal(s.NPix, RunCheck(path, 0, 1));
    }

    [Theory]
    [InlineData("npy")]
    [InlineData("numpy")]
    [InlineData("application/x-npy")]
    public async Task A_soda_band_cutout_as_npy_holds_only_pixels_inside_the_band(string format)
    {
        var s = Spectra(server, 1)[0];
        double lo = s.EmMin + 0.4 * (s.EmMax - s.EmMin), hi = s.EmMin + 0.5 * (s.EmMax - s.EmMin);
        var r = await server.Client.GetAsync($"soda/sync?ID={Esc(s.Did)}&BAND={Esc($"{R(lo)} {R(hi)}")}&RESPONSEFORMAT={Esc(format)}");
        using var dir = TestPaths.NewTempDir("npy-cut");
        var path = await Save(r, dir, "cut.npy");
        Assert.InRange(RunCheck(path, lo, hi), 10, s.NPix - 1);
    }
}
