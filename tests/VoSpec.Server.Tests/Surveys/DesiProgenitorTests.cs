using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Tests.Interop;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// Issue 15: a DESI coadd's {links} lists the single exposures of the same target and group as #progenitor, and each
/// exposure's lists its coadd as #derivation, on both backends. pyVO reads the documents; which exposures belong to
/// which coadd is what astropy reads from the real files' FIBERMAP and EXP_FIBERMAP; datalinklint finds no error in
/// either kind of document; a coadd whose exposures were not ingested has no such row.
/// </summary>
public abstract class DesiProgenitorTestsBase(RealSurveysServer server)
{
    protected RealSurveysServer Server => server;

    private const string Script = """
        import sys, glob, os, warnings
        from urllib.parse import urlparse, parse_qs
        import urllib.request
        import numpy as np
        from astropy.io import fits
        import pyvo
        warnings.simplefilter('ignore')
        base, real = sys.argv[1], sys.argv[2]
        tap = pyvo.dal.TAPService(base + 'tap')

        # Every DESI spectrum's DID with its target, exposure and group, from the catalogue.
        rows = tap.run_sync('SELECT o.obs_publisher_did, o.obs_id, d.targetid, d.expid FROM spec.specobj AS s '
                            'JOIN desi.fibermap AS d ON d.specobjid = s.specobjid AND d.collection = s.collection '
                            'JOIN ivoa.obscore AS o ON o.obs_id = s.obs_id AND o.obs_collection = s.collection').to_table()
        def v(x): return None if x is None or x is np.ma.masked else (x.decode() if isinstance(x, bytes) else x)
        by_did = {str(r['obs_publisher_did']): (str(r['obs_id']), int(r['targetid']), None if v(r['expid']) is None else int(r['expid'])) for r in rows}

        def links(did):
            return pyvo.dal.adhoc.DatalinkResults.from_result_url(base + 'datalink/links?ID=' + urllib.request.quote(did, safe=''))

        def linked_id(row):
            return parse_qs(urlparse(str(row['access_url'])).query)['ID'][0]

        checked = exposures = 0
        for coadd_path in sorted(glob.glob(os.path.join(real, 'desi', 'coadd-*.fits'))):
            group = os.path.basename(coadd_path)[len('coadd-'):-len('.fits')]
            spectra_path = os.path.join(real, 'desi', 'spectra-' + group + '.fits')
            with fits.open(coadd_path) as c, fits.open(spectra_path) as s:
                targets = [int(r['TARGETID']) for r in c['FIBERMAP'].data if r['OBJTYPE'].strip() == 'TGT' and r['TARGETID'] > 0]
                listed = {}
                for r in c['EXP_FIBERMAP'].data: listed.setdefault(int(r['TARGETID']), set()).add(int(r['EXPID']))
                ingested = {}
                for r in s['FIBERMAP'].data:
                    if r['OBJTYPE'].strip() == 'TGT' and r['TARGETID'] > 0: ingested.setdefault(int(r['TARGETID']), set()).add(int(r['EXPID']))
            for t in targets:
                want = ingested.get(t, set())
                # The spectra file holds exposures of the coadd (EXP_FIBERMAP), and not all of them (specutils kept 5 rows).
                assert want and want <= listed[t], (group, t, want, listed.get(t))
                coadd = [d for d, (o, tt, e) in by_did.items() if tt == t and e is None]
                assert len(coadd) == 1, (group, t, coadd)
                prefix = by_did[coadd[0]][0][:-len(str(t))]
                doc = links(coadd[0])
                prog = [r for r in doc if r['semantics'] == '#progenitor' and r['local_semantics'] == 'exposure']
                got = set()
                for r in prog:
                    assert str(r['ID']) == coadd[0] and str(r['content_type']) == 'application/fits' and not v(r['error_message'])
                    o, tt, e = by_did[linked_id(r)]
                    assert tt == t and o == f'{prefix}e{e}-{t}', (o, tt, e)
                    got.add(e)
                    data = urllib.request.urlopen(str(r['access_url'])).read()
                    assert len(data) == int(r['content_length']), (len(data), r['content_length'])
                    with fits.open(__import__('io').BytesIO(data)) as h: assert h[0].header['SIMPLE']
                    exposures += 1
                    # And back: the exposure names its coadd (#derivation) and has no #progenitor exposure of its own.
                    back = links(linked_id(r))
                    der = [x for x in back if x['semantics'] == '#derivation']
                    assert [linked_id(x) for x in der] == [coadd[0]], [linked_id(x) for x in der]
                    assert not [x for x in back if x['local_semantics'] == 'exposure']
                assert len(prog) == len(got), 'an exposure was linked twice'
                if got != want: raise AssertionError(f'{group} {t}: #progenitor exposures {sorted(got)}, the spectra file holds {sorted(want)}')
                checked += 1
        print('coadds', checked, 'exposures', exposures)
        """;

