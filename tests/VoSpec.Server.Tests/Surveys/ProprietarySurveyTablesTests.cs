using System.Net;
using Microsoft.AspNetCore.Builder;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>The real files' three surveys with the desi collection proprietary (one token may see it).</summary>
public sealed class ProprietaryDesiServer : IAsyncLifetime
{
    public const string Token = "desi-team-token";
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-desi-proprietary");
    private WebApplication? _app;
    public HttpClient Client { get; } = new();

    public async Task InitializeAsync()
    {
        var archiveDir = Path.Combine(_dir.Path, "archive");
        using (var archive = SpectrumArchive.Open(archiveDir))
            new Ingester(archive).Run([TestPaths.RealData], "sdss");
        _app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = archiveDir, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
            ["VoSpec:Access:Collections:desi:Tokens:0"] = Token,
        });
        await _app.StartAsync();
        Client.BaseAddress = new Uri(VoSpecHost.BaseUrls(_app)[0]);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        _dir.Dispose();
    }
}

/// <summary>
/// A proprietary collection's rows in its survey's own table are hidden as its ObsCore and specobj rows are: TAP and
/// the /spec query call count none of them without the token, all of them with it.
/// </summary>
public sealed class ProprietarySurveyTablesTests(ProprietaryDesiServer server) : IClassFixture<ProprietaryDesiServer>
{
    private async Task<string> Get(string path, string? token)
    {
        using var r = await server.Client.SendAsync(GovernedServer.Request(HttpMethod.Get, path, token));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadAsStringAsync();
    }

    private static string Count(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim();

    [Fact]
    public async Task Desi_fibermap_rows_are_hidden_without_the_token()
    {
        const string tap = "tap/sync?LANG=ADQL&FORMAT=csv&QUERY=";
        Assert.Equal("0", Count(await Get(tap + Uri.EscapeDataString("SELECT COUNT(*) FROM desi.fibermap"), null)));
        Assert.Equal("8", Count(await Get(tap + Uri.EscapeDataString("SELECT COUNT(*) FROM desi.fibermap"), ProprietaryDesiServer.Token)));
        // The public survey's table is not touched by the other's rights.
        Assert.Equal("2", Count(await Get(tap + Uri.EscapeDataString("SELECT COUNT(*) FROM lamost.lrs"), null)));

        var anonymous = await Get("spec/query?catalog=lamost.lrs&fields=obsid", null);
        Assert.Equal(3, anonymous.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        using var hidden = await server.Client.SendAsync(GovernedServer.Request(HttpMethod.Get, "spec/query?catalog=desi.fibermap&fields=targetid", null));
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);   // no context offers it to this caller
        var seen = await Get("spec/query?catalog=desi.fibermap&fields=targetid", ProprietaryDesiServer.Token);
        Assert.Equal(9, seen.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
