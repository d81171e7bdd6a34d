using System.Text;
using Microsoft.Data.Sqlite;
using VoSpec.Archive;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Archive.Sqlite;
using VoSpec.Server.Tap;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>TAP's connections are kept between queries (with their ADQL functions): nothing of one query may reach the next.</summary>
public class AdqlConnectionTests
{
    private const string Upload = """
        <?xml version="1.0"?>
        <VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results"><TABLE>
        <FIELD name="id" datatype="int"/><DATA><TABLEDATA><TR><TD>1</TD></TR><TR><TD>2</TD></TR></TABLEDATA></DATA>
        </TABLE></RESOURCE></VOTABLE>
        """;

    private static int TempTables(SpectrumArchive archive)
    {
        var kept = AdqlConnection.Rent(archive);
        try
        {
            using var cmd = kept.Connection.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM temp.sqlite_master WHERE type = 'table'";
            return Convert.ToInt32(cmd.ExecuteScalar());
        }
        finally { kept.Return(archive, clean: true); }
    }

    [Fact]
    public async Task A_kept_connection_comes_back_without_the_uploads_and_with_the_functions()
    {
        using var dir = TestPaths.NewTempDir("vospec-kept");
        using var archive = SpectrumArchive.Open(dir.Path);
        new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(5).GenerateMany(20), "demo");
        var tap = new TapService(new TapLimits(), VoSpec.Adql.Feature.AdqlFeatures.All);
        var runner = new TapQueryRunner(archive, tap);
        for (int i = 0; i < 3; i++)
        {
            var request = TapRequest.Parse(DaliParameters.From(new Dictionary<string, string>
            {
                ["LANG"] = "ADQL", ["UPLOAD"] = "t,param:table1",
                ["QUERY"] = "SELECT COUNT(*) AS n, MAX(SQRT(id)) AS s FROM TAP_UPLOAD.t",
            }), tap.Limits);
            await using (var q = await runner.PrepareAsync(request, AccessRights.Everything,
                part => part == "table1" ? new MemoryStream(Encoding.UTF8.GetBytes(Upload)) : null, 10, CancellationToken.None))
                await runner.WriteAsync(q, Stream.Null);
            Assert.Equal(0, TempTables(archive));
        }

        // The ADQL functions stay registered on the kept connection.
        var kept = AdqlConnection.Rent(archive);
        using (var cmd = kept.Connection.CreateCommand())
        {
            cmd.CommandText = "SELECT adql_sqrt(16.0)";
            Assert.Equal(4.0, cmd.ExecuteScalar());
        }
        kept.Return(archive, clean: true);
        SqliteConnection.ClearAllPools();
    }
}
