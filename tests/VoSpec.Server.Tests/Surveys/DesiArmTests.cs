using System.Net;
using System.Xml.Linq;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Tests.Interop;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.DataLink.Catalogue;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// Issue 15, point 4: "DESI's three arms are kept as they are (for fidelity: DataLink offers each arm)". Every DESI
/// spectrum whose source file is there lists its B, R and Z arms in {links} (#progenitor, local_semantics arm-b/-r/-z,
/// content_length exact), other surveys' spectra none; /datalink/arm serves each arm as a FITS table whose arrays astropy
/// reads equal, bit for bit and type for type, to its own reading of that fibre's rows of the source file's HDUs — for
/// the real coadd and spectra files (tile-compressed masks) ingested by copying, on SQLite and PostgreSQL (this class),
/// and for real and generated DESI-like coadds ingested in place (<see cref="DesiArmInPlaceTests"/>). The script's own
/// comparison is shown to fail on one flipped byte of a served file.
/// </summary>
public abstract class DesiArmTestsBase(RealSurveysServer server)
{
    protected RealSurveysServer Server => server;

    /// <summary>
    /// For every DESI spectrum of the archive: its links' arm rows, each arm fetched and compared with astropy's reading of
    /// the source file named in its header (looked for in the directories given). Prints "arms N files M flip-seen".
    /// </summary>
    public const string CompareScript = """
        import sys, io, os, warnings, urllib.request, urllib.parse
        import numpy as np
        from astropy.io import fits
        import pyvo
        warnings.simplefilter('ignore')
        base, dirs = sys.argv[1], sys.argv[2:]
        tap = pyvo.dal.TAPService(base + 'tap')
        dids = [str(x) for x in tap.run_sync("SELECT obs_publisher_did FROM ivoa.obscore WHERE obs_collection = 'desi' "
                                             "ORDER BY obs_publisher_did").to_table()['obs_publisher_did']]
        assert dids, 'no DESI spectrum'

        def native(a):
            a = np.asarray(a)
            return np.ascontiguousarray(a.astype(a.dtype.newbyteorder('=')))

        def same(got, want):
            g, w = native(got), native(want)
            return g.shape == w.shape and g.dtype == w.dtype and g.tobytes() == w.tobytes()

        def source(name):
            found = [os.path.join(d, name) for d in dirs if os.path.exists(os.path.join(d, name))]
            assert len(found) == 1, (name, found)
            return found[0]

        def compare(data, arm):
            # Every column of the served table against the source file's HDUs of that fibre; the first difference or None.
            with fits.open(io.BytesIO(data)) as served:
                h, t = served[0].header, served['ARM']
                assert h['ARM'] == arm and t.header['ARM'] == arm
                with fits.open(source(h['SOURCE'])) as src:
                    fm = src['FIBERMAP'].data
                    rows = [i for i in range(len(fm)) if int(fm['TARGETID'][i]) == h['TARGETID']
                            and ('EXPID' not in h or int(fm['EXPID'][i]) == h['EXPID'])]
                    assert rows == [h['FIBROW']], (rows, h['FIBROW'])
                    row = rows[0]
                    want = {'WAVELENGTH': src[arm + '_WAVELENGTH'].data, 'FLUX': src[arm + '_FLUX'].data[row],
                            'IVAR': src[arm + '_IVAR'].data[row], 'MASK': src[arm + '_MASK'].data[row],
                            'RESOLUTION': src[arm + '_RESOLUTION'].data[row].T}
                    assert t.columns.names == list(want), t.columns.names
                    assert t.columns['WAVELENGTH'].unit == 'Angstrom'
                    assert t.columns['FLUX'].unit == src[arm + '_FLUX'].header['BUNIT'], t.columns['FLUX'].unit
                    assert t.columns['IVAR'].unit == src[arm + '_IVAR'].header['BUNIT']
                    assert h['WAVEMIN'] == want['WAVELENGTH'][0] and h['WAVEMAX'] == want['WAVELENGTH'][-1]
                    for name, w in want.items():
                        if not same(t.data[name], w): return name
            return None

        arms = flips = 0
        files = set()
        for did in dids:
            links = pyvo.dal.adhoc.DatalinkResults.from_result_url(base + 'datalink/links?ID=' + urllib.parse.quote(did, safe=''))
            rows = list(links)
            sem = [str(r['local_semantics']) for r in rows]
            armrows = [r for r in rows if str(r['local_semantics']).startswith('arm-')]
            assert [str(r['local_semantics']) for r in armrows] == ['arm-b', 'arm-r', 'arm-z'], sem
            # Right after the source file's row: the arms the merged spectrum was made from.
            at = sem.index('source-file')
            assert sem[at + 1:at + 4] == ['arm-b', 'arm-r', 'arm-z'], sem
            for r in armrows:
                arm = str(r['local_semantics'])[-1].upper()
                assert str(r['semantics']) == '#progenitor' and str(r['content_qualifier']) == '#spectrum'
                assert str(r['content_type']) == 'application/fits' and str(r['ID']) == did
                data = urllib.request.urlopen(str(r['access_url'])).read()
                assert len(data) == int(r['content_length']), (len(data), r['content_length'])
                with fits.open(io.BytesIO(data)) as served:
                    h = served[0].header
                    files.add(h['SOURCE'])
                    desc = str(r['description'])
                    assert f"The {arm} arm ({h['WAVEMIN']:.1f}-{h['WAVEMAX']:.1f} Angstrom" in desc, desc
                    off = served['ARM']._data_offset
                    width = served['ARM'].header['NAXIS1']
                bad = compare(data, arm)
                if bad: raise AssertionError(f'{did} arm {arm}: column {bad} differs from the source file')
                arms += 1
                if flips == 0:
                    # The comparison is sensitive: one byte of one FLUX value (row 100, the last byte of the float) flipped.
                    broken = bytearray(data)
                    broken[off + 100 * width + 8 + 3] ^= 0x01
                    assert compare(bytes(broken), arm) == 'FLUX', 'a flipped FLUX byte was not seen'
                    flips += 1
        print('arms', arms, 'files', len(files), 'flip-seen', flips)
        """;

