using System.Text.RegularExpressions;
using Npgsql;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Postgres;
using VoSpec.Archive.Sqlite;
using VoSpec.Testing;
using VoSpec.VOTable;
using Xunit;

namespace VoSpec.Archive.Tests.Postgres;

/// <summary>
/// ObsCore's stored BINARY2 rows on PostgreSQL (PostgresRowImages): after every write VoSpec makes they are exactly what
/// the VOTable writer's own cell-by-cell path produces for the rows as PostgreSQL holds them, and a write from outside
/// that changes a row without its bytes is refused by the database.
/// </summary>
public class PostgresRowImagesTests
{
    /// <summary>The stored bytes of every row in key order against the writer's encoding of the plain columns.</summary>
    private static void AssertStoredRowsAreCurrent(NpgsqlConnection conn)
    {
        var t = RowImages.ObsCore;
        var stored = new MemoryStream();
        long rows = 0;
        using (var cmd = new NpgsqlCommand($"SELECT {t.Column} FROM ivoa_obscore ORDER BY spec_id", conn))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) { Assert.False(r.IsDBNull(0), $"row {rows + 1} has no stored bytes"); stored.Write((byte[])r[0]); rows++; }
        Assert.True(rows > 0);

        var document = new MemoryStream();
        using (var cmd = new NpgsqlCommand($"SELECT {string.Join(", ", t.ColumnNames.Select(CatalogueDdl.Quote))} FROM ivoa_obscore ORDER BY spec_id", conn))
        using (var r = cmd.ExecuteReader())
        using (var w = new VOTableWriter(document, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource("results");
            Assert.Equal(rows, w.WriteTableAsync(r, t.Fields, Serialization.Binary2, long.MaxValue).GetAwaiter().GetResult().RowsWritten);
            w.EndResource();
            w.EndDocument();
            w.Flush();
        }
        var base64 = Regex.Match(System.Text.Encoding.UTF8.GetString(document.ToArray()), "<STREAM encoding=\"base64\">([^<]*)</STREAM>").Groups[1].Value;
        Assert.True(Convert.FromBase64String(base64).AsSpan().SequenceEqual(stored.ToArray()), "the stored rows differ from the writer's encoding of the columns");
    }

    [Fact]
    public void Stored_rows_follow_every_write_and_a_write_without_them_is_refused()
    {
        using var dir = TestPaths.NewTempDir("vospec-pgimages");
        var cs = PostgresDatabases.NewDatabase();
        using var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs });
        var generator = new DemoGenerator(3);
        new Ingester(archive).StoreCatalogueOnly(generator.GenerateRange(0, 40), "open");
        new Ingester(archive).StoreCatalogueOnly(generator.GenerateRange(500, 20), "closed");
        var pg = (PostgresCatalogue)archive.Catalogue;
        using var conn = pg.OpenPrimary();

        // The writer's bytes (binary COPY).
        AssertStoredRowsAreCurrent(conn);
        var written = AllBytes(conn);

        // Data rights change a public column: the changed rows are encoded again in the same transaction.
        Assert.Equal(["closed"], archive.Catalogue.ApplyDataRights(["closed"]));
        AssertStoredRowsAreCurrent(conn);
        Assert.NotEqual(written, AllBytes(conn));

        // Encoding again from the rows as PostgreSQL holds them gives the writer's bytes.
        Assert.Equal(["closed"], archive.Catalogue.ApplyDataRights([]));
        Assert.Equal(written, AllBytes(conn));
        using (var tx = conn.BeginTransaction())
        {
            PostgresCatalogue.Execute(conn, "UPDATE ivoa_obscore SET vospec_binary2 = NULL", tx);
            Assert.Equal(60, PostgresRowImages.EncodeMissing(conn, tx, slice: 7));
            tx.Commit();
        }
        Assert.Equal(written, AllBytes(conn));

        // Another client's write that changes a row without its bytes is refused at commit; so is a row without them.
        string db = new Regex("Database=([^;]+)").Match(cs).Groups[1].Value;
        foreach (var sql in new[]
        {
            "UPDATE ivoa_obscore SET obs_title = 'changed' WHERE spec_id % 3 = 0",
            "UPDATE ivoa_obscore SET vospec_binary2 = NULL WHERE spec_id = 5",
            "CREATE TEMP TABLE x AS SELECT * FROM ivoa_obscore WHERE spec_id = 1; UPDATE x SET spec_id = 999999, obs_id = 'x', obs_publisher_did = 'x', vospec_binary2 = NULL; INSERT INTO ivoa_obscore SELECT * FROM x",
        })
        {
            var r = PostgresDatabases.Cluster.Psql(sql, db);
            Assert.True(r.ExitCode != 0, $"{sql} was allowed: {r.All}");
            Assert.Contains("has no stored BINARY2 bytes", r.All);
        }
        // A change that brings its own bytes is let through (VoSpec's writes do).
        var ok = PostgresDatabases.Cluster.Psql("UPDATE ivoa_obscore SET vospec_binary2 = vospec_binary2 || '\\x00'::bytea WHERE spec_id = 1", db);
        Assert.True(ok.ExitCode == 0, ok.All);
        // The check itself sees a wrong row (the one just changed).
        Assert.ThrowsAny<Exception>(() => AssertStoredRowsAreCurrent(conn));
    }

    private static List<string> AllBytes(NpgsqlConnection conn)
    {
        var all = new List<string>();
        using var cmd = new NpgsqlCommand("SELECT vospec_binary2 FROM ivoa_obscore ORDER BY spec_id", conn);
        using var r = cmd.ExecuteReader();
        while (r.Read()) all.Add(Convert.ToHexString((byte[])r[0]));
        return all;
    }
}
