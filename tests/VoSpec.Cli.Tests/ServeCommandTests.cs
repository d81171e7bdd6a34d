using Xunit;
using System.Net;
using VoSpec.Testing;

namespace VoSpec.Cli.Tests;

public class ServeCommandTests
{
    [Fact]
    public async Task Serve_with_demo_answers_spec_available_and_stops_gracefully_on_SIGTERM()
    {
        using var dir = TestPaths.NewTempDir();
        using var p = Vospec.Start("serve", "--archive", Path.Combine(dir.Path, "a"), "--urls", "http://127.0.0.1:0", "--demo", "30");
        var output = new System.Text.StringBuilder();
        string? url = await Vospec.ReadServingUrlAsync(p, output);
        Assert.True(url is not null, "no URL printed:\n" + output);
        using var http = new HttpClient { BaseAddress = new Uri(url!) };
        var available = await http.GetAsync("spec/available");
        Assert.Equal(HttpStatusCode.OK, available.StatusCode);
        var landing = await http.GetStringAsync("");
        Assert.Contains(">demo</a>", landing);
        Assert.Contains("<td class=\"num\">30</td>", landing);

        ExternalTool.Run("kill", ["-TERM", p.Id.ToString()]);
        Assert.True(p.WaitForExit(30_000), "server did not stop on SIGTERM");
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void Serve_refuses_a_static_files_directory_that_does_not_exist()
    {
        using var dir = TestPaths.NewTempDir();
        var missing = Path.Combine(dir.Path, "no-such-dir");
        var r = Vospec.Run("serve", "--archive", Path.Combine(dir.Path, "a"), "--urls", "http://127.0.0.1:0", "--static-files", missing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(missing, r.StdErr);
    }
}
