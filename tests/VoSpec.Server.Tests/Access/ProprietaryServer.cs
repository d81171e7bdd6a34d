using Microsoft.AspNetCore.Builder;
using VoSpec.Archive;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Access;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Access;

/// <summary>How a test request carries (or not) a token.</summary>
public enum TokenForm { None, Wrong, WrongBearer, DataLab, Bearer, Admin }

/// <summary>
/// The real server over an archive with a public "demo" collection and a proprietary "secret" one, opened by two
/// tokens (one configured as its SHA-256, one plain); the admin token is set. <see cref="PostgresProprietaryServer"/>
/// is the same with the catalogue in PostgreSQL.
/// </summary>
public class ProprietaryServer : IAsyncLifetime
{
    public const int DemoCount = 12;
    public const int SecretCount = 5;
    public const string Secret = "secret";
    public const string Token = "open-sesame-3f9c";
    public const string PlainToken = "second-key-77";
    public const string AdminToken = "admin-key-5d1e";
    /// <summary>What Data Lab's client sends when nobody is logged in.</summary>
    public const string AnonymousToken = "anonymous.0.0.anon_access";

    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-access");

    public WebApplication App { get; private set; } = null!;
    public HttpClient Client { get; } = new();
    public string ArchiveDir => Path.Combine(_dir.Path, "archive");
    /// <summary>specobjid and publisher DID of each spectrum, by collection.</summary>
    public IReadOnlyList<(string Collection, long SpecObjId, string Did)> Spectra { get; private set; } = [];

    public IEnumerable<(long SpecObjId, string Did)> Of(string collection) =>
        Spectra.Where(s => s.Collection == collection).Select(s => (s.SpecObjId, s.Did));

    public (long SpecObjId, string Did) OneSecret => Of(Secret).First();
    public (long SpecObjId, string Did) OneDemo => Of(DemoCollection.Name).First();

    /// <summary>The PostgreSQL database of the catalogue; null: SQLite.</summary>
    public string? Database { get; protected init; }

    public async Task InitializeAsync()
    {
        using (var archive = SpectrumArchive.Open(ArchiveDir, new ArchiveOptions { Database = Database }))
        {
            DemoCollection.Create(archive, DemoCount, 11);
            // Another part of the generator's sky, so the ids differ from the demo collection's.
            new Ingester(archive).Store(new DemoGenerator(11).GenerateRange(4000, SecretCount), Secret, "A proprietary survey");
            // The archive's own ADQL (no collection hidden here): the DID ends with the specobjid.
            await using var q = await archive.Adql.PrepareAsync(new VoSpec.Archive.Queries.AdqlRequest
                { Text = "SELECT obs_collection, obs_publisher_did FROM ivoa.obscore ORDER BY obs_publisher_did" }, default);
            var list = new List<(string, long, string)>();
            while (q.Reader.Read())
            {
                var did = q.Reader.GetString(1);
                list.Add((q.Reader.GetString(0), long.Parse(did[(did.LastIndexOf('?') + 1)..], System.Globalization.CultureInfo.InvariantCulture), did));
            }
            Spectra = list;
        }
        App = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = ArchiveDir,
            ["VoSpec:Database"] = Database,
            ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
            // Upper case on purpose: environment variables arrive that way, and names compare case-insensitively.
            ["VoSpec:Access:Collections:SECRET:Tokens:0"] = TokenDigest.Hashed(Token),
            ["VoSpec:Access:Collections:SECRET:Tokens:1"] = PlainToken,
            ["VoSpec:Admin:Token"] = AdminToken,
        });
        await App.StartAsync();
        Client.BaseAddress = new Uri(VoSpecHost.BaseUrls(App)[0]);
    }

    /// <summary>A request with the token in the given form.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, TokenForm form, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        switch (form)
        {
            case TokenForm.Wrong: request.Headers.Add(RequestTokens.DataLabHeader, AnonymousToken); break;
            case TokenForm.WrongBearer: request.Headers.Add("Authorization", "Bearer not-a-token"); break;
            case TokenForm.DataLab: request.Headers.Add(RequestTokens.DataLabHeader, Token); break;
            case TokenForm.Bearer: request.Headers.Add("Authorization", "Bearer " + PlainToken); break;
            case TokenForm.Admin: request.Headers.Add("Authorization", "Bearer " + AdminToken); break;
        }
        return request;
    }

    public async Task<(System.Net.HttpStatusCode Status, string Body)> Get(string path, TokenForm form)
    {
        using var r = await Client.SendAsync(Request(HttpMethod.Get, path, form));
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    public async Task<(System.Net.HttpStatusCode Status, byte[] Body)> Post(string path, TokenForm form, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var r = await Client.SendAsync(Request(HttpMethod.Post, path, form, new FormUrlEncodedContent(fields)));
        return (r.StatusCode, await r.Content.ReadAsByteArrayAsync());
    }

    public static readonly TokenForm[] Without = [TokenForm.None, TokenForm.Wrong, TokenForm.WrongBearer];
    public static readonly TokenForm[] With = [TokenForm.DataLab, TokenForm.Bearer, TokenForm.Admin];

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>The proprietary-collection server with its catalogue in a new PostgreSQL database.</summary>
public sealed class PostgresProprietaryServer : ProprietaryServer
{
    public PostgresProprietaryServer() => Database = PostgresDatabases.NewDatabase();
}