    private static async Task<List<Dictionary<string, string?>>> Links(RunningServer server, string did) =>
        Rows(XDocument.Parse(await server.Client.GetStringAsync($"datalink/links?ID={Esc(did)}")));

    [Fact]
    public async Task Desi_spectra_list_their_three_arms_after_the_source_file_and_other_surveys_none()
    {
        var all = server.Spectrum();
        Assert.Equal(8, all.Count(s => s.Collection == "desi"));
        foreach (var s in all)
        {
            var rows = await Links(server, s.Did);
            var arms = rows.Where(r => r["local_semantics"]?.StartsWith("arm-", StringComparison.Ordinal) == true).ToList();
            if (s.Collection != "desi")
            {
                Assert.Empty(arms);
                Assert.DoesNotContain(rows, r => r["access_url"]?.Contains("datalink/arm", StringComparison.Ordinal) == true);
                continue;
            }
            Assert.Equal(["arm-b", "arm-r", "arm-z"], arms.Select(r => r["local_semantics"]));
            var semantics = rows.Select(r => r["local_semantics"]).ToList();
            int at = semantics.IndexOf("source-file");
            // The source file's row gives the length /datalink/progenitor serves: the whole file, though it holds several spectra.
            var progenitor = await server.Client.GetByteArrayAsync(rows[at]["access_url"]);
            Assert.Equal(progenitor.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), rows[at]["content_length"]);
            Assert.Equal(["arm-b", "arm-r", "arm-z"], semantics.Skip(at + 1).Take(3));
            foreach (var (r, arm) in arms.Zip(new[] { "B", "R", "Z" }))
            {
                Assert.Equal("#progenitor", r["semantics"]);
                Assert.Equal("#spectrum", r["content_qualifier"]);
                Assert.Equal("application/fits", r["content_type"]);
                Assert.Null(r["error_message"]);
                Assert.StartsWith($"The {arm} arm (", r["description"]);
                Assert.Contains("RESOLUTION (11 diagonals per pixel)", r["description"]);
                Assert.EndsWith($"datalink/arm?ID={Esc(s.Did)}&ARM={arm}", r["access_url"]);
                using var got = await server.Client.GetAsync(r["access_url"]);
                Assert.Equal(HttpStatusCode.OK, got.StatusCode);
                Assert.Equal("application/fits", got.Content.Headers.ContentType?.MediaType);
                var body = await got.Content.ReadAsByteArrayAsync();
                Assert.Equal(long.Parse(r["content_length"]!, System.Globalization.CultureInfo.InvariantCulture), body.Length);
                Assert.Equal(body.Length, got.Content.Headers.ContentLength);
            }
            // B 3600-5800, R 5760-7620, Z 7520-9824 Angstrom: DESI's cameras.
            Assert.Contains("(3600.0-5800.0 Angstrom, 2751 pixels)", arms[0]["description"]);
            Assert.Contains("(5760.0-7620.0 Angstrom, 2326 pixels)", arms[1]["description"]);
            Assert.Contains("(7520.0-9824.0 Angstrom, 2881 pixels)", arms[2]["description"]);
        }
    }

    [Fact]
    public void Astropy_reads_every_served_arm_as_the_source_files_fibre_bit_for_bit()
    {
        var r = ExternalTool.RunPython(CompareScript, Server.BaseUri.ToString(), Path.Combine(TestPaths.RealData, "desi"));
        Assert.True(r.ExitCode == 0, r.All);
        // 8 DESI spectra × 3 arms, from all 4 real files (the spectra-* ones with tile-compressed masks).
        Assert.Equal("arms 24 files 4 flip-seen 1", r.StdOut.Trim());
    }

    [Fact]
    public async Task Every_served_arm_passes_fitsverify()
    {
        using var dir = TestPaths.NewTempDir("arm-fitsverify");
        foreach (var s in server.Spectrum().Where(s => s.Collection == "desi"))
            foreach (var arm in new[] { "B", "R", "Z" })
            {
                var path = Path.Combine(dir.Path, $"{s.ObsId}-{arm}.fits");
                await File.WriteAllBytesAsync(path, await server.Client.GetByteArrayAsync($"datalink/arm?ID={Esc(s.Did)}&ARM={arm}"));
                var verify = ExternalTool.Run("/usr/bin/fitsverify", [path]);
                Assert.True(verify.All.Contains("Verification found 0 warning(s) and 0 error(s)", StringComparison.Ordinal), verify.All);
            }
    }

    [Fact]
    public async Task Datalinklint_finds_no_errors_in_links_with_arm_rows()
    {
        var desi = server.Spectrum().Where(s => s.Collection == "desi").ToList();
        using var dir = TestPaths.NewTempDir("datalinklint-arms");
        ExternalTool.Require("stilts");
        foreach (var s in new[] { desi.First(s => s.ObsId == "sv3-dark-26065-39627866878514741"), desi.First(s => s.ObsId.Contains("-e", StringComparison.Ordinal)) })
        {
            var links = $"{server.BaseUri}datalink/links?ID={Esc(s.Did)}";
            Assert.Contains("arm-z", await server.Client.GetStringAsync(links));
            var r = ExternalTool.Run("env", [$"OUTDIR={dir.Path}", "bash", Conformance.Script("run-datalinklint.sh"), links], timeout: TimeSpan.FromMinutes(5));
            Assert.True(r.ExitCode == 0, "datalinklint reported errors:\n" + r.All);
            Assert.Contains("DATALINKLINT SUMMARY: Errors=0", r.StdOut);
        }
    }

    [Fact]
    public async Task Bad_requests_get_dali_text_faults()
    {
        var desi = server.Spectrum().First(s => s.Collection == "desi");
        var sdss = server.Spectrum().First(s => s.Collection == "sdss");
        string missing = desi.Did[..(desi.Did.IndexOf('?') + 1)] + "1234567890123";
        async Task Expect(string query, HttpStatusCode status, string start)
        {
            using var r = await server.Client.GetAsync("datalink/arm?" + query);
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == status, $"{query}: {(int)r.StatusCode} {body}");
            Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith(start, body, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        }
        await Expect($"ID={Esc(desi.Did)}", HttpStatusCode.BadRequest, "UsageFault: missing ARM parameter");
        await Expect($"ID={Esc(desi.Did)}&ARM=", HttpStatusCode.BadRequest, "UsageFault: missing ARM parameter");
        await Expect($"ID={Esc(desi.Did)}&ARM=X", HttpStatusCode.BadRequest, "UsageFault: ARM must be B, R or Z");
        await Expect($"ID={Esc(desi.Did)}&ARM=BR", HttpStatusCode.BadRequest, "UsageFault: ARM must be B, R or Z");
        await Expect($"ID={Esc(desi.Did)}&ARM=B&ARM=R", HttpStatusCode.BadRequest, "UsageFault: parameter ARM may be given only once");
        await Expect($"ID={Esc(desi.Did)}&ARM=B&RESPONSEFORMAT=votable", HttpStatusCode.BadRequest, "UsageFault: unsupported RESPONSEFORMAT");
        await Expect("ARM=B", HttpStatusCode.BadRequest, "UsageFault: missing ID parameter");
        await Expect("ID=not-an-id&ARM=B", HttpStatusCode.BadRequest, "UsageFault: 'not-an-id' is not a dataset identifier");
        await Expect($"ID={Esc(missing)}&ARM=B", HttpStatusCode.NotFound, $"NotFoundFault: no spectrum with ID {missing}");
        // An SDSS spectrum has no arms.
        await Expect($"ID={Esc(sdss.Did)}&ARM=B", HttpStatusCode.NotFound, "NotFoundFault: spectrum ");
        // Parameter names are case-insensitive (DALI), and so is the arm; RESPONSEFORMAT may name FITS.
        using var ok = await server.Client.GetAsync($"datalink/arm?id={Esc(desi.Did)}&arm=z&RESPONSEFORMAT=application/fits");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}

