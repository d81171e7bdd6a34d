using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// The surveys' own tables (desi.fibermap, lamost.lrs from schemas/) over TAP, on both backends: pyVO's answers hold
/// what astropy reads from the real DESI FIBERMAPs and LAMOST headers, value for value (floats to the bit), and join
/// spec.specobj on specobjid.
/// </summary>
public abstract class SurveyTablesTestsBase(RealSurveysServer server)
{
    private const string Script = """
        import sys, glob, os, warnings
        import numpy as np
        from astropy.io import fits
        import pyvo
        warnings.simplefilter('ignore')
        base, real = sys.argv[1], sys.argv[2]
        tap = pyvo.dal.TAPService(base + 'tap')

        def value(v):
            if v is None or v is np.ma.masked: return None
            if isinstance(v, bytes): v = v.decode()
            if isinstance(v, str): return v.strip()
            return v.item() if hasattr(v, 'item') else v

        def same(a, b):
            a, b = value(a), value(b)
            if isinstance(a, float) or isinstance(b, float):
                return a is not None and b is not None and np.float64(a).tobytes() == np.float64(b).tobytes()
            return a == b

        # The comparison itself must refuse a value off by one bit.
        assert not same(np.float32(0.402643322944641), np.nextafter(np.float32(0.402643322944641), np.float32(1)))

        def check(what, row, expected):
            for column, want in expected.items():
                if not same(row[column], want):
                    raise AssertionError(f'{what}: {column} is {value(row[column])!r} over TAP, {value(want)!r} in the file')

        desi = tap.run_sync('SELECT * FROM desi.fibermap').to_table()
        compared = 0
        for path in sorted(glob.glob(os.path.join(real, 'desi', '*.fits'))):
            with fits.open(path) as h:
                fm, head = h['FIBERMAP'].data, h[0].header
                spectra = 'EXPID' in fm.columns.names
                for r in fm:
                    if r['OBJTYPE'].strip() != 'TGT' or r['TARGETID'] <= 0: continue
                    match = [t for t in desi if t['targetid'] == r['TARGETID'] and value(t['spgrp']) == head['SPGRP']
                             and value(t['expid']) == (int(r['EXPID']) if spectra else None)
                             and value(t['healpix']) == head.get('HPXPIXEL') and (head.get('TILEID') is None or value(t['tileid']) == head['TILEID'])]
                    if len(match) != 1: raise AssertionError(f'{path}: TARGETID {r["TARGETID"]} has {len(match)} rows in desi.fibermap')
                    t = match[0]
                    cols = fm.columns.names
                    check(f'{os.path.basename(path)} {r["TARGETID"]}', t, {
                        'target_ra': np.float64(r['TARGET_RA']), 'target_dec': np.float64(r['TARGET_DEC']), 'objtype': r['OBJTYPE'],
                        'desi_target': r['DESI_TARGET'], 'bgs_target': r['BGS_TARGET'], 'mws_target': r['MWS_TARGET'],
                        'sv3_desi_target': r['SV3_DESI_TARGET'], 'morphtype': r['MORPHTYPE'],
                        'flux_g': np.float32(r['FLUX_G']), 'flux_r': np.float32(r['FLUX_R']), 'flux_z': np.float32(r['FLUX_Z']), 'ebv': np.float32(r['EBV']),
                        'fiber': r['FIBER'] if 'FIBER' in cols else None,
                        'fiberstatus': r['COADD_FIBERSTATUS'] if 'COADD_FIBERSTATUS' in cols else r['FIBERSTATUS'],
                        'numexp': r['COADD_NUMEXP'] if 'COADD_NUMEXP' in cols else None,
                        'survey': head.get('SURVEY', ''), 'program': head.get('PROGRAM', ''), 'collection': 'desi'})
                    compared += 1

        lamost = tap.run_sync('SELECT * FROM lamost.lrs').to_table()
        for path in sorted(glob.glob(os.path.join(real, 'lamost', '*.fits.gz'))):
            p = fits.getheader(path, 0)
            match = [t for t in lamost if t['obsid'] == p['OBSID']]
            if len(match) != 1: raise AssertionError(f'{path}: OBSID {p["OBSID"]} has {len(match)} rows in lamost.lrs')
            check(os.path.basename(path), match[0], {
                'designation': p['DESIG'], 'planid': p['PLANID'], 'lmjd': p['LMJD'], 'spid': p['SPID'], 'fiberid': p['FIBERID'],
                'ra': p['RA'], 'dec': p['DEC'], 'class': p['CLASS'], 'subclass': p['SUBCLASS'], 'z': p['Z'], 'z_err': p['Z_ERR'],
                'snru': p['SNRU'], 'snrg': p['SNRG'], 'snrr': p['SNRR'], 'snri': p['SNRI'], 'snrz': p['SNRZ'], 'data_v': p['DATA_V']})
            compared += 1

        joined = tap.run_sync('SELECT s.obs_id, d.targetid FROM spec.specobj AS s JOIN desi.fibermap AS d ON d.specobjid = s.specobjid AND d.collection = s.collection').to_table()
        if len(joined) != len(desi) or not all(value(j['obs_id']).endswith(str(j['targetid'])) for j in joined):
            raise AssertionError(f'the join of spec.specobj and desi.fibermap gave {len(joined)} rows for {len(desi)}')
        print('compared', compared, len(desi), len(lamost))
        """;

    [Fact]
    public void Survey_tables_over_tap_hold_the_values_astropy_reads_from_the_files()
    {
        var r = ExternalTool.RunPython(Script, server.BaseUri.ToString(), TestPaths.RealData);
        Assert.True(r.ExitCode == 0, r.All);
        // 8 DESI target fibres (2 in each of the 4 files) and 2 LAMOST spectra, each compared; no other rows.
        Assert.Equal("compared 10 8 2", r.StdOut.Trim());
    }

    /// <summary>STILTS taplint over the service with all three surveys' rows (the survey tables filled, not empty).</summary>
    [Fact]
    public void Taplint_over_three_surveys_finds_no_errors_and_no_warnings()
    {
        using var dir = TestPaths.NewTempDir("taplint");
        ExternalTool.Require("stilts");
        var r = ExternalTool.Run("bash", [VoSpec.Server.Tests.Interop.Conformance.Script("run-taplint.sh"), server.BaseUri + "tap", dir.Path], timeout: TimeSpan.FromMinutes(5));
        var summary = r.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith("TAPLINT SUMMARY:")) ?? "";
        Assert.True(r.ExitCode == 0, "taplint reported errors:\n" + r.All);
        Assert.Contains("Errors=0", summary);
        Assert.Contains("Warnings=0", summary);
    }
}

public sealed class SurveyTablesTests(RealSurveysServer server) : SurveyTablesTestsBase(server), IClassFixture<RealSurveysServer>;

public sealed class PostgresSurveyTablesTests(PostgresRealSurveysServer server) : SurveyTablesTestsBase(server), IClassFixture<PostgresRealSurveysServer>;
