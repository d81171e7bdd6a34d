using Xunit;
using System.Net;
using VoSpec.Server.Hosting;
using VoSpec.Testing;

namespace VoSpec.Server.Tests;

[Collection("host")]
public class StaticFilesTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public async Task Static_files_are_off_by_default()
    {
        Assert.Null(VoSpecHost.LoadSettings().StaticFiles);
        var response = await server.Client.GetAsync("static/appsettings.json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_configured_directory_is_served_under_static_with_its_bytes_and_content_types()
    {
        using var dir = TestPaths.NewTempDir("vospec-static");
        using var archiveDir = TestPaths.NewTempDir("vospec-static-archive");
        var npy = new byte[3 << 20];
        new Random(5).NextBytes(npy);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "big.npy"), npy);
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "sub", "notes.txt"), "hello");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "data.unknownext"), "raw");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, ".hidden"), "secret");

        await using var app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = archiveDir.Path,
            ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
            ["VoSpec:StaticFiles"] = dir.Path,
        });
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]) };
            using var big = await client.GetAsync("static/big.npy");
            Assert.Equal(HttpStatusCode.OK, big.StatusCode);
            Assert.Equal("application/x-npy", big.Content.Headers.ContentType?.MediaType);
            Assert.Equal(npy.Length, big.Content.Headers.ContentLength);
            Assert.Equal(npy, await big.Content.ReadAsByteArrayAsync());

            Assert.Equal("hello", await client.GetStringAsync("static/sub/notes.txt"));
            using var unknown = await client.GetAsync("static/data.unknownext");
            Assert.Equal("application/octet-stream", unknown.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("static/.hidden")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("static/../archive/catalogue.sqlite")).StatusCode);
            // the services are still there
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("spec/available")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public void A_missing_static_directory_stops_the_start_with_its_name()
    {
        using var dir = TestPaths.NewTempDir("vospec-static");
        var missing = Path.Combine(dir.Path, "nope");
        var e = Assert.Throws<DirectoryNotFoundException>(() => VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = Path.Combine(dir.Path, "archive"),
            ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
            ["VoSpec:StaticFiles"] = missing,
        }));
        Assert.Contains(missing, e.Message);
    }
}
