using Microsoft.AspNetCore.Builder;
using VoSpec.Server.Access;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// The real server with small resource limits (VoSpec:Limits) and four known tokens, so that tests on one loopback
/// address can act as four clients: one expensive request per client at a time with one waiting, two for everyone
/// with one waiting, one second of database time per query, small bodies, and a job queue of two executing jobs.
/// </summary>
public sealed class GovernedServer : IAsyncLifetime
{
    public static readonly string[] Tokens = ["client-a-token", "client-b-token", "client-c-token", "client-d-token"];
    public const int FormBodyBytes = 64 << 10, UploadBodyBytes = 256 << 10, SpecBodyBytes = 128 << 10;

    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-governed");
    private WebApplication? _app;

    public HttpClient Client { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    public async Task InitializeAsync()
    {
        var config = new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = Path.Combine(_dir.Path, "archive"),
            ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:Demo"] = "40",
            ["VoSpec:Limits:PerClientConcurrency"] = "1", ["VoSpec:Limits:PerClientQueue"] = "1",
            ["VoSpec:Limits:GlobalConcurrency"] = "2", ["VoSpec:Limits:GlobalQueue"] = "1",
            ["VoSpec:Limits:RetryAfterSeconds"] = "3",
            ["VoSpec:Limits:SyncQuerySeconds"] = "1", ["VoSpec:Limits:AsyncQuerySeconds"] = "1",
            ["VoSpec:Limits:FormBodyBytes"] = FormBodyBytes.ToString(), ["VoSpec:Limits:UploadBodyBytes"] = UploadBodyBytes.ToString(),
            ["VoSpec:Limits:SpecBodyBytes"] = SpecBodyBytes.ToString(),
            ["VoSpec:Limits:MaxExecutingJobs"] = "2", ["VoSpec:Limits:MaxExecutingJobsPerClient"] = "1", ["VoSpec:Limits:MaxQueuedJobsPerClient"] = "1",
        };
        // Collections that do not exist: the tokens only have to be known to the server.
        for (int i = 0; i < Tokens.Length; i++) config[$"VoSpec:Access:Collections:c{i}:Tokens:0"] = Tokens[i];
        _app = VoSpecHost.Build(config);
        await _app.StartAsync();
        Client.BaseAddress = new Uri(VoSpecHost.BaseUrls(_app)[0]);
    }

    /// <summary>A request carrying <paramref name="token"/> as Authorization: Bearer (none when null).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        var r = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null) r.Headers.Add("Authorization", "Bearer " + token);
        return r;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        _dir.Dispose();
    }
}
