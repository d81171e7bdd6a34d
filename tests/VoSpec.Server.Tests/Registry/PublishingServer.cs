using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Hosting;
using VoSpec.Testing;

namespace VoSpec.Server.Tests.Registry;

/// <summary>
/// A real server over a demo collection and a proprietary one ("secret_survey", token below), with OAI-PMH answers of two
/// records at most so that every list needs resumption tokens; restartable on the same archive with other settings.
/// </summary>
public sealed class PublishingServer : IAsyncDisposable
{
    public const string SecretToken = "tok-registry-secret-7d1e";
    public static readonly XNamespace OaiNs = "http://www.openarchives.org/OAI/2.0/";
    public static readonly XNamespace Ri = "http://www.ivoa.net/xml/RegistryInterface/v1.0";
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-registry");
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;
    public string ArchiveDir => Path.Combine(_dir.Path, "archive");
    public string FilesDir => Path.Combine(_dir.Path, "files");

    public static async Task<PublishingServer> StartAsync(int demo = 30, int secret = 8, Dictionary<string, string?>? more = null)
    {
        var s = new PublishingServer();
        // The demo and the proprietary collection are ingested before the server first opens the archive.
        using (var archive = SpectrumArchive.Open(s.ArchiveDir, new ArchiveOptions { Authority = "vospec.test" }))
        {
            DemoCollection.Create(archive, demo, seed: 20260101);
            if (secret > 0)
            {
                DemoCollection.WriteFiles(s.FilesDir, secret, seed: 99, firstIndex: 5000);
                new Ingester(archive).Run([s.FilesDir], "secret_survey");
            }
        }
        await s.RestartAsync(more);
        return s;
    }

    /// <summary>Starts (again) on the same archive with these settings.</summary>
    public async Task RestartAsync(Dictionary<string, string?>? more = null)
    {
        await StopAsync();
        _app = VoSpecHost.Build(Settings(more));
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(_app)[0]) };
    }

    /// <summary>The settings of this server (its archive, authority, public URL, page size, token) and <paramref name="more"/>.</summary>
    public Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = ArchiveDir, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
            ["VoSpec:Authority"] = "vospec.test", ["VoSpec:PublicUrl"] = "https://vospec.test/", ["VoSpec:Publishing:OaiPageSize"] = "2",
            ["VoSpec:Publishing:Publisher"] = "VoSpec test observatory", ["VoSpec:Publishing:ContactEmail"] = "ops@vospec.test",
            ["VoSpec:Access:Collections:secret_survey:Tokens:0"] = SecretToken,
        };
        foreach (var (k, v) in more ?? []) settings[k] = v;
        return settings;
    }

    /// <summary>GET /oai with these arguments; the answer validated against OAI-PMH.xsd and the IVOA schemas of the records in it.</summary>
    public async Task<XDocument> Oai(string query)
    {
        var text = await Client.GetStringAsync("oai?" + query);
        IvoaSchemas.AssertValid(text, "/oai?" + query);
        return XDocument.Parse(text);
    }

    /// <summary>The error code of an OAI-PMH answer (null when it is no error).</summary>
    public static string? ErrorCode(XDocument d) => d.Root!.Element(OaiNs + "error")?.Attribute("code")?.Value;

    public async Task StopAsync()
    {
        Client?.Dispose();
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); _app = null; }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
    }
}