public sealed class DesiArmTests(RealSurveysServer server) : DesiArmTestsBase(server), IClassFixture<RealSurveysServer>;

public sealed class PostgresDesiArmTests(PostgresRealSurveysServer server) : DesiArmTestsBase(server), IClassFixture<PostgresRealSurveysServer>;

/// <summary>The desi collection proprietary: its arms answer as a missing spectrum's without the token, and are served with it.</summary>
public sealed class ProprietaryDesiArmTests(ProprietaryDesiServer server) : IClassFixture<ProprietaryDesiServer>
{
    [Fact]
    public async Task Arms_of_a_proprietary_spectrum_need_the_token()
    {
        // The DIDs are not listed without the token: read them with it.
        using var list = await server.Client.SendAsync(GovernedServer.Request(HttpMethod.Get,
            "tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Esc("SELECT obs_publisher_did FROM ivoa.obscore WHERE obs_collection = 'desi' ORDER BY obs_id"), ProprietaryDesiServer.Token));
        var desi = (await list.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToList();
        Assert.Equal(8, desi.Count);
        string did = desi[0];
        string missing = did[..(did.IndexOf('?') + 1)] + "1234567890123";
        async Task<(HttpStatusCode Status, string Body)> Get(string path, string? token)
        {
            using var r = await server.Client.SendAsync(GovernedServer.Request(HttpMethod.Get, path, token));
            return (r.StatusCode, await r.Content.ReadAsStringAsync());
        }
        foreach (var token in new[] { null, "wrong-token" })
        {
            var hidden = await Get($"datalink/arm?ID={Esc(did)}&ARM=B", token);
            var none = await Get($"datalink/arm?ID={Esc(missing)}&ARM=B", token);
            Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
            Assert.Equal(none.Status, hidden.Status);
            Assert.Equal(none.Body.Replace(missing, did), hidden.Body);
            Assert.DoesNotContain("arm-b", (await Get($"datalink/links?ID={Esc(did)}", token)).Body);
        }
        var open = await Get($"datalink/arm?ID={Esc(did)}&ARM=B", ProprietaryDesiServer.Token);
        Assert.Equal(HttpStatusCode.OK, open.Status);
        Assert.Contains("arm-b", (await Get($"datalink/links?ID={Esc(did)}", ProprietaryDesiServer.Token)).Body);
    }
}

/// <summary>
/// Arms of coadds ingested in place (<c>vospec ingest --in-place</c>) — the real ones and a generated DESI-like one of
/// 12 target fibres (bench/desi_like.py) — on SQLite and PostgreSQL; and what happens when source files go or change,
/// for in-place and copied ingests alike: no arm rows and a 404 NotFoundFault naming the file.
/// </summary>
public sealed class DesiArmInPlaceTests
{
    private sealed class ArmServer : RunningServer
    {
        private readonly List<string> _files;
        private readonly bool _inPlace;

        public ArmServer(IEnumerable<string> files, bool inPlace, string? database = null)
        {
            _files = files.ToList();
            _inPlace = inPlace;
            Database = database;
        }

        protected override void BeforeStart()
        {
            using var archive = SpectrumArchive.Open(ArchiveDir, new ArchiveOptions { Database = Database });
            var report = new Ingester(archive).Run(_files, "sdss", inPlace: _inPlace);
            if (report.Failed != 0 || report.Ingested == 0) throw new InvalidOperationException($"ingest failed: {string.Join("; ", report.Failures)}");
            if (_inPlace && report.InPlace != report.Ingested) throw new InvalidOperationException($"{report.InPlace} of {report.Ingested} in place");
        }

        public IReadOnlyList<(string Did, string ObsId)> Desi() =>
            Query("SELECT obs_publisher_did, obs_id FROM ivoa.obscore WHERE obs_collection = 'desi' ORDER BY obs_id")
                .Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
    }

    private static async Task<ArmServer> Started(ArmServer server)
    {
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Copies of the real coadds, and a generated DESI-like coadd (HEALPix 26066, 12 target fibres) beside them.</summary>
    private static List<string> Files(TempDir dir, bool generated)
    {
        var files = Directory.EnumerateFiles(Path.Combine(TestPaths.RealData, "desi"), "coadd-*.fits").Order(StringComparer.Ordinal)
            .Select(f => { var to = Path.Combine(dir.Path, Path.GetFileName(f)); File.Copy(f, to); return to; }).ToList();
        if (!generated) return files;
        var gen = Path.Combine(dir.Path, "gen");
        var r = ExternalTool.Run(ExternalTool.Python, [Path.Combine(TestPaths.RepoRoot, "bench", "desi_like.py"),
            Path.Combine(TestPaths.RealData, "desi", "coadd-sv3-dark-26065.fits"), gen, "2", "12"]);
        Assert.True(r.ExitCode == 0, r.All);
        // The first generated file has the real one's name (HEALPix 26065): only the second is kept.
        var kept = Path.Combine(dir.Path, "coadd-sv3-dark-26066.fits");
        File.Move(Path.Combine(gen, "coadd-sv3-dark-26066.fits"), kept);
        Directory.Delete(gen, recursive: true);
        files.Add(kept);
        return files;
    }

    private static async Task<int> ArmRows(RunningServer server, string did) =>
        Rows(XDocument.Parse(await server.Client.GetStringAsync($"datalink/links?ID={Esc(did)}")))
            .Count(r => r["local_semantics"]?.StartsWith("arm-", StringComparison.Ordinal) == true);

    private static async Task<(HttpStatusCode Status, string Body)> Arm(RunningServer server, string did, string arm = "B")
    {
        using var r = await server.Client.GetAsync($"datalink/arm?ID={Esc(did)}&ARM={arm}");
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task In_place_coadds_real_and_generated_serve_their_arms_bit_for_bit_and_refuse_them_once_gone_or_changed(bool postgres)
    {
        using var dir = TestPaths.NewTempDir("arms-inplace");
        var files = Files(dir, generated: true);
        await using var served = await Started(new ArmServer(files, inPlace: true, postgres ? PostgresDatabases.NewDatabase() : null)).AsAsync();
        var server = served.Server;
        var desi = server.Desi();
        Assert.Equal(4 + 12, desi.Count);

        var r = ExternalTool.RunPython(DesiArmTestsBase.CompareScript, server.BaseUri.ToString(), dir.Path);
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Equal("arms 48 files 3 flip-seen 1", r.StdOut.Trim());
        var generated = desi.Where(d => d.ObsId.StartsWith("sv3-dark-26066-", StringComparison.Ordinal)).ToList();
        Assert.Equal(12, generated.Count);
        var verifyPath = Path.Combine(dir.Path, "served-arm.fits");
        await File.WriteAllBytesAsync(verifyPath, await server.Client.GetByteArrayAsync($"datalink/arm?ID={Esc(generated[0].Did)}&ARM=R"));
        Assert.Contains("Verification found 0 warning(s) and 0 error(s)", ExternalTool.Run("/usr/bin/fitsverify", [verifyPath]).All);

        // Removed: its spectra have no arm rows and their arms are 404; the others keep theirs.
        File.Delete(Path.Combine(dir.Path, "coadd-sv3-dark-26066.fits"));
        foreach (var (did, _) in generated)
        {
            Assert.Equal(0, await ArmRows(server, did));
            var (status, body) = await Arm(server, did);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.StartsWith("NotFoundFault: ", body, StringComparison.Ordinal);
            Assert.Contains("coadd-sv3-dark-26066.fits, which is no longer where it was ingested from", body, StringComparison.Ordinal);
            Assert.DoesNotContain(dir.Path, body, StringComparison.Ordinal);
        }
        var real = desi.Except(generated).ToList();
        foreach (var (did, _) in real)
        {
            Assert.Equal(3, await ArmRows(server, did));
            Assert.Equal(HttpStatusCode.OK, (await Arm(server, did, "Z")).Status);
        }

        // Rewritten after ingest with the same bytes: in place, the stamp (length, modification time) differs, so it is refused.
        var tileFile = Path.Combine(dir.Path, "coadd-5-169-thru20210419.fits");
        File.WriteAllBytes(tileFile, File.ReadAllBytes(tileFile));
        File.SetLastWriteTimeUtc(tileFile, DateTime.UtcNow.AddMinutes(1));
        foreach (var (did, _) in real.Where(d => d.ObsId.StartsWith("169-", StringComparison.Ordinal)))
        {
            Assert.Equal(0, await ArmRows(server, did));
            var (status, body) = await Arm(server, did, "R");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("coadd-5-169-thru20210419.fits, which has changed since ingest", body, StringComparison.Ordinal);
        }
        foreach (var (did, _) in real.Where(d => d.ObsId.StartsWith("sv3-", StringComparison.Ordinal)))
            Assert.Equal(HttpStatusCode.OK, (await Arm(server, did)).Status);
    }

    /// <summary>
    /// A copied ingest recorded no stamp: a file touched but unchanged keeps its arms; one whose fibre's values differ
    /// from the archive's merged spectrum (one flux value of B halved) is refused; a removed one has none.
    /// </summary>
    [Fact]
    public async Task Copied_ingests_refuse_arms_of_a_file_whose_fibre_changed_or_that_is_gone()
    {
        using var dir = TestPaths.NewTempDir("arms-copied");
        var files = Files(dir, generated: false);
        foreach (var name in new[] { "spectra-sv3-dark-26065.fits" })
        {
            var to = Path.Combine(dir.Path, name);
            File.Copy(Path.Combine(TestPaths.RealData, "desi", name), to);
            files.Add(to);
        }
        await using var served = await Started(new ArmServer(files, inPlace: false)).AsAsync();
        var server = served.Server;
        var desi = server.Desi();
        Assert.Equal(6, desi.Count);
        foreach (var (did, _) in desi) Assert.Equal(3, await ArmRows(server, did));

        // Touched, same bytes: still the spectrum the archive has.
        var healpix = Path.Combine(dir.Path, "coadd-sv3-dark-26065.fits");
        File.SetLastWriteTimeUtc(healpix, DateTime.UtcNow.AddMinutes(1));
        var target = desi.First(d => d.ObsId == "sv3-dark-26065-39627866878514741");
        Assert.Equal(HttpStatusCode.OK, (await Arm(server, target.Did)).Status);

        // One flux value of that fibre's B arm halved (pixel 1000, in no overlap): refused, every arm of that fibre.
        var bytes = File.ReadAllBytes(healpix);
        var fits = VoSpec.Fits.FitsReader.Parse(bytes, healpix);
        var fibermap = fits.Get<VoSpec.Fits.BinaryTable>("FIBERMAP");
        int row = Enumerable.Range(0, fibermap.RowCount).Single(i => fibermap.GetLong(i, "TARGETID") == 39627866878514741);
        var flux = fits.GetImage("B_FLUX");
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(flux.Data, out var segment));
        int at = segment.Offset + (row * flux.Axes[0] + 1000) * 4;
        float value = System.Buffers.Binary.BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(at));
        System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(at), value / 2);
        File.WriteAllBytes(healpix, bytes);
        foreach (var arm in new[] { "B", "R", "Z" })
        {
            var (status, body) = await Arm(server, target.Did, arm);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("coadd-sv3-dark-26065.fits, which has changed since ingest (the fibre's values differ from the archive's spectrum)", body, StringComparison.Ordinal);
        }
        // The other target of that file is untouched and still served.
        var other = desi.Single(d => d.ObsId.StartsWith("sv3-dark-26065-", StringComparison.Ordinal) && !d.ObsId.Contains("-e", StringComparison.Ordinal) && d != target);
        Assert.Equal(HttpStatusCode.OK, (await Arm(server, other.Did)).Status);

        // The exposures' spectra file removed: no arm rows, 404 for every arm.
        File.Delete(Path.Combine(dir.Path, "spectra-sv3-dark-26065.fits"));
        foreach (var (did, obsId) in desi.Where(d => d.ObsId.Contains("-e", StringComparison.Ordinal)))
        {
            Assert.Equal(0, await ArmRows(server, did));
            var (status, body) = await Arm(server, did, "Z");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.StartsWith("NotFoundFault: ", body, StringComparison.Ordinal);
            Assert.Contains("spectra-sv3-dark-26065.fits, which is no longer where it was ingested from", body, StringComparison.Ordinal);
        }
    }
}