    [Fact]
    public void Coadds_link_the_exposures_astropy_reads_from_the_spectra_files_and_back()
    {
        var r = ExternalTool.RunPython(Script, server.BaseUri.ToString(), TestPaths.RealData);
        Assert.True(r.ExitCode == 0, r.All);
        // 2 target fibres in each of the 2 coadds, each with the 1 exposure its spectra file kept.
        Assert.Equal("coadds 4 exposures 4", r.StdOut.Trim());
    }

    [Fact]
    public async Task Datalinklint_finds_no_errors_in_a_coadds_or_an_exposures_links()
    {
        var desi = server.Spectrum().Where(s => s.Collection == "desi").ToList();
        var coadd = desi.First(s => s.ObsId == "sv3-dark-26065-39627866878514741");
        var exposure = desi.First(s => s.ObsId == "sv3-dark-26065-e83734-39627866878514741");
        using var dir = TestPaths.NewTempDir("datalinklint");
        ExternalTool.Require("stilts");
        foreach (var did in new[] { coadd.Did, exposure.Did })
        {
            var links = $"{server.BaseUri}datalink/links?ID={Uri.EscapeDataString(did)}";
            var body = await server.Client.GetStringAsync(links);
            Assert.Contains(did == coadd.Did ? "#progenitor" : "#derivation", body);
            var r = ExternalTool.Run("env", [$"OUTDIR={dir.Path}", "bash", Conformance.Script("run-datalinklint.sh"), links], timeout: TimeSpan.FromMinutes(5));
            Assert.True(r.ExitCode == 0, "datalinklint reported errors:\n" + r.All);
            Assert.Contains("DATALINKLINT SUMMARY: Errors=0", r.StdOut);
        }
    }
}

public sealed class DesiProgenitorTests(RealSurveysServer server) : DesiProgenitorTestsBase(server), IClassFixture<RealSurveysServer>
{
    /// <summary>The relatives are found through indexes (10 M-row archives exist): SQLite's plan scans no table.</summary>
    [Fact]
    public void The_relatives_lookup_uses_indexes_and_scans_no_table()
    {
        using var archive = Server.OpenArchive();
        string Plan(string sql)
        {
            using var conn = archive.Sqlite.OpenConnection();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
            using var r = cmd.ExecuteReader();
            var lines = new List<string>();
            while (r.Read()) lines.Add(r.GetString(3));
            return string.Join("\n", lines);
        }
        static bool Scans(string plan) => plan.Split('\n').Any(l => l.StartsWith("SCAN", StringComparison.Ordinal));

        // The check sees a scan where there is one (survey is not indexed).
        Assert.True(Scans(Plan("SELECT * FROM desi_fibermap WHERE survey = 'sv3'")));
        var plan = Plan(VoSpec.Archive.Catalogue.SpectrumFamilies.Sql);
        Assert.False(Scans(plan), plan);
        Assert.Contains("desi_fibermap_specobjid", plan);
        Assert.Contains("desi_fibermap_targetid", plan);
    }
}

public sealed class PostgresDesiProgenitorTests(PostgresRealSurveysServer server) : DesiProgenitorTestsBase(server), IClassFixture<PostgresRealSurveysServer>;

/// <summary>A DESI coadd alone: its exposures' spectra file was not ingested, so its links have no exposure rows (its arms, read from its own file, it has).</summary>
public sealed class DesiCoaddAloneServer : RunningServer
{
    protected override void BeforeStart()
    {
        using var archive = SpectrumArchive.Open(ArchiveDir, new ArchiveOptions { Database = Database });
        var report = new Ingester(archive).Run([Path.Combine(TestPaths.RealData, "desi", "coadd-sv3-dark-26065.fits")], "desi");
        if (report.Ingested != 2 || report.Failed != 0) throw new InvalidOperationException($"expected the coadd's 2 targets, ingested {report.Ingested}");
    }
}

public sealed class DesiCoaddAloneTests(DesiCoaddAloneServer server) : IClassFixture<DesiCoaddAloneServer>
{
    [Fact]
    public async Task A_coadd_without_its_exposures_ingested_has_only_its_source_file_and_its_arms_as_progenitors()
    {
        var dids = server.Query("SELECT obs_publisher_did FROM ivoa.obscore").Select(r => (string)r[0]!).ToList();
        Assert.Equal(2, dids.Count);
        foreach (var did in dids)
        {
            var rows = await LinksRows(did);
            Assert.Equal(["source-file", "arm-b", "arm-r", "arm-z"], rows.Where(r => r["semantics"] == "#progenitor").Select(r => r["local_semantics"]));
            Assert.DoesNotContain(rows, r => r["semantics"] == "#derivation");
        }
    }

    private async Task<List<Dictionary<string, string?>>> LinksRows(string did) =>
        VoSpec.Server.Tests.DataLink.Catalogue.Rows(System.Xml.Linq.XDocument.Parse(
            await server.Client.GetStringAsync($"datalink/links?ID={Uri.EscapeDataString(did)}")));
}
