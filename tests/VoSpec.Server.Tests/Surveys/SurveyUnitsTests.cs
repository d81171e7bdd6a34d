using System.Text.Json;
using VoSpec.Core.Spectra;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.SpecService.SpecClient;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// Each survey's spectra leave the server with their own flux unit, telescope and creator: the FITS of DataLink's
/// dataset (TELESCOP, BUNIT, TUNIT read by astropy), SODA's VOTable (FIELD unit read by astropy) and getSpec's
/// VOTable (its FIELDs' unit attributes), SSA's creator and flux calibration (read by pyVO), all over HTTP on the real SDSS, DESI and LAMOST files.
/// </summary>
public sealed class SurveyUnitsTests(RealSurveysServer server) : IClassFixture<RealSurveysServer>
{
    private const string Script = """
        import sys, json, io, urllib.request, urllib.parse, warnings
        from astropy.io import fits, votable
        import pyvo
        warnings.simplefilter('ignore')
        base = sys.argv[1]
        def get(path, **q):
            with urllib.request.urlopen(base + path + '?' + urllib.parse.urlencode(q)) as r: return r.read()
        out = {}
        for did in sys.argv[2:]:
            with fits.open(io.BytesIO(get('datalink/dataset', ID=did, RESPONSEFORMAT='application/fits'))) as h:
                p, c = h[0].header, h[1].header
                out[did] = {'telescop': p.get('TELESCOP'), 'bunit': p.get('BUNIT'),
                            'flux_tunit': c.get('TUNIT1'), 'ivar_tunit': c.get('TUNIT3')}
            t = votable.parse_single_table(io.BytesIO(get('soda/sync', ID=did, RESPONSEFORMAT='application/x-votable+xml')))
            f = t.get_field_by_id_or_name('flux')
            out[did]['soda_unit'] = None if f.unit is None else f.unit.to_string('vounit')
            out[did]['soda_flux_description'] = f.description
        ssa = pyvo.dal.SSAService(base + 'ssa').search(maxrec=100)
        out['ssa'] = [[r['collection'], r['creator'], r['flux_calibration']] for r in ssa]
        print(json.dumps(out))
        """;

    private JsonElement Run()
    {
        var spectra = server.Spectrum();
        var dids = new[] { "sdss", "desi", "lamost" }.Select(c => spectra.First(s => s.Collection == c).Did).ToArray();
        var r = ExternalTool.RunPython(Script, [server.BaseUri.ToString(), .. dids]);
        Assert.True(r.ExitCode == 0, r.All);
        return JsonDocument.Parse(r.StdOut).RootElement;
    }

    private string Did(string collection) => server.Spectrum().First(s => s.Collection == collection).Did;

    [Fact]
    public void Fits_and_soda_votables_carry_each_surveys_telescope_and_flux_unit()
    {
        var o = Run();
        var sdss = o.GetProperty(Did("sdss"));
        var desi = o.GetProperty(Did("desi"));
        var lamost = o.GetProperty(Did("lamost"));
        Assert.Equal("SDSS 2.5-M", sdss.GetProperty("telescop").GetString());
        Assert.Equal("KPNO 4.0-m telescope", desi.GetProperty("telescop").GetString());
        Assert.Equal("LAMOST", lamost.GetProperty("telescop").GetString());

        // DESI's own spelling of its unit (the files' BUNIT); the VOTable says it as a VOUnit.
        Assert.Equal(VoSpec.Fits.Desi.DesiConventions.FluxUnit, desi.GetProperty("bunit").GetString());
        Assert.Equal(VoSpec.Fits.Desi.DesiConventions.FluxUnit, desi.GetProperty("flux_tunit").GetString());
        Assert.Equal(SpectrumUnits.Flux, desi.GetProperty("soda_unit").GetString());
        Assert.Equal(SpectrumUnits.Flux, sdss.GetProperty("soda_unit").GetString());

        // LAMOST: relative flux, declared as such, and no physical unit anywhere.
        Assert.Equal(VoSpec.Fits.Lamost.LamostConventions.FluxUnit, lamost.GetProperty("bunit").GetString());
        Assert.Equal(JsonValueKind.Null, lamost.GetProperty("flux_tunit").ValueKind);
        Assert.Equal(JsonValueKind.Null, lamost.GetProperty("ivar_tunit").ValueKind);
        Assert.Equal(JsonValueKind.Null, lamost.GetProperty("soda_unit").ValueKind);
        Assert.Contains("relative flux", lamost.GetProperty("soda_flux_description").GetString());
    }

    [Fact]
    public void Ssa_names_each_surveys_creator_and_flux_calibration()
    {
        var rows = Run().GetProperty("ssa").EnumerateArray().Select(r => (r[0].GetString(), r[1].GetString(), r[2].GetString())).Distinct().OrderBy(r => r.Item1).ToList();
        Assert.Equal([("desi", "DESI", "absolute"), ("lamost", "LAMOST", "relative"), ("sdss", "SDSS", "absolute")], rows);
    }

    [Fact]
    public async Task GetSpec_declares_one_flux_unit_only_when_the_rows_share_it()
    {
        var spectra = server.Spectrum();
        string Id(string c, int i = 0) => spectra.Where(s => s.Collection == c).ElementAt(i).SpecObjId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The FIELDs' unit attributes as written (absent: null).
        static string Units(byte[] votable)
        {
            var doc = System.Xml.Linq.XDocument.Load(new MemoryStream(votable));
            var fields = doc.Descendants().Where(e => e.Name.LocalName == "FIELD").ToDictionary(e => (string)e.Attribute("name")!, e => (string?)e.Attribute("unit") ?? "None");
            return $"{fields["flux"]} {fields["ivar"]}";
        }
        var desiOnly = Units(await PostBytes(server, "getSpec", [Id("desi", 0), Id("desi", 1)], ("values", "flux,ivar"), ("format", "votable"), ("align", "True")));
        Assert.Equal($"{SpectrumUnits.Flux} {SpectrumUnits.InverseVariance}", desiOnly);
        var lamostOnly = Units(await PostBytes(server, "getSpec", [Id("lamost")], ("values", "flux,ivar"), ("format", "votable"), ("align", "True")));
        Assert.Equal("None None", lamostOnly);
        var mixed = Units(await PostBytes(server, "getSpec", [Id("sdss"), Id("desi"), Id("lamost")], ("values", "flux,ivar"), ("format", "votable"), ("align", "True")));
        Assert.Equal("None None", mixed);
    }
}
