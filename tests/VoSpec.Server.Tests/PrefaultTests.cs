using Xunit;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Archive.Pixels;
using VoSpec.Server.Hosting;
using VoSpec.Testing;

namespace VoSpec.Server.Tests;

[Collection("host")]
public class PrefaultTests
{
    private static async Task<(WebApplication App, HttpClient Client)> Start(string archiveDir, string prefault)
    {
        var app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = archiveDir,
            ["VoSpec:Urls"] = "http://127.0.0.1:0",
            ["VoSpec:Demo"] = "20",
            ["VoSpec:Prefault"] = prefault,
        });
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]) });
    }

    [Fact]
    public async Task With_prefault_on_the_server_answers_and_warms_the_whole_store_in_the_background()
    {
        using var dir = TestPaths.NewTempDir("vospec-prefault");
        var (app, client) = await Start(Path.Combine(dir.Path, "archive"), "on");
        try
        {
            var response = await client.GetAsync("spec/available");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            var result = await app.Services.GetRequiredService<PixelPrefaultService>().Completion;
            Assert.NotNull(result);
            Assert.True(result.Value.Completed);
            var archive = app.Services.GetRequiredService<VoSpec.Archive.SpectrumArchive>();
            Assert.Equal(archive.Lookup.PixelStores().Sum(s => s.Bytes), result.Value.Bytes);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("spec/available")).StatusCode);
        }
        finally { client.Dispose(); await app.StopAsync(); await app.DisposeAsync(); }
    }

    [Fact]
    public async Task Tap_is_warmed_up_in_the_background_after_start()
    {
        using var dir = TestPaths.NewTempDir("vospec-prefault");
        var (app, client) = await Start(Path.Combine(dir.Path, "archive"), "off");
        try
        {
            var warm = app.Services.GetRequiredService<TapWarmUpService>().Completion;
            Assert.Same(warm, await Task.WhenAny(warm, Task.Delay(TimeSpan.FromSeconds(60))));
            Assert.True(await warm);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("tap/sync?LANG=ADQL&QUERY=SELECT+TOP+1+*+FROM+ivoa.obscore")).StatusCode);
        }
        finally { client.Dispose(); await app.StopAsync(); await app.DisposeAsync(); }
    }

    [Fact]
    public async Task With_prefault_off_nothing_is_warmed()
    {
        using var dir = TestPaths.NewTempDir("vospec-prefault");
        var (app, client) = await Start(Path.Combine(dir.Path, "archive"), "off");
        try
        {
            Assert.Null(await app.Services.GetRequiredService<PixelPrefaultService>().Completion);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("spec/available")).StatusCode);
        }
        finally { client.Dispose(); await app.StopAsync(); await app.DisposeAsync(); }
    }

    [Fact]
    public void Prefault_setting_defaults_to_auto_and_follows_environment_then_command_line()
    {
        Assert.Equal(PrefaultMode.Auto, VoSpecHost.LoadSettings().Prefault);
        Environment.SetEnvironmentVariable("VOSPEC_PREFAULT", "off");
        try
        {
            Assert.Equal(PrefaultMode.Off, VoSpecHost.LoadSettings().Prefault);
            Assert.Equal(PrefaultMode.On, VoSpecHost.LoadSettings(new Dictionary<string, string?> { ["VoSpec:Prefault"] = "on" }).Prefault);
        }
        finally { Environment.SetEnvironmentVariable("VOSPEC_PREFAULT", null); }
    }
}
