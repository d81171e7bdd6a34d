using Microsoft.AspNetCore.Builder;
using VoSpec.Archive;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Hosting;
using VoSpec.Server.Tap;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// BINARY2 results of whole ObsCore rows are copied from the rows' stored bytes: the responses must be byte for byte
/// those of a server that encodes every cell (VoSpec:Tap:StoredRows=false) over the same archive.
/// </summary>
[Collection("host")]
public class TapStoredRowsTests
{
    private static async Task<(WebApplication App, HttpClient Client)> Start(string archive, bool storedRows)
    {
        var app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = archive, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:Demo"] = "40",
            ["VoSpec:Tap:StoredRows"] = storedRows ? "true" : "false",
            // One public URL for both: the stored rows hold access_url relative to it, and each way puts it in front.
            ["VoSpec:PublicUrl"] = "http://vo.example.org/vospec/",
        });
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]) });
    }

    public static TheoryData<string, string> Queries => new()
    {
        { "SELECT * FROM ivoa.obscore", "" },
        { "SELECT TOP 5 * FROM ivoa.obscore ORDER BY 16 DESC", "" },
        { "SELECT o.* FROM ivoa.obscore AS o WHERE o.em_min < 4e-7 ORDER BY o.obs_id OFFSET 2", "" },
        { "SELECT * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 0, 0, 180)) = 1", "" },
        { "SELECT * FROM ivoa.obscore", "&MAXREC=7" },
        { "SELECT * FROM ivoa.obscore", "&MAXREC=0" },
        { "SELECT * FROM ivoa.obscore", "&RESPONSEFORMAT=votable/td" },
        { "SELECT obs_id, s_ra, access_url FROM ivoa.obscore", "" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Stored_rows_give_the_same_bytes_as_encoding_every_cell(string adql, string more)
    {
        using var dir = TestPaths.NewTempDir("vospec-stored-rows");
        var archive = Path.Combine(dir.Path, "archive");
        var (plainApp, plain) = await Start(archive, storedRows: false);
        var (storedApp, stored) = await Start(archive, storedRows: true);
        try
        {
            var url = "tap/sync?LANG=ADQL&QUERY=" + Uri.EscapeDataString(adql) + more;
            var expected = await plain.GetStringAsync(url);
            var actual = await stored.GetStringAsync(url);
            Assert.Contains("QUERY_STATUS", expected);
            Assert.Equal(expected, actual);
        }
        finally
        {
            foreach (var (app, client) in new[] { (plainApp, plain), (storedApp, stored) })
            {
                client.Dispose();
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("SELECT * FROM ivoa.obscore", null, true)]
    [InlineData("SELECT TOP 3 o.* FROM ivoa.obscore AS o ORDER BY 2", null, true)]
    [InlineData("SELECT * FROM ivoa.obscore", "votable/td", false)]
    [InlineData("SELECT * FROM ivoa.obscore", "csv", false)]
    [InlineData("SELECT * FROM ivoa.obscore", "fits", false)]
    [InlineData("SELECT obs_id FROM ivoa.obscore", null, false)]
    [InlineData("SELECT * FROM spec.specobj", null, false)]
    public async Task Only_binary2_results_of_whole_rows_read_the_stored_rows(string adql, string? format, bool expected)
    {
        using var dir = TestPaths.NewTempDir("vospec-stored-rows");
        var (app, client) = await Start(Path.Combine(dir.Path, "archive"), storedRows: true);
        try
        {
            using var archive = SpectrumArchive.Open(Path.Combine(dir.Path, "archive"), new ArchiveOptions { PublicUrl = client.BaseAddress!.ToString() });
            var limits = new TapLimits();
            var runner = new TapQueryRunner(archive, new TapService(limits, VoSpec.Adql.Feature.AdqlFeatures.All));
            var values = new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = adql };
            if (format is not null) values["RESPONSEFORMAT"] = format;
            var request = TapRequest.Parse(DaliParameters.From(values), limits);
            await using var q = await runner.PrepareAsync(request, AccessRights.Everything, _ => null, 10, CancellationToken.None);
            Assert.Equal(expected, q.Execution.RowsPreEncoded);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
