using System.Net;
using Microsoft.AspNetCore.Builder;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Faults;

/// <summary>
/// Why this file exists: files get damaged (a copy cut short, a bad sector, a restore from the wrong backup). A pixel
/// store shorter than the catalogue says, and a catalogue with a page overwritten, must give clear errors for what they
/// touch, keep everything else working, and never take the server down.
/// </summary>
[Collection("host")]
public sealed class DamagedArchiveTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-damaged");
    private string Archive => Path.Combine(_dir.Path, "a");

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Leaks = ["   at ", "System.", "Exception", "/tmp/"];

    private async Task<T> Serving<T>(Func<HttpClient, Task<T>> body)
    {
        var app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = Archive, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]) };
        try { return await body(http); }
        finally { await app.StopAsync(); await app.DisposeAsync(); }
    }

    private List<(long SpecObjId, string Did, long End)> Spectra()
    {
        using var archive = SpectrumArchive.Open(Archive);
        if (archive.Lookup.CountSpectra() == 0) DemoCollection.Create(archive, 20, 5);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT s.specobjid, o.obs_publisher_did, st.px_offset + st.px_length FROM specobj s JOIN ivoa_obscore o ON o.spec_id = s.spec_id JOIN spectrum_store st ON st.spec_id = s.spec_id ORDER BY st.px_offset";
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string, long)>();
        while (r.Read()) list.Add((r.GetInt64(0), r.GetString(1), r.GetInt64(2)));
        // Everything into the catalogue file itself, so that damaging the file damages the data.
        using (var rw = archive.Sqlite.OpenConnection(readOnly: false))
        using (var checkpoint = rw.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        return list;
    }

    private static async Task<(HttpStatusCode Status, string Body)> Get(HttpClient http, string path)
    {
        HttpResponseMessage r;
        try { r = await http.GetAsync(path); }
        catch (HttpRequestException e) { throw new InvalidOperationException($"{path}: the connection broke", e); }
        using var _ = r;
        var body = await r.Content.ReadAsStringAsync();
        foreach (var leak in Leaks) Assert.False(body.Contains(leak, StringComparison.Ordinal), $"{path} leaks '{leak}': {body}");
        return (r.StatusCode, body);
    }

    [Fact]
    public async Task A_truncated_pixel_store_fails_only_the_spectra_it_lost()
    {
        var spectra = Spectra();
        var px = Directory.GetFiles(Path.Combine(Archive, SpectrumArchive.PixelsFolder), "*.px").Single();
        // Cut the store in the middle of the 15th spectrum: the first 14 are whole.
        using (var f = new FileStream(px, FileMode.Open)) f.SetLength(spectra[13].End + 100);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Serving(async http =>
        {
            foreach (var (id, did, _) in spectra.Take(3))
                Assert.Equal(HttpStatusCode.OK, (await Get(http, $"datalink/dataset?ID={Uri.EscapeDataString(did)}")).Status);
            foreach (var (id, did, _) in spectra.Skip(15).Take(3))
            {
                // getSpec streams: its answer has begun (status and headers sent) when the damaged record is reached,
                // so the transfer is cut — the client sees a broken download, never a short one that looks whole.
                var cut = await Assert.ThrowsAsync<InvalidOperationException>(() => Get(http, $"spec/getSpec?id_list=[{id}]&format=numpy&align=False"));
                Assert.Contains("the connection broke", cut.Message);
                foreach (var path in new[] { $"datalink/dataset?ID={Uri.EscapeDataString(did)}", $"datalink/preview?ID={Uri.EscapeDataString(did)}", $"soda/sync?ID={Uri.EscapeDataString(did)}" })
                {
                    var (status, body) = await Get(http, path);
                    Assert.True(status == HttpStatusCode.InternalServerError, $"{path}: {(int)status} {body}");
                    Assert.Contains("damaged", body);
                }
            }
            // Metadata of every spectrum still answers, and the whole ones still stream.
            var (s, csv) = await Get(http, "tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT COUNT(*) AS n FROM ivoa.obscore"));
            Assert.Equal(HttpStatusCode.OK, s);
            Assert.Contains("\n20", csv.ReplaceLineEndings("\n"));
            Assert.Equal(HttpStatusCode.OK, (await Get(http, $"spec/getSpec?id_list=[{spectra[0].SpecObjId}]&format=numpy&align=False")).Status);
            return 0;
        });
    }

    [Fact]
    public async Task A_catalogue_with_an_overwritten_page_gives_errors_not_a_crash()
    {
        var spectra = Spectra();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var catalogue = Path.Combine(Archive, SpectrumArchive.CatalogueFileName);
        // Overwrite one 4 KB page of ObsCore's rows with garbage: the last leaf under the table's root (the schema's own
        // pages, which may lie anywhere in a small file, are left intact: without them nothing can be opened at all).
        long root;
        using (var conn = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + catalogue + ";Mode=ReadOnly;Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT rootpage FROM sqlite_schema WHERE name = 'ivoa_obscore'";
            root = (long)cmd.ExecuteScalar()!;
        }
        long page = root;
        using (var f = new FileStream(catalogue, FileMode.Open))
        {
            var header = new byte[12];
            f.Position = (root - 1) * 4096;
            f.ReadExactly(header);
            // An interior table page (type 5) names its right-most child at bytes 8–11.
            if (header[0] == 5) page = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
            f.Position = (page - 1) * 4096;
            var junk = new byte[4096];
            new Random(7).NextBytes(junk);
            f.Write(junk);
        }
        await Serving(async http =>
        {
            string[] paths =
            [
                "tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT * FROM ivoa.obscore"),
                "tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT * FROM spec.specobj"),
                "ssa?REQUEST=queryData", "spec/query?fields=*&catalog=demo.specobj", "",
                .. spectra.Select(s => $"datalink/dataset?ID={Uri.EscapeDataString(s.Did)}"),
                .. spectra.Select(s => $"datalink/links?ID={Uri.EscapeDataString(s.Did)}"),
            ];
            int ok = 0, damaged = 0;
            foreach (var path in paths)
            {
                var (status, body) = await Get(http, path);
                if (status == HttpStatusCode.OK) ok++;
                else if ((int)status >= 500)
                {
                    Assert.True(body.Contains("damaged", StringComparison.Ordinal), $"{path}: {(int)status} {body}");
                    damaged++;
                }
            }
            // The damaged page was met (the test damages what it means to).
            Assert.True(damaged > 0, "no answer met the damaged page");
            // Still alive and answering what does not touch the damaged page.
            Assert.Equal(HttpStatusCode.OK, (await Get(http, "tap/availability")).Status);
            Assert.True(ok > 0, "nothing answered at all");
            return 0;
        });
    }
}
