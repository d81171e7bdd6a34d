using System.Diagnostics;
using System.Text;
using System.Text.Json;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Cli.Tests;

/// <summary>
/// The real `vospec serve` with JSON logs (VoSpec:Operations:JsonLogs): one structured line per request with its
/// method, route, status, duration, rows, client and token id — the id of a token it knows, never the token — and a
/// slow TAP query logged with its ADQL.
/// </summary>
public class RequestLogTests
{
    [Fact]
    public async Task Each_request_is_one_json_line_and_slow_queries_carry_their_adql()
    {
        const string token = "tok-log-3b9d2c71";
        using var dir = TestPaths.NewTempDir();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Vospec.Dll, "serve", "--archive", Path.Combine(dir.Path, "a"), "--urls", "http://127.0.0.1:0", "--demo", "8" }) psi.ArgumentList.Add(a);
        psi.Environment["VOSPEC_OPERATIONS__JSONLOGS"] = "true";
        psi.Environment["VOSPEC_OPERATIONS__SLOWQUERYSECONDS"] = "0";
        psi.Environment["VOSPEC_WARMUP"] = "false";
        psi.Environment["VOSPEC_ACCESS__COLLECTIONS__DEMO__TOKENS__0"] = token;
        using var p = Process.Start(psi)!;
        var log = new StringBuilder();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            var url = await Vospec.ReadServingUrlAsync(p, log);
            Assert.True(url is not null, "no URL printed:\n" + log);
            var rest = p.StandardOutput.ReadToEndAsync();
            using var http = new HttpClient { BaseAddress = new Uri(url!) };
            const string adql = "SELECT TOP 3 obs_id FROM ivoa.obscore";
            using (var request = new HttpRequestMessage(HttpMethod.Get, "tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString(adql)))
            {
                request.Headers.Add("X-DL-AuthToken", token);
                using var r = await http.SendAsync(request);
                Assert.True(r.IsSuccessStatusCode);
            }
            using (var r = await http.GetAsync("no/such/page")) Assert.Equal(System.Net.HttpStatusCode.NotFound, r.StatusCode);
            ExternalTool.Run("kill", ["-TERM", p.Id.ToString()]);
            Assert.True(p.WaitForExit(30_000), "server did not stop");
            log.Append(await rest);
            var all = log.ToString();
            Assert.DoesNotContain(token, all + await stderr);

            var lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            var requests = lines.Where(l => l.GetProperty("Category").GetString() == "VoSpec.Requests").Select(l => l.GetProperty("State")).ToList();
            var tap = Assert.Single(requests, s => s.GetProperty("Route").GetString() == "/tap/sync");
            Assert.Equal("GET", tap.GetProperty("Method").GetString());
            Assert.Equal("200", tap.GetProperty("Status").ToString());
            Assert.Equal("3", tap.GetProperty("Rows").ToString());
            Assert.Equal("127.0.0.1", tap.GetProperty("Client").GetString());
            Assert.Matches("^[0-9a-f]{24}$", tap.GetProperty("TokenId").GetString());
            Assert.True(double.Parse(tap.GetProperty("DurationMs").ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);
            var missing = Assert.Single(requests, s => s.GetProperty("Status").ToString() == "404");
            Assert.Equal("-", missing.GetProperty("TokenId").GetString());
            var slow = Assert.Single(lines, l => l.GetProperty("Message").GetString()!.StartsWith("slow TAP query", StringComparison.Ordinal));
            Assert.Equal("Warning", slow.GetProperty("LogLevel").GetString());
            Assert.Equal(adql, slow.GetProperty("State").GetProperty("Adql").GetString());
        }
        finally
        {
            if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(); }
        }
    }
}
