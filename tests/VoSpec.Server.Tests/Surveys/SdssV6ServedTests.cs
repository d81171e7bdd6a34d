using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>The real server over demo SDSS-V (v6) spec files, lite and full (no real v6 file is at hand).</summary>
public sealed class SdssV6Server : RunningServer
{
    public const int Seed = 777, Lite = 3, Full = 2;

    public string Sources => Path.Combine(ArchiveDir, "..", "v6");

    protected override void BeforeStart()
    {
        DemoCollection.WriteSdssVFiles(Sources, Lite, Seed, full: false);
        DemoCollection.WriteSdssVFiles(Sources, Full, Seed, full: true, firstIndex: Lite);
        using var archive = SpectrumArchive.Open(ArchiveDir, new ArchiveOptions { Database = Database });
        var report = new Ingester(archive).Run([Sources], "sdss");
        if (report.Ingested != Lite + Full || report.Failed != 0)
            throw new InvalidOperationException($"expected {Lite + Full} v6 spectra, ingested {report.Ingested}: {string.Join("; ", report.Failures)}");
    }
}

/// <summary>
/// DataLink's #this of a v6 spectrum is an SDSS spec-lite that specutils' SDSS loader reads, with the flux and the
/// wavelengths of the v6 file's COADD table (read by astropy) and the FIELD-MJD-CATALOGID name in TAP's obs_id.
/// </summary>
public sealed class SdssV6ServedTests(SdssV6Server server) : IClassFixture<SdssV6Server>
{
    private const string Script = """
        import sys, os, glob, urllib.request, urllib.parse, warnings
        import numpy as np
        import astropy.units as u
        from astropy.io import fits
        import pyvo
        from pyvo.dal.adhoc import DatalinkResults
        from specutils import Spectrum1D
        from specutils.io.registers import identify_spectrum_format
        warnings.simplefilter('ignore')
        base, sources, work = sys.argv[1], sys.argv[2], sys.argv[3]
        tap = pyvo.dal.TAPService(base + 'tap')
        out = []
        for src in sorted(glob.glob(os.path.join(sources, 'spec-*.fits'))):
            obs_id = os.path.basename(src)[5:-5]
            rows = tap.run_sync(f"SELECT obs_publisher_did, s_ra, s_dec FROM ivoa.obscore WHERE obs_collection = 'sdss' AND obs_id = '{obs_id}'").to_table()
            assert len(rows) == 1, (obs_id, len(rows))
            with fits.open(src) as h:
                sp, coadd, n = h['SPALL'].data, h['COADD'].data, len(h)
            assert (float(rows[0][1]), float(rows[0][2])) == (float(sp['FIBER_RA'][0]), float(sp['FIBER_DEC'][0])), obs_id
            links = DatalinkResults.from_result_url(base + 'datalink/links?ID=' + urllib.parse.quote(rows[0][0]))
            url = [l for l in links if l['semantics'] == '#this'][0]['access_url']
            path = os.path.join(work, obs_id + '.fits')
            with urllib.request.urlopen(url) as r, open(path, 'wb') as f: f.write(r.read())
            assert identify_spectrum_format(path) == 'SDSS-III/IV spec', identify_spectrum_format(path)
            s = Spectrum1D.read(path)
            assert np.array_equal(s.flux.value, coadd['FLUX']) and np.array_equal(s.uncertainty.array, coadd['IVAR']), obs_id
            assert np.allclose(s.spectral_axis.to_value(u.AA), 10 ** coadd['LOGLAM'].astype(float), rtol=1e-6), obs_id
            out.append(f'{obs_id} {n} {len(s.flux)}')
        print('; '.join(out))
        """;

    [Fact]
    public void Specutils_reads_the_this_fits_of_each_v6_spectrum_with_the_source_values()
    {
        using var dir = TestPaths.NewTempDir("v6this");
        var r = ExternalTool.RunPython(Script, server.BaseUri.ToString(), server.Sources, dir.Path);
        Assert.True(r.ExitCode == 0, r.All);
        var parts = r.StdOut.Trim().Split("; ");
        Assert.Equal(SdssV6Server.Lite + SdssV6Server.Full, parts.Length);
        // Lite files hold 5 HDUs, full ones 5 plus one per exposure.
        Assert.Equal(SdssV6Server.Lite, parts.Count(p => p.Split(' ')[1] == "5"));
        Assert.All(parts, p => Assert.True(int.Parse(p.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture) > 4000, p));
    }
}
