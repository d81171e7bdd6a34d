using System.Globalization;
using System.Net;
using System.Text;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Fits;
using VoSpec.Server.Tests.SpecService;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// Why this file exists: issue 15's ingest speed is reached by serving DESI coadds from their source files
/// (<c>vospec ingest --in-place</c>) instead of copying every merged spectrum into the pixel store. That is only
/// acceptable if a client cannot tell: an archive that ingested the real coadds in place answers TAP's rows, DataLink's
/// #this FITS, SODA, getSpec (one id and aligned), stackedImage, plotGrid and the previews byte for byte as one that
/// copied them — on SQLite and on PostgreSQL. A source file removed or rewritten after ingest fails its own spectra
/// with each protocol's error, and the server keeps serving the rest. The comparison is shown to fail when one flux
/// value of one fibre differs.
/// </summary>
public sealed class InPlaceDesiTests
{
    private static IEnumerable<string> RealCoadds() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.RealData, "desi"), "coadd-*.fits").Order(StringComparer.Ordinal);

    /// <summary>A server over the given DESI files, ingested by copying or in place.</summary>
    private sealed class CoaddServer : RunningServer
    {
        private readonly IReadOnlyList<string> _files;
        private readonly bool _inPlace;

        public CoaddServer(IEnumerable<string> files, bool inPlace, string? database = null)
        {
            _files = files.ToList();
            _inPlace = inPlace;
            Database = database;
        }

        public IngestReport Report { get; private set; } = null!;

        protected override void BeforeStart()
        {
            using var archive = SpectrumArchive.Open(ArchiveDir, new ArchiveOptions { Database = Database });
            Report = new Ingester(archive).Run(_files, "sdss", inPlace: _inPlace);
            if (Report.Failed != 0 || Report.Ingested == 0) throw new InvalidOperationException($"ingest failed: {string.Join("; ", Report.Failures)}");
        }

        /// <summary>(DID, specobjid, obs_id) of every DESI spectrum, in obs_id order.</summary>
        public IReadOnlyList<(string Did, string Id, string ObsId)> Desi() =>
            Query("SELECT o.obs_publisher_did, s.specobjid, o.obs_id FROM ivoa.obscore o JOIN spec.specobj s ON s.obs_id = o.obs_id AND s.collection = o.obs_collection WHERE o.obs_collection = 'desi' ORDER BY o.obs_id")
                .Select(r => ((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), (string)r[2]!)).ToList();
    }

    private static async Task<T> Started<T>(T server) where T : RunningServer
    {
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Every answer compared, by name: TAP's tables as CSV, and each spectrum through every consumer of its pixels.</summary>
    private static async Task<SortedDictionary<string, string>> Answers(CoaddServer server)
    {
        var answers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string Normal(byte[] body) => Convert.ToBase64String(Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(body).Replace(server.BaseUri.ToString(), "BASE/", StringComparison.Ordinal)));
        async Task Get(string name, string url)
        {
            using var r = await server.Client.GetAsync(url);
            var body = await r.Content.ReadAsByteArrayAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{url}: {(int)r.StatusCode} {Encoding.UTF8.GetString(body)}");
            answers[name] = Normal(body);
        }
        async Task Post(string name, string call, IEnumerable<string> ids, params (string, string)[] fields) =>
            answers[name] = Normal(await SpecClient.PostBytes(server, call, ids, fields));

        foreach (var (table, order) in new[] { ("ivoa.obscore", "obs_id"), ("spec.specobj", "obs_id"), ("desi.fibermap", "specobjid") })
            await Get(table, $"tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY={Uri.EscapeDataString($"SELECT * FROM {table} ORDER BY {order}")}");
        var desi = server.Desi();
        Assert.Equal(4, desi.Count);
        foreach (var (did, id, obsId) in desi)
        {
            var q = Uri.EscapeDataString(did);
            await Get($"{obsId} #this", $"datalink/dataset?ID={q}");
            await Get($"{obsId} #this npy", $"datalink/dataset?ID={q}&RESPONSEFORMAT=npy");
            // Across the B/R overlap (5660-5930 Å), where the arms are merged.
            await Get($"{obsId} SODA", $"soda/sync?ID={q}&BAND={Uri.EscapeDataString("5.6e-7 6.0e-7")}");
            await Get($"{obsId} preview", $"datalink/preview?ID={q}");
            await Post($"{obsId} getSpec", "getSpec", [id], ("format", "numpy"), ("values", "loglam,flux,ivar,and_mask,or_mask"));
            await Post($"{obsId} getSpec FITS", "getSpec", [id], ("format", "fits"));
        }
        var ids = desi.Select(d => d.Id).ToList();
        await Post("getSpec aligned", "getSpec", ids, ("format", "numpy"), ("align", "True"), ("values", "flux,ivar,and_mask"));
        await Post("stackedImage", "stackedImage", ids, ("xscale", "1.0"), ("yscale", "1.0"), ("thickness", "4"), ("cmap", "gray"));
        await Post("plotGrid", "plotGrid", ids, ("ncols", "2"));
        return answers;
    }

    private static List<string> Differences(SortedDictionary<string, string> a, SortedDictionary<string, string> b)
    {
        Assert.Equal(a.Keys, b.Keys);
        return a.Keys.Where(k => a[k] != b[k]).ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task In_place_answers_every_consumer_byte_for_byte_as_the_copied_archive(bool postgres)
    {
        await using var copied = await Started(new CoaddServer(RealCoadds(), inPlace: false)).AsAsync();
        await using var inPlace = await Started(new CoaddServer(RealCoadds(), inPlace: true, postgres ? PostgresDatabases.NewDatabase() : null)).AsAsync();
        Assert.Equal(0, copied.Server.Report.InPlace);
        Assert.Equal(4, inPlace.Server.Report.InPlace);
        // In place means no pixel was copied: the DESI collection's pixel store is empty.
        Assert.Equal(0, new FileInfo(Path.Combine(inPlace.Server.ArchiveDir, SpectrumArchive.PixelsFolder, "desi.px")).Length);
        Assert.True(new FileInfo(Path.Combine(copied.Server.ArchiveDir, SpectrumArchive.PixelsFolder, "desi.px")).Length > 100_000);
        var want = await Answers(copied.Server);
        var got = await Answers(inPlace.Server);
        Assert.Empty(Differences(want, got));
    }

    /// <summary>The comparison above is sensitive to one pixel: a copy of a coadd with one flux value changed differs there, and only there.</summary>
    [Fact]
    public async Task The_comparison_sees_one_changed_flux_value_of_one_fibre()
    {
        using var dir = TestPaths.NewTempDir("inplace-bad");
        var files = RealCoadds().Select(f => { var to = Path.Combine(dir.Path, Path.GetFileName(f)); File.Copy(f, to); return to; }).ToList();
        // sv3-dark-26065's first target fibre (FIBERMAP row 2): its B arm's pixel 1000 (in no overlap), halved.
        var victim = files.Single(f => f.EndsWith("coadd-sv3-dark-26065.fits", StringComparison.Ordinal));
        var bytes = File.ReadAllBytes(victim);
        var fits = FitsReader.Parse(bytes, victim);
        const int row = 2;
        Assert.Equal("TGT", fits.Get<BinaryTable>("FIBERMAP").GetString(row, "OBJTYPE").Trim());
        long targetId = fits.Get<BinaryTable>("FIBERMAP").GetLong(row, "TARGETID");
        var flux = fits.GetImage("B_FLUX");
        int at = FluxOffset(bytes, flux) + (row * flux.Axes[0] + 1000) * 4;
        float value = System.Buffers.Binary.BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(at));
        Assert.NotEqual(0f, value);
        System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(at), value / 2);
        File.WriteAllBytes(victim, bytes);

        await using var copied = await Started(new CoaddServer(RealCoadds(), inPlace: false)).AsAsync();
        await using var changed = await Started(new CoaddServer(files, inPlace: true)).AsAsync();
        var diff = Differences(await Answers(copied.Server), await Answers(changed.Server));
        string obsId = $"sv3-dark-26065-{targetId}";
        // That fibre's own data answers (not its SODA cut: pixel 1000 of B is 4400 Å, outside the band) and the aligned
        // array and stacked image that hold every fibre. The previews and plotGrid draw thousands of pixels into a few
        // hundred columns, where one halved pixel does not show: they are compared for the pixels they do show.
        Assert.Equal([.. new[] { $"{obsId} #this", $"{obsId} #this npy", $"{obsId} getSpec", $"{obsId} getSpec FITS", "getSpec aligned", "stackedImage" }.Order(StringComparer.Ordinal)], diff);
    }

    /// <summary>Where an image's data start in the file (the reader's views are slices of the parsed buffer).</summary>
    private static int FluxOffset(byte[] file, ImageHdu image)
    {
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(image.Data, out var segment) && ReferenceEquals(segment.Array, file));
        return segment.Offset;
    }

    [Fact]
    public async Task A_source_file_removed_or_rewritten_fails_its_own_spectra_and_the_server_serves_the_rest()
    {
        using var dir = TestPaths.NewTempDir("inplace-gone");
        var files = RealCoadds().Select(f => { var to = Path.Combine(dir.Path, Path.GetFileName(f)); File.Copy(f, to); return to; }).ToList();
        await using var served = await Started(new CoaddServer(files, inPlace: true)).AsAsync();
        var server = served.Server;
        var desi = server.Desi();
        var tile = desi.Where(d => !d.ObsId.StartsWith("sv3-", StringComparison.Ordinal)).ToList();
        var healpix = desi.Where(d => d.ObsId.StartsWith("sv3-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, tile.Count);
        Assert.Equal(2, healpix.Count);

        async Task Works((string Did, string Id, string ObsId) s)
        {
            using (var r = await server.Client.GetAsync($"datalink/dataset?ID={Uri.EscapeDataString(s.Did)}")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            using (var r = await server.Client.GetAsync($"soda/sync?ID={Uri.EscapeDataString(s.Did)}&BAND={Uri.EscapeDataString("5.6e-7 6.0e-7")}")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            using (var r = await SpecClient.Post(server, "getSpec", [s.Id], ("format", "numpy"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        async Task Fails((string Did, string Id, string ObsId) s, string file, string why)
        {
            string Expect(string body, HttpStatusCode status, HttpStatusCode want, string prefix)
            {
                Assert.True(status == want, $"{(int)status}: {body}");
                Assert.StartsWith(prefix, body, StringComparison.Ordinal);
                Assert.Contains($"spectrum {s.Id} of desi is served from its source file {file}, which {why}", body, StringComparison.Ordinal);
                Assert.DoesNotContain(dir.Path, body, StringComparison.Ordinal);   // the file's name, never the server's directories
                return body;
            }
            using (var r = await server.Client.GetAsync($"datalink/dataset?ID={Uri.EscapeDataString(s.Did)}"))
                Expect(await r.Content.ReadAsStringAsync(), r.StatusCode, HttpStatusCode.NotFound, "NotFoundFault: ");
            using (var r = await server.Client.GetAsync($"soda/sync?ID={Uri.EscapeDataString(s.Did)}&BAND={Uri.EscapeDataString("5.6e-7 6.0e-7")}"))
                Expect(await r.Content.ReadAsStringAsync(), r.StatusCode, HttpStatusCode.NotFound, "Error: NotFoundFault: ");
            using (var r = await server.Client.GetAsync($"datalink/preview?ID={Uri.EscapeDataString(s.Did)}"))
                Expect(await r.Content.ReadAsStringAsync(), r.StatusCode, HttpStatusCode.NotFound, "NotFoundFault: ");
            // The spec service's form: one line of text, 400 as for any id it cannot serve; with another id, the whole list fails before any row.
            using (var r = await SpecClient.Post(server, "getSpec", [s.Id], ("format", "numpy")))
                Expect(await r.Content.ReadAsStringAsync(), r.StatusCode, HttpStatusCode.BadRequest, "spectrum ");
            using (var r = await SpecClient.Post(server, "getSpec", [.. desi.Select(d => d.Id)], ("format", "numpy"), ("align", "True")))
                Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }

        foreach (var s in desi) await Works(s);
        var tileFile = files.Single(f => f.EndsWith("coadd-5-169-thru20210419.fits", StringComparison.Ordinal));
        var healpixFile = files.Single(f => f.EndsWith("coadd-sv3-dark-26065.fits", StringComparison.Ordinal));

        // Removed: its spectra fail, the other file's are served.
        File.Delete(tileFile);
        foreach (var s in tile) await Fails(s, Path.GetFileName(tileFile), "is no longer where it was ingested from");
        foreach (var s in healpix) await Works(s);

        // Rewritten after ingest, even with the same bytes (it was opened already): its modification time differs.
        File.WriteAllBytes(healpixFile, File.ReadAllBytes(healpixFile));
        File.SetLastWriteTimeUtc(healpixFile, DateTime.UtcNow.AddMinutes(1));
        foreach (var s in healpix) await Fails(s, Path.GetFileName(healpixFile), "has changed since ingest (its length or modification time differ)");

        // The server itself is fine: TAP still lists all four, and the landing page answers.
        Assert.Equal(4, server.Desi().Count);
        using (var r = await server.Client.GetAsync("tap/availability")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }
}

/// <summary>A started <see cref="RunningServer"/> disposed with <c>await using</c>.</summary>
internal sealed class AsyncServer<T>(T server) : IAsyncDisposable where T : RunningServer
{
    public T Server => server;
    public async ValueTask DisposeAsync() => await server.DisposeAsync();
}

internal static class AsyncServerExtensions
{
    public static async Task<AsyncServer<T>> AsAsync<T>(this Task<T> started) where T : RunningServer => new(await started);
}
