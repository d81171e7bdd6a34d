using System.Net.Sockets;
using System.Text;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// HEAD answers wherever GET does (Hosting/HeadRequests): the same status, content type and, where GET gives one, the
/// same Content-Length, and not one byte of body — read off the socket, since HttpClient would hide body bytes sent
/// after a HEAD's headers. The protocol errors stay errors (a bad ADQL query, an unknown path).
/// </summary>
[Collection("host")]
public class HeadRequestTests(RunningServer server) : IClassFixture<RunningServer>
{
    /// <summary>The raw answer to one request on a fresh connection that the server closes: status line and headers, and the bytes after them.</summary>
    private async Task<(int Status, Dictionary<string, string> Headers, int BodyBytes)> Raw(string method, string path)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} /{path} HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\nConnection: close\r\n\r\n"));
        using var all = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.CopyToAsync(all, timeout.Token);
        var bytes = all.ToArray();
        int end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, $"{method} {path}: no end of headers in {bytes.Length} bytes");
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        return (int.Parse(lines[0].Split(' ')[1]), headers, bytes.Length - end - 4);
    }

    [Fact]
    public async Task Head_answers_as_get_without_a_body()
    {
        var did = (string)server.Query("SELECT TOP 1 obs_publisher_did FROM ivoa.obscore ORDER BY obs_publisher_did")[0][0]!;
        var id = Uri.EscapeDataString(did);
        var adql = Uri.EscapeDataString("SELECT TOP 5 * FROM ivoa.obscore");
        foreach (var path in new[]
        {
            "", "search", "tap/capabilities", "tap/availability", "tap/tables", $"tap/sync?LANG=ADQL&QUERY={adql}",
            $"datalink/links?ID={id}", $"soda/sync?ID={id}&BAND=5e-7%206e-7", "spec/available",
            "tap/sync?LANG=ADQL&QUERY=SELEC%20nothing", "no/such/page", $"datalink/links?ID={id}x",
        })
        {
            var get = await Raw("GET", path);
            var head = await Raw("HEAD", path);
            Assert.True(get.Status == head.Status, $"/{path}: GET {get.Status}, HEAD {head.Status}");
            Assert.Equal(get.Headers.GetValueOrDefault("content-type"), head.Headers.GetValueOrDefault("content-type"));
            // (An empty answer's Content-Length: 0 is Kestrel's, added when GET's response ends without a body.)
            if (get.Headers.TryGetValue("content-length", out var length) && length != "0")
                Assert.True(length == head.Headers.GetValueOrDefault("content-length"), $"/{path}: Content-Length {length} on GET, {head.Headers.GetValueOrDefault("content-length")} on HEAD");
            Assert.True(head.BodyBytes == 0, $"/{path}: HEAD sent {head.BodyBytes} bytes of body");
            if (path.Length == 0 || path.StartsWith("tap/cap", StringComparison.Ordinal)) Assert.Equal(200, head.Status);
        }
        // It can fail: GET does send a body on the same connection kind.
        Assert.True((await Raw("GET", "tap/capabilities")).BodyBytes > 100);
    }
}
