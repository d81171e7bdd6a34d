using Xunit;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Archive;
using VoSpec.Server.Hosting;
using VoSpec.Testing;

namespace VoSpec.Server.Tests;

[Collection("host")]
public class HostTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public async Task Spec_available_answers_200_when_the_archive_is_open()
    {
        var response = await server.Client.GetAsync("spec/available");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("True", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Landing_page_names_the_collections_and_counts_and_no_server_path()
    {
        var response = await server.Client.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("VoSpec", html);
        Assert.DoesNotContain(server.ArchiveDir, html);
        Assert.DoesNotContain("/tmp/", html);
        Assert.Contains(">demo</a>", html);
        Assert.Contains("<td class=\"num\">" + RunningServer.DemoCount + "</td>", html);
    }

    [Fact]
    public async Task Listens_on_loopback_and_publishes_its_real_address_in_access_urls()
    {
        Assert.Equal("127.0.0.1", server.BaseUri.Host);
        Assert.NotEqual(0, server.BaseUri.Port);
        var csv = await server.Client.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 1 access_url FROM ivoa.obscore"));
        var url = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim();
        Assert.StartsWith(server.BaseUri + "datalink/links?ID=", url);
    }

    [Fact]
    public async Task Unknown_paths_answer_404_not_500()
    {
        var response = await server.Client.GetAsync("no/such/thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

[Collection("host")]
public class ConfigurationTests
{
    [Fact]
    public async Task Command_line_beats_environment_which_beats_appsettings()
    {
        using var dir = TestPaths.NewTempDir();
        var fromEnv = Path.Combine(dir.Path, "from-env");
        var fromCli = Path.Combine(dir.Path, "from-cli");
        Environment.SetEnvironmentVariable("VOSPEC_ARCHIVE", fromEnv);
        Environment.SetEnvironmentVariable("VOSPEC_AUTHORITY", "env.example");
        try
        {
            var s = VoSpecHost.LoadSettings();
            Assert.Equal(fromEnv, s.Archive);
            Assert.Equal("env.example", s.Authority);
            s = VoSpecHost.LoadSettings(new Dictionary<string, string?> { ["VoSpec:Archive"] = fromCli });
            Assert.Equal(fromCli, s.Archive);
            Assert.Equal("env.example", s.Authority);
        }
        finally
        {
            Environment.SetEnvironmentVariable("VOSPEC_ARCHIVE", null);
            Environment.SetEnvironmentVariable("VOSPEC_AUTHORITY", null);
        }
        // appsettings.json is copied next to the binaries; with nothing set there, the built-in defaults apply.
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
        var plain = VoSpecHost.LoadSettings();
        Assert.Equal("./archive", plain.Archive);
        Assert.Equal("http://127.0.0.1:5000", plain.Urls);
        Assert.Equal("vospec.local", plain.Authority);
        // The /spec limits bind with the other settings (VoSpec:Spec, VOSPEC_SPEC__MAXIDS).
        Assert.Equal(50_000, plain.Spec.MaxIds);
        Assert.Equal(7, VoSpecHost.LoadSettings(new Dictionary<string, string?> { ["VoSpec:Spec:MaxIds"] = "7" }).Spec.MaxIds);
        await Task.CompletedTask;
    }
}
