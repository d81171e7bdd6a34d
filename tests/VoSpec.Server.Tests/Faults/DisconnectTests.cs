using System.Net;
using Xunit;

namespace VoSpec.Server.Tests.Faults;

/// <summary>
/// Why this file exists: clients hang up mid-answer all the time (a closed notebook, a timeout, ctrl-C). Each hang-up
/// must interrupt the query and hand back or close its SQLite connection: after many of them the server (here in this
/// process) holds no more file descriptors than before, and answers normally.
/// </summary>
[Collection("host")]
public class DisconnectTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    private async Task HangUpAfterFirstBytes(string path, HttpMethod method, HttpContent? content = null)
    {
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        _ = await body.ReadAsync(buffer);
        // Disposing the response and the client closes the connection mid-stream.
    }

    [Fact]
    public async Task Clients_that_hang_up_mid_stream_leak_no_connections_or_descriptors()
    {
        // Three copies of the demo table: 64,000 rows, far more than one read takes.
        var big = "tap/sync?LANG=ADQL&MAXREC=1000000&QUERY=" + Uri.EscapeDataString("SELECT a.*, b.obs_id AS b, c.obs_id AS c FROM ivoa.obscore AS a, ivoa.obscore AS b, ivoa.obscore AS c");
        var ids = server.Positions(1); // warms the fixture's archive
        async Task<int> Round()
        {
            for (int i = 0; i < 12; i++)
            {
                await HangUpAfterFirstBytes(i % 2 == 0 ? big : big + "&RESPONSEFORMAT=csv", HttpMethod.Get);
                await HangUpAfterFirstBytes("spec/query?fields=*&catalog=demo.specobj&limit=100000", HttpMethod.Get);
            }
            await Task.Delay(300);
            return OpenDescriptors();
        }
        // The first round fills the archive's small store of kept ADQL connections (each holds the catalogue, its WAL
        // and its -shm open); after that, hang-ups must not add any.
        int first = await Round();
        int second = await Round();
        int third = await Round();
        Assert.True(third <= first + 4 && second <= first + 4, $"file descriptors: {first}, then {second}, then {third} after rounds of 24 hang-ups");
        var csv = await server.Client.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT COUNT(*) AS n FROM ivoa.obscore"));
        Assert.Contains($"\n{RunningServer.DemoCount}", csv.ReplaceLineEndings("\n"));
        Assert.NotEmpty(ids);
    }
}
