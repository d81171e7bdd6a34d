using System.Net;
using Xunit;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>The real files' three surveys with the desi collection proprietary (one token may see it).</summary>
public sealed class ProprietaryDesiServer : RealSurveysServer
{
    public const string Token = "desi-team-token";

    protected override void Configure(Dictionary<string, string?> settings) => settings["VoSpec:Access:Collections:desi:Tokens:0"] = Token;
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
