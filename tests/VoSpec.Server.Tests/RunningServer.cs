using Xunit;
using Microsoft.AspNetCore.Builder;
using VoSpec.Server.Hosting;
using VoSpec.Testing;

namespace VoSpec.Server.Tests;

/// <summary>
/// The real server (Kestrel) on 127.0.0.1 with an ephemeral port, over a fresh archive holding a
/// small demo collection. Tests talk HTTP to it with an ordinary HttpClient.
/// </summary>
public sealed class RunningServer : IAsyncLifetime
{
    public const int DemoCount = 40;
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-server");
    private WebApplication? _app;

    public HttpClient Client { get; } = new();
    public Uri BaseUri { get; private set; } = null!;
    public string ArchiveDir => Path.Combine(_dir.Path, "archive");

    public async Task InitializeAsync()
    {
        _app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = ArchiveDir,
            ["VoSpec:Urls"] = "http://127.0.0.1:0",
            ["VoSpec:Demo"] = DemoCount.ToString(),
        });
        await _app.StartAsync();
        BaseUri = new Uri(VoSpecHost.BaseUrls(_app)[0]);
        Client.BaseAddress = BaseUri;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        _dir.Dispose();
    }
}
