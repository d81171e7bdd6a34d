using System.Globalization;
using System.Net;
using System.Xml.Linq;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.DataLink.Catalogue;

namespace VoSpec.Server.Tests.DataLink;

/// <summary>SODA sync over HTTP: BAND cutouts in every format, whole-spectrum filters, 204 and the error texts.</summary>
[Collection("host")]
public class SodaTests(RunningServer server) : IClassFixture<RunningServer>
{
    private Catalogue.Spectrum First => Spectra(server, 1)[0];

    private Task<HttpResponseMessage> Soda(string id, string query = "") =>
        server.Client.GetAsync($"soda/sync?ID={Esc(id)}{query}");

    private static string Q(string name, string value) => $"&{name}={Esc(value)}";

    /// <summary>Wavelengths (Å) of a CSV answer.</summary>
    private static async Task<double[]> CsvWavelengths(HttpResponseMessage r)
    {
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/csv", r.Content.Headers.ContentType?.MediaType);
        var lines = (await r.Content.ReadAsStringAsync()).Trim().Split('\n');
        Assert.StartsWith("wavelength,flux", lines[0]);
        return lines.Skip(1).Select(l => double.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).ToArray();
    }

    [Fact]
    public async Task Band_cutout_in_fits_holds_only_pixels_inside_the_band()
    {
        var s = First;
        double lo = s.EmMin + 0.4 * (s.EmMax - s.EmMin), hi = s.EmMin + 0.5 * (s.EmMax - s.EmMin);
        var r = await Soda(s.Did, Q("BAND", $"{R(lo)} {R(hi)}"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/fits", r.Content.Headers.ContentType?.MediaType);
        using var dir = TestPaths.NewTempDir("soda-fits");
        var path = Path.Combine(dir.Path, "cut.fits");
        await File.WriteAllBytesAsync(path, await r.Content.ReadAsByteArrayAsync());
        Assert.Contains("Verification found 0 warning(s) and 0 error(s)", ExternalTool.Run("/usr/bin/fitsverify", [path]).All);
        var py = ExternalTool.RunPython("""
            import sys
            from astropy.io import fits
            lo, hi = float(sys.argv[2]) * 1e10, float(sys.argv[3]) * 1e10
            with fits.open(sys.argv[1]) as h:
                d = h['COADD'].data
                w = d['wavelength']
                lam = 10 ** d['loglam'].astype(float)
                assert w.min() >= lo and w.max() <= hi, (w.min(), w.max(), lo, hi)
                # loglam is float32: inside to its precision
                assert lam.min() >= lo * (1 - 1e-6) and lam.max() <= hi * (1 + 1e-6), (lam.min(), lam.max())
                step = w[1] / w[0]
                assert w.min() / lo < step and hi / w.max() < step
                print(len(d))
            """, path, R(lo), R(hi));
        Assert.True(py.ExitCode == 0, py.All);
        int n = int.Parse(py.StdOut.Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(n, 10, s.NPix - 1);
    }

    [Theory]
    [InlineData("votable")]
    [InlineData("application/x-votable+xml")]
    public async Task Band_cutout_in_votable_is_inside_the_band(string format)
    {
        var s = First;
        double lo = 6.0e-7, hi = 6.5e-7;
        var r = await Soda(s.Did, Q("BAND", $"{R(lo)} {R(hi)}") + Q("RESPONSEFORMAT", format));
        Assert.Equal("application/x-votable+xml", r.Content.Headers.ContentType?.MediaType);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        var w = doc.Descendants(V + "TR").Select(tr => double.Parse(tr.Elements(V + "TD").First().Value, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(w);
        Assert.All(w, x => Assert.InRange(x, lo * 1e10, hi * 1e10));
    }

    [Fact]
    public async Task Open_ended_and_empty_bands_run_to_the_ends_of_the_spectrum()
    {
        var s = First;
        var all = await CsvWavelengths(await Soda(s.Did, Q("RESPONSEFORMAT", "csv")));
        Assert.Equal(s.NPix, all.Length);

        var blue = await CsvWavelengths(await Soda(s.Did, Q("BAND", "-Inf 5.5e-7") + Q("RESPONSEFORMAT", "text/csv")));
        Assert.Equal(all[0], blue[0]);
        Assert.True(blue[^1] <= 5500 && blue.Length < all.Length);

        var red = await CsvWavelengths(await Soda(s.Did, Q("band", "5.5e-7   +inf") + Q("responseformat", "csv")));
        Assert.Equal(all[^1], red[^1]);
        Assert.True(red[0] >= 5500);
        Assert.Equal(all.Length, blue.Length + red.Length);

        var infinity = await CsvWavelengths(await Soda(s.Did, Q("BAND", "-Infinity Infinity") + Q("RESPONSEFORMAT", "csv")));
        Assert.Equal(all, infinity);
        var empty = await CsvWavelengths(await Soda(s.Did, "&BAND=&POS=&RESPONSEFORMAT=csv"));
        Assert.Equal(all, empty);
    }

    [Fact]
    public async Task A_scalar_band_gives_the_nearest_pixel()
    {
        var s = First;
        var one = await CsvWavelengths(await Soda(s.Did, Q("BAND", "6e-7 6e-7") + Q("RESPONSEFORMAT", "csv")));
        var w = Assert.Single(one);
        Assert.InRange(w, 6000 * (1 - 2e-4), 6000 * (1 + 2e-4));
    }

    [Theory]
    [InlineData("BAND", "2e-6 3e-6")]          // redwards of the data
    [InlineData("BAND", "-Inf 1e-7")]
    [InlineData("CIRCLE", "10 -80 0.5")]       // nowhere near
    [InlineData("POS", "CIRCLE 10 -80 0.5")]
    [InlineData("POS", "RANGE 0 1 -90 -89")]
    [InlineData("POLYGON", "10 -80 11 -80 11 -79")]
    [InlineData("TIME", "40000 40001")]
    [InlineData("POL", "Q")]
    public async Task No_overlap_is_204_with_an_empty_body(string name, string value)
    {
        var r = await Soda(First.Did, Q(name, value));
        Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Empty(await r.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Spatial_time_and_pol_constraints_that_overlap_keep_the_whole_spectrum()
    {
        var s = First;
        string ra = R(s.Ra), dec = R(s.Dec);
        string[] queries =
        [
            Q("CIRCLE", $"{ra} {dec} 0.01"),
            Q("POS", $"circle {ra} {dec} 0.01"),
            Q("POS", $"RANGE {R(s.Ra - 0.1)} {R(s.Ra + 0.1)} {R(s.Dec - 0.1)} {R(s.Dec + 0.1)}"),
            Q("POS", "RANGE -Inf +Inf -Inf +Inf"),
            Q("POLYGON", $"{R(s.Ra - 1)} {R(s.Dec - 1)} {R(s.Ra + 1)} {R(s.Dec - 1)} {R(s.Ra)} {R(s.Dec + 1)}"),
            // A circle that only grazes the fibre aperture still overlaps it.
            Q("CIRCLE", $"{ra} {R(s.Dec + 0.0009)} 0.0007"),
            Q("TIME", $"{R(s.TMin - 1)} {R(s.TMin + 0.001)}"),
            "&POL=I&POL=V",
        ];
        foreach (var q in queries)
        {
            var w = await CsvWavelengths(await Soda(s.Did, q + Q("RESPONSEFORMAT", "csv")));
            Assert.Equal(s.NPix, w.Length);
        }
    }

    [Fact]
    public async Task A_polygon_around_the_antipode_of_a_spectrum_does_not_select_it()
    {
        var s = First;
        double ra = (s.Ra + 180) % 360, dec = -s.Dec;
        Assert.InRange(dec, -88, 88);
        string polygon = $"{R(ra - 1)} {R(dec - 1)} {R(ra + 1)} {R(dec - 1)} {R(ra + 1)} {R(dec + 1)} {R(ra - 1)} {R(dec + 1)}";
        foreach (var q in new[] { Q("POLYGON", polygon), Q("POS", "POLYGON " + polygon) })
        {
            var r = await Soda(s.Did, q);
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
    }

    [Theory]
    [InlineData("BAND", "abc")]
    [InlineData("BAND", "6e-7 5e-7")]
    [InlineData("BAND", "NaN 6e-7")]
    [InlineData("BAND", "1e-7 2e-7 3e-7")]
    [InlineData("BAND", "1e-7 1e400")]
    [InlineData("BAND", "--Inf 1")]
    [InlineData("POS", "CIRCLE 10 20")]
    [InlineData("POS", "SQUARE 10 20 1")]
    [InlineData("POS", "POLYGON 1 2 3 4")]
    [InlineData("CIRCLE", "10 95 1")]
    [InlineData("TIME", "55001 55000")]
    [InlineData("POL", "Z")]
    [InlineData("RESPONSEFORMAT", "image/png")]
    public async Task Bad_parameter_syntax_is_400_usage_error_text(string name, string value)
    {
        var r = await Soda(First.Did, Q(name, value));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("UsageError: ", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_missing_and_repeated_ids()
    {
        var unknown = await Soda("ivo://vospec.local/demo?12345", Q("BAND", "5e-7 6e-7"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.StartsWith("Error: NotFoundFault", await unknown.Content.ReadAsStringAsync());

        var malformed = await Soda("no-such-thing", Q("BAND", "5e-7 6e-7"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.StartsWith("UsageError: 'no-such-thing' is not a dataset identifier", await malformed.Content.ReadAsStringAsync());

        var missing = await server.Client.GetAsync("soda/sync?BAND=5e-7+6e-7");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.StartsWith("UsageError: ", await missing.Content.ReadAsStringAsync());

        var two = Spectra(server, 2);
        var multi = await server.Client.PostAsync("soda/sync", new FormUrlEncodedContent([new("ID", two[0].Did), new("ID", two[1].Did)]));
        Assert.Equal(HttpStatusCode.BadRequest, multi.StatusCode);
        Assert.StartsWith("MultiValuedParamNotSupported: ", await multi.Content.ReadAsStringAsync());

        var twoBands = await Soda(two[0].Did, Q("BAND", "5e-7 6e-7") + Q("BAND", "7e-7 8e-7"));
        Assert.StartsWith("MultiValuedParamNotSupported: ", await twoBands.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_with_a_form_cuts_like_get()
    {
        var s = First;
        var form = new FormUrlEncodedContent([new("id", s.Did), new("BAND", "5.000000000000001e-07 6.000000000000001e-07"), new("RESPONSEFORMAT", "csv")]);
        var w = await CsvWavelengths(await server.Client.PostAsync("soda/sync", form));
        Assert.All(w, x => Assert.InRange(x, 5000.000000000001, 6000.000000000001));
    }
}
