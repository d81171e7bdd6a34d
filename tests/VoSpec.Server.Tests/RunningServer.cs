using Xunit;
using Microsoft.AspNetCore.Builder;
using VoSpec.Server.Hosting;
using VoSpec.Testing;

namespace VoSpec.Server.Tests;

/// <summary>
/// The real server (Kestrel) on 127.0.0.1 with an ephemeral port, over a fresh archive holding a
/// small demo collection. Tests talk HTTP to it with an ordinary HttpClient. <see cref="PostgresRunningServer"/> is the
/// same server with its catalogue in PostgreSQL.
/// </summary>
public class RunningServer : IAsyncLifetime
{
    public const int DemoCount = 40;
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-server");
    private WebApplication? _app;

    public HttpClient Client { get; } = new();
    public Uri BaseUri { get; private set; } = null!;
    public string ArchiveDir => Path.Combine(_dir.Path, "archive");

    /// <summary>The PostgreSQL database of the catalogue; null: SQLite in the archive directory.</summary>
    public string? Database { get; protected init; }

    /// <summary>Fills the archive before the server opens it (a filled archive gets no demo collection).</summary>
    protected virtual void BeforeStart() { }

    /// <summary>Settings beside the fixed ones (access rules, limits).</summary>
    protected virtual void Configure(Dictionary<string, string?> settings) { }

    public async Task InitializeAsync()
    {
        BeforeStart();
        var settings = new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = ArchiveDir,
            ["VoSpec:Database"] = Database,
            ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
            ["VoSpec:Demo"] = DemoCount.ToString(),
        };
        Configure(settings);
        _app = VoSpecHost.Build(settings);
        await _app.StartAsync();
        BaseUri = new Uri(VoSpecHost.BaseUrls(_app)[0]);
        Client.BaseAddress = BaseUri;
    }

    /// <summary>Every route the server maps, with its HTTP methods (from ASP.NET's endpoint data sources).</summary>
    public IReadOnlyList<(string Path, IReadOnlyList<string> Methods)> Endpoints() =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app!).DataSources.SelectMany(d => d.Endpoints)
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Select(e => ("/" + (e.RoutePattern.RawText ?? "").TrimStart('/').TrimEnd('/'),
                (IReadOnlyList<string>)(e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.ToList() ?? [])))
            .GroupBy(e => e.Item1).Select(g => (g.Key, (IReadOnlyList<string>)g.SelectMany(x => x.Item2).Distinct().ToList())).ToList();

    /// <summary>The server's archive opened beside it (whichever backend holds its catalogue).</summary>
    public VoSpec.Archive.SpectrumArchive OpenArchive() =>
        VoSpec.Archive.SpectrumArchive.Open(ArchiveDir, new VoSpec.Archive.ArchiveOptions { Database = Database });

    /// <summary>The rows of an ADQL query on the catalogue, straight from the archive (no HTTP).</summary>
    public List<object?[]> Query(string adql)
    {
        using var archive = OpenArchive();
        var q = archive.Adql.PrepareAsync(new VoSpec.Archive.Queries.AdqlRequest { Text = adql }, default).GetAwaiter().GetResult();
        try
        {
            var list = new List<object?[]>();
            while (q.Reader.Read())
            {
                var row = new object?[q.Columns.Count];
                for (int i = 0; i < row.Length; i++) row[i] = q.Reader.IsDBNull(i) ? null : q.Reader.GetValue(i);
                list.Add(row);
            }
            return list;
        }
        finally { q.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    /// <summary>Positions of the first n spectra in the archive (by specobjid, straight from the catalogue).</summary>
    public IReadOnlyList<(double Ra, double Dec)> Positions(int n) =>
        Query($"SELECT TOP {n} ra, dec FROM spec.specobj ORDER BY specobjid").Select(r => (Convert.ToDouble(r[0]), Convert.ToDouble(r[1]))).ToList();

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        _dir.Dispose();
    }
}

/// <summary>The same server with its catalogue in a new PostgreSQL database (pgSphere) of the test run's private cluster.</summary>
public sealed class PostgresRunningServer : RunningServer
{
    public PostgresRunningServer() => Database = PostgresDatabases.NewDatabase();
}
