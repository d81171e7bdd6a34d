using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using VoSpec.Server.Access;
using Xunit;
using static VoSpec.Server.Tests.Access.ProprietaryServer;

namespace VoSpec.Server.Tests.Access;

/// <summary>/spec/debug and /spec/shutdown: the admin token only; absent without one configured.</summary>
[Collection("host")]
public class AdminTests(ProprietaryServer server) : IClassFixture<ProprietaryServer>
{
    [Fact]
    public async Task Debug_needs_the_admin_token_401_without_one_403_with_another()
    {
        var (none, noneBody) = await server.Get("spec/debug", TokenForm.None);
        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Contains("administrator token", noneBody);
        using (var r = await server.Client.SendAsync(Request(HttpMethod.Get, "spec/debug", TokenForm.None)))
            Assert.StartsWith("Bearer", r.Headers.WwwAuthenticate.ToString());
        // A token that opens a collection is still not the admin's.
        foreach (var form in new[] { TokenForm.Wrong, TokenForm.WrongBearer, TokenForm.DataLab, TokenForm.Bearer })
        {
            var (status, body) = await server.Get("spec/debug", form);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("not the administrator token", body);
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Get("spec/shutdown", form)).Status);
        }
        Assert.Equal(HttpStatusCode.OK, (await server.Get("spec/", TokenForm.None)).Status);
    }

    [Fact]
    public async Task Debug_reports_the_server_and_redacts_every_token()
    {
        using var viaDataLab = new HttpRequestMessage(HttpMethod.Get, "spec/debug");
        viaDataLab.Headers.Add(RequestTokens.DataLabHeader, AdminToken);
        using (var r = await server.Client.SendAsync(viaDataLab)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        var (status, body) = await server.Get("spec/debug", TokenForm.Admin);
        Assert.Equal(HttpStatusCode.OK, status);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.True(root.GetProperty("uptime_seconds").GetDouble() >= 0);
        Assert.Equal(server.ArchiveDir, root.GetProperty("archive").GetProperty("directory").GetString());
        Assert.Equal(DemoCount + SecretCount, root.GetProperty("archive").GetProperty("spectra").GetInt64());
        var secret = root.GetProperty("archive").GetProperty("collections").EnumerateArray().Single(c => c.GetProperty("name").GetString() == Secret);
        Assert.True(secret.GetProperty("proprietary").GetBoolean());
        Assert.True(root.GetProperty("memory").GetProperty("gc_heap_bytes").GetInt64() > 0);
        Assert.Contains("redacted", root.GetProperty("settings").GetProperty("Admin").GetProperty("Token").GetString());
        foreach (var secretText in new[] { AdminToken, Token, PlainToken, TokenDigest.Hashed(Token), TokenDigest.Hashed(Token)[7..], TokenDigest.Hashed(AdminToken)[7..] })
            Assert.DoesNotContain(secretText, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Shutdown_answers_then_stops_the_server()
    {
        var own = new ProprietaryServer();
        await own.InitializeAsync();
        try
        {
            // What `vospec serve` does after starting (app.RunAsync): wait for a stop request, then stop the host.
            var run = own.App.WaitForShutdownAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, (await own.Get("spec/shutdown", TokenForm.None)).Status);
            Assert.False(run.IsCompleted);
            var (status, body) = await own.Get("spec/shutdown", TokenForm.Admin);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("shutting down", body);
            // A safety net against a hung test run, not a measured time.
            await run.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(own.App.Lifetime.ApplicationStopped.IsCancellationRequested);
            await Assert.ThrowsAsync<HttpRequestException>(() => own.Client.GetAsync("spec/available"));
        }
        finally { await own.DisposeAsync(); }
    }
}

/// <summary>Without an admin token in the configuration the admin calls do not exist.</summary>
[Collection("host")]
public class AdminOffByDefaultTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Theory]
    [InlineData("spec/debug")]
    [InlineData("spec/shutdown")]
    public async Task Admin_calls_are_404_when_no_admin_token_is_configured(string path)
    {
        foreach (var token in new string?[] { null, "anything" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null) request.Headers.Add("Authorization", "Bearer " + token);
            using var r = await server.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        using var post = await server.Client.PostAsync(path, new StringContent(""));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("spec/available")).StatusCode);
    }
}
