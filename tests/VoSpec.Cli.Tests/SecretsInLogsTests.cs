using System.Diagnostics;
using System.Text;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Cli.Tests;

/// <summary>
/// Why this file exists: server logs are read by more people than the tokens are meant for. The real `vospec serve`,
/// logging everything (Trace), is sent tokens in both header forms on every kind of call — good, wrong, admin — and
/// its whole output must never contain one.
/// </summary>
public class SecretsInLogsTests
{
    [Fact]
    public async Task Tokens_never_appear_in_the_servers_log_even_at_trace_level()
    {
        const string collectionToken = "tok-collection-8c1f0e7a", adminToken = "tok-admin-52ab99d1", wrongToken = "tok-wrong-0f3e6b1c";
        using var dir = TestPaths.NewTempDir();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Vospec.Dll, "serve", "--archive", Path.Combine(dir.Path, "a"), "--urls", "http://127.0.0.1:0", "--demo", "8" }) psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Trace";
        psi.Environment["Logging__LogLevel__Microsoft"] = "Trace";
        // More specific than the host's own filter (Microsoft.AspNetCore at Warning), so these win.
        foreach (var category in new[] { "Hosting.Diagnostics", "Routing", "Server.Kestrel", "Http", "HttpLogging", "Authentication" })
            psi.Environment["Logging__LogLevel__Microsoft.AspNetCore." + category] = "Trace";
        psi.Environment["VOSPEC_ACCESS__COLLECTIONS__DEMO__TOKENS__0"] = collectionToken;
        psi.Environment["VOSPEC_ADMIN__TOKEN"] = adminToken;
        using var p = Process.Start(psi)!;
        var log = new StringBuilder();
        var stderr = p.StandardError.ReadToEndAsync();
        string? url = await Vospec.ReadServingUrlAsync(p, log);
        try
        {
            Assert.True(url is not null, "no URL printed:\n" + log);
            var rest = p.StandardOutput.ReadToEndAsync();
            using var http = new HttpClient { BaseAddress = new Uri(url!) };
            string[] paths =
            [
                "", "spec/contexts", "spec/query?fields=specobjid&catalog=demo.specobj", "tap/sync?LANG=ADQL&QUERY=SELECT%20COUNT(*)%20FROM%20ivoa.obscore",
                "tap/sync?LANG=ADQL&QUERY=SELEC%20broken", "ssa?REQUEST=queryData", "datalink/links?ID=ivo://x/y?1", "spec/debug", "tap/async",
            ];
            int sent = 0;
            foreach (var token in new[] { collectionToken, adminToken, wrongToken })
                foreach (var path in paths)
                {
                    foreach (var header in new[] { ("Authorization", "Bearer " + token), ("X-DL-AuthToken", token) })
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, path);
                        request.Headers.TryAddWithoutValidation(header.Item1, header.Item2);
                        using var r = await http.SendAsync(request);
                        sent++;
                    }
                }
            using (var post = new HttpRequestMessage(HttpMethod.Post, "tap/async") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = "SELECT 1 AS x", ["PHASE"] = "RUN" }) })
            {
                post.Headers.Add("X-DL-AuthToken", collectionToken);
                using var r = await http.SendAsync(post);
            }
            // Stop the server so that every log line is flushed.
            ExternalTool.Run("kill", ["-TERM", p.Id.ToString()]);
            Assert.True(p.WaitForExit(30_000), "server did not stop");
            log.Append(await rest).Append(await stderr);
            var all = log.ToString();
            Assert.Contains("Request starting", all); // ASP.NET's request logging really was on
            Assert.True(sent > 40);
            foreach (var token in new[] { collectionToken, adminToken, wrongToken })
                Assert.False(all.Contains(token, StringComparison.Ordinal), $"the log holds {token}");
        }
        finally
        {
            if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(); }
        }
    }
}
