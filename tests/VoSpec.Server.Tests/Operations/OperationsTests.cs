using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Operations;

/// <summary>
/// The operator's view (issue 16): health endpoints that say what is wrong, and /metrics that Prometheus's own checker
/// (promtool) accepts and whose numbers agree with the archive and with what was served.
/// </summary>
[Collection("host")]
public class OperationsTests
{
    private static async Task<(WebApplication App, HttpClient Client, string Archive, TempDir Dir)> Start(Dictionary<string, string?>? more = null)
    {
        var dir = TestPaths.NewTempDir("vospec-ops");
        var archive = Path.Combine(dir.Path, "archive");
        var settings = new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = archive, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:Demo"] = "30",
            ["VoSpec:Access:Collections:secret_survey:Tokens:0"] = "tok-ops-secret-41c9",
        };
        foreach (var (k, v) in more ?? []) settings[k] = v;
        var app = VoSpecHost.Build(settings);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]) }, archive, dir);
    }

    private static async Task Stop(WebApplication app, HttpClient client, TempDir dir)
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        dir.Dispose();
    }

    [Fact]
    public async Task Health_is_live_and_ready_and_names_what_is_wrong_when_not()
    {
        var (app, client, archive, dir) = await Start();
        try
        {
            using var live = await client.GetAsync("health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", JsonDocument.Parse(await live.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

            using var ready = await client.GetAsync("health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
            foreach (var name in new[] { "catalogue", "pixel_stores", "warm_up" })
                Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());

            // A pixel store that lost its bytes: not ready (a proxy sends traffic elsewhere), still live.
            var store = Directory.GetFiles(Path.Combine(archive, "pixels"), "*.px").Single();
            var saved = store + ".saved";
            File.Move(store, saved);
            try
            {
                using var notReady = await client.GetAsync("health/ready");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
                Assert.True(notReady.Headers.RetryAfter is not null, "no Retry-After");
                var body = JsonDocument.Parse(await notReady.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
                var pixels = body.GetProperty("checks").GetProperty("pixel_stores");
                Assert.Equal("Unhealthy", pixels.GetProperty("status").GetString());
                Assert.Contains("missing", pixels.GetProperty("description").GetString());
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/live")).StatusCode);
            }
            finally { File.Move(saved, store); }
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/ready")).StatusCode);
        }
        finally { await Stop(app, client, dir); }
    }

    [Fact]
    public async Task Metrics_pass_promtool_and_count_what_was_served()
    {
        var (app, client, archive, dir) = await Start();
        try
        {
            // A proprietary collection beside the public demo one: /metrics may be public, so it must not name it.
            using (var a = VoSpec.Archive.SpectrumArchive.Open(archive))
                new VoSpec.Archive.Ingest.Ingester(a).StoreCatalogueOnly(new VoSpec.Archive.Demo.DemoGenerator(9).GenerateRange(1000, 3), "secret_survey");
            var csv = await client.GetByteArrayAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 7 obs_id FROM ivoa.obscore"));
            Assert.Equal(8, System.Text.Encoding.UTF8.GetString(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            var votable = await client.GetByteArrayAsync("tap/sync?LANG=ADQL&QUERY=" + Uri.EscapeDataString("SELECT TOP 5 * FROM ivoa.obscore"));
            await client.GetAsync("tap/sync?LANG=ADQL&QUERY=SELEC%20broken");
            var ids = (await client.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 2 obs_publisher_did FROM ivoa.obscore")))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim()).ToList();
            foreach (var id in ids) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("soda/sync?ID=" + Uri.EscapeDataString(id))).StatusCode);
            // The same preview twice: one render, one cache hit.
            for (int i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("datalink/preview?ID=" + Uri.EscapeDataString(ids[0]))).StatusCode);

            var text = await client.GetStringAsync("metrics");
            var check = ExternalTool.Run("promtool", ["check", "metrics"], stdin: text);
            Assert.True(check.ExitCode == 0, "promtool check metrics:\n" + check.All);
            // The checker does fail: a counter named against Prometheus's conventions.
            Assert.NotEqual(0, ExternalTool.Run("promtool", ["check", "metrics"], stdin: "# HELP bad A counter\n# TYPE bad counter\nbad 1\n").ExitCode);

            Assert.Equal(14, Value(text, "vospec_tap_rows_total", "")); // 7 + 2 CSV rows, 5 VOTable rows, labelled by format
            // Bytes streamed, as the client received them (the VOTable's, and the first CSV's of the two).
            Assert.Equal(votable.Length, Value(text, "vospec_tap_response_bytes_total", "format=\"VOTableBinary2\""));
            Assert.True(Value(text, "vospec_tap_response_bytes_total", "format=\"Csv\"") > csv.Length);
            Assert.Equal(2, Value(text, "vospec_spectra_served_total", "service=\"soda\""));
            Assert.Equal(30, Value(text, "vospec_catalogue_spectra", "collection=\"demo\""));
            Assert.DoesNotContain("secret_survey", text);
            Assert.Equal(1, Value(text, "vospec_catalogue_up", ""));
            Assert.Equal(2, Value(text, "vospec_preview_requests_total", ""));
            Assert.Equal(1, Value(text, "vospec_preview_renders_total", ""));
            Assert.Equal(3, Value(text, "vospec_tap_query_duration_seconds_count", "mode=\"sync\""));
            Assert.Contains("vospec_uws_jobs{phase=\"EXECUTING\"} 0", text);
            // The HTTP middleware's requests, split by protocol and route; the bad query is a 400, not a 500.
            Assert.Matches(new Regex("http_request_duration_seconds_count\\{code=\"400\"[^}]*protocol=\"tap\",endpoint=\"/tap/sync\"\\} 1"), text);
            Assert.Matches(new Regex("http_request_duration_seconds_bucket\\{code=\"200\"[^}]*protocol=\"tap\",endpoint=\"/tap/sync\",le="), text);
            Assert.DoesNotContain("code=\"500\"", text);
        }
        finally { await Stop(app, client, dir); }
    }

    /// <summary>The sum of a metric's samples whose labels contain <paramref name="labels"/>.</summary>
    private static double Value(string text, string name, string labels) =>
        text.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(l => l.Contains(labels, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Metrics_can_be_kept_off_the_public_port_or_off()
    {
        int port = FreePort();
        var (app, client, _, dir) = await Start(new() { ["VoSpec:Operations:MetricsPort"] = port.ToString() });
        try
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("metrics")).StatusCode);
            using var own = new HttpClient();
            var text = await own.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            Assert.Contains("vospec_catalogue_spectra", text);
            // The public URL is still the first one, not the metrics port.
            Assert.DoesNotContain($":{port}/", await client.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 1 access_url FROM ivoa.obscore")));
        }
        finally { await Stop(app, client, dir); }

        (app, client, _, dir) = await Start(new() { ["VoSpec:Operations:Metrics"] = "false" });
        try { Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("metrics")).StatusCode); }
        finally { await Stop(app, client, dir); }
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
