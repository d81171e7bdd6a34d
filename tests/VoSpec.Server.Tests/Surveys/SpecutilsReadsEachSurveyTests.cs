using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// specutils (Debian python3-specutils) reads the FITS that DataLink's #this link of each survey's spectrum serves:
/// an SDSS spectrum through its SDSS loader, DESI's merged arms as a plain table (its own TELESCOP keeps it away from
/// the SDSS loader), LAMOST's relative flux as a table with no physical unit. Wavelengths and flux are checked against
/// astropy's reading of the real source files.
/// </summary>
public sealed class SpecutilsReadsEachSurveyTests(RealSurveysServer server) : IClassFixture<RealSurveysServer>
{
    private const string Script = """
        import sys, os, io, urllib.request, urllib.parse, tempfile, warnings
        import numpy as np
        import astropy.units as u
        from astropy.io import fits
        import pyvo
        from pyvo.dal.adhoc import DatalinkResults
        from specutils import Spectrum1D
        from specutils.io.registers import identify_spectrum_format
        warnings.simplefilter('ignore')
        base, real, work = sys.argv[1], sys.argv[2], sys.argv[3]
        tap = pyvo.dal.TAPService(base + 'tap')
        erg = u.Unit('1e-17 erg / (s cm2 Angstrom)')

        def this(collection, obs_id):
            did = tap.run_sync(f"SELECT obs_publisher_did FROM ivoa.obscore WHERE obs_collection = '{collection}' AND obs_id = '{obs_id}'").to_table()[0][0]
            links = DatalinkResults.from_result_url(base + 'datalink/links?ID=' + urllib.parse.quote(did))
            url = [l for l in links if l['semantics'] == '#this'][0]['access_url']
            path = os.path.join(work, f'{collection}-{obs_id}.fits')
            with urllib.request.urlopen(url) as r, open(path, 'wb') as f: f.write(r.read())
            return path

        def same_flux_where(wave, flux, src_wave, src_flux, what):
            # Each source pixel's wavelength is a pixel of the served spectrum, with the same flux bit for bit.
            k = np.searchsorted(wave, src_wave).clip(0, len(wave) - 1)
            k = np.where(np.abs(wave[k] - src_wave) <= np.abs(wave[(k - 1).clip(0)] - src_wave), k, (k - 1).clip(0))
            assert np.allclose(wave[k], src_wave, rtol=0, atol=1e-6 * src_wave.max()), f'{what}: wavelengths differ'
            assert np.array_equal(flux[k], src_flux), f'{what}: flux differs at {np.flatnonzero(flux[k] != src_flux)[:5]}'
            return len(src_wave)

        out = []
        # SDSS: the SDSS loader, flux and ivar bit for bit, wavelengths as 10**loglam.
        path = this('sdss', '0266-51602-0013')
        assert identify_spectrum_format(path) == 'SDSS-III/IV spec', identify_spectrum_format(path)
        s = Spectrum1D.read(path)
        src = fits.getdata(os.path.join(real, 'sdss/lite/spec-0266-51602-0013.fits'), 'COADD')
        assert s.flux.unit.is_equivalent(erg) and s.flux.unit.to(erg) == 1, s.flux.unit
        assert np.array_equal(s.flux.value, src['flux']) and np.array_equal(s.uncertainty.array, src['ivar'])
        assert np.allclose(s.spectral_axis.to_value(u.AA), 10 ** src['loglam'].astype(float), rtol=1e-6)
        out.append(f'sdss {len(s.flux)}')

        # DESI: the merged B, R and Z arms; outside the overlaps each arm's pixels as the file has them.
        with fits.open(os.path.join(real, 'desi/coadd-sv3-dark-26065.fits')) as h:
            fm = h['FIBERMAP'].data
            row = [i for i, r in enumerate(fm) if r['OBJTYPE'].strip() == 'TGT' and r['TARGETID'] > 0][0]
            path = this('desi', f"sv3-dark-26065-{fm['TARGETID'][row]}")
            fmt = identify_spectrum_format(path)
            assert fmt == 'tabular-fits', fmt
            s = Spectrum1D.read(path)
            assert s.flux.unit.to(erg) == 1, s.flux.unit
            wave, flux = s.spectral_axis.to_value(u.AA), s.flux.value
            arms = [(h[a + '_WAVELENGTH'].data, h[a + '_FLUX'].data[row]) for a in 'BRZ']
            n = 0
            for i, (w, f) in enumerate(arms):
                others = [o for j, (o, _) in enumerate(arms) if j != i]
                alone = np.all([(w < o.min()) | (w > o.max()) for o in others], axis=0)
                n += same_flux_where(wave, flux, w[alone], f[alone], f'DESI arm {"BRZ"[i]}')
            assert wave.min() == arms[0][0].min() and abs(wave.max() - arms[2][0].max()) < 1e-6
            out.append(f'desi {len(flux)} {n}')

        # LAMOST: relative flux (no unit: named by column), both layouts.
        for name, obsid in (('spec-55859-F5902_sp01-001_dr7.fits.gz', 101001), ('spec-55859-F5902_sp01-013_dr8.fits.gz', 101013)):
            path = this('lamost', str(obsid))
            with fits.open(path) as h:
                assert h[0].header['TELESCOP'] == 'LAMOST' and 'TUNIT1' not in h[1].header
            s = Spectrum1D.read(path, format='tabular-fits', column_mapping={'wavelength': ('spectral_axis', 'Angstrom'), 'flux': ('flux', '')})
            assert s.flux.unit == u.dimensionless_unscaled, s.flux.unit
            with fits.open(os.path.join(real, 'lamost', name)) as h:
                if h[0].data is not None and h[0].data.ndim == 2: src_flux, src_wave = h[0].data[0], h[0].data[2]
                else: src_flux, src_wave = h['COADD'].data['FLUX'][0], h['COADD'].data['WAVELENGTH'][0]
            assert np.array_equal(s.flux.value, src_flux.astype(np.float32)), 'LAMOST flux differs'
            assert np.allclose(s.spectral_axis.to_value(u.AA), src_wave, rtol=1e-6), 'LAMOST wavelengths differ'
            out.append(f'lamost {len(s.flux)}')
        print('; '.join(out))
        """;

    [Fact]
    public void Specutils_reads_the_this_fits_of_sdss_desi_and_lamost_spectra_with_the_source_values()
    {
        using var dir = TestPaths.NewTempDir("specutils");
        var r = ExternalTool.RunPython(Script, server.BaseUri.ToString(), TestPaths.RealData, dir.Path);
        Assert.True(r.ExitCode == 0, r.All);
        var parts = r.StdOut.Trim().Split("; ");
        Assert.Equal(["sdss", "desi", "lamost", "lamost"], parts.Select(p => p.Split(' ')[0]));
        Assert.All(parts, p => Assert.True(int.Parse(p.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) > 3000, p));
    }
}
