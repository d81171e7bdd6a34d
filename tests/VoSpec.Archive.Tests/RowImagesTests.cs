using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Sqlite;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Testing;
using VoSpec.VOTable;
using Xunit;

namespace VoSpec.Archive.Tests;

/// <summary>
/// ObsCore rows keep their BINARY2 bytes (RowImages): after every kind of write they must be exactly what the VOTable
/// writer's own cell-by-cell path produces for the same rows.
/// </summary>
public class RowImagesTests
{
    private static SpectrumArchive WithRows(TempDir dir)
    {
        var archive = SpectrumArchive.Open(dir.Path);
        var generator = new DemoGenerator(3);
        new Ingester(archive).StoreCatalogueOnly(generator.GenerateRange(0, 40), "open");
        new Ingester(archive).StoreCatalogueOnly(generator.GenerateRange(500, 20), "closed");
        return archive;
    }

    /// <summary>The stored bytes of every row, in rowid order, against the writer's encoding of the plain columns.</summary>
    internal static void AssertStoredRowsAreCurrent(SpectrumArchive archive)
    {
        var t = RowImages.ObsCore;
        using var conn = archive.Sqlite.OpenConnection();
        var stored = new MemoryStream();
        long rows = 0;
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"SELECT b.{t.Column} FROM ivoa_obscore o LEFT JOIN {t.StoreTable} b ON b.{t.Key} = o.{t.Key} ORDER BY o.rowid";
            using var r = cmd.ExecuteReader();
            while (r.Read()) { Assert.False(r.IsDBNull(0), $"row {rows + 1} has no stored bytes"); stored.Write((byte[])r[0]); rows++; }
        }
        Assert.True(rows > 0);
        // Nothing stored for a row that is gone.
        Assert.Equal(rows, SqliteCatalogue.Scalar<long>(conn, $"SELECT count(*) FROM {t.StoreTable}"));

        // The cell API (Microsoft.Data.Sqlite's reader is not IRawCells): an independent path to the same bytes.
        var document = new MemoryStream();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"SELECT {string.Join(", ", t.ColumnNames.Select(CatalogueDdl.Quote))} FROM ivoa_obscore ORDER BY rowid";
            using var r = cmd.ExecuteReader();
            using var w = new VOTableWriter(document, leaveOpen: true);
            w.BeginDocument();
            w.BeginResource("results");
            var result = w.WriteTableAsync(r, t.Fields, Serialization.Binary2, long.MaxValue).GetAwaiter().GetResult();
            Assert.Equal(rows, result.RowsWritten);
            w.EndResource();
            w.EndDocument();
            w.Flush();
        }
        var text = System.Text.Encoding.UTF8.GetString(document.ToArray());
        var base64 = Regex.Match(text, "<STREAM encoding=\"base64\">([^<]*)</STREAM>").Groups[1].Value;
        Assert.Equal(Convert.FromBase64String(base64), stored.ToArray());
    }

    [Fact]
    public void Ingested_rows_carry_their_binary2_bytes()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = WithRows(dir);
        AssertStoredRowsAreCurrent(archive);
    }

    [Fact]
    public void Changed_rows_are_encoded_again_in_the_same_transaction()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = WithRows(dir);
        Assert.Equal(["closed"], DataRights.Apply(archive, ["closed"]));
        AssertStoredRowsAreCurrent(archive);
        archive.SetPublicUrl("https://vo.example.org/spectra/");
        AssertStoredRowsAreCurrent(archive);
        using (var conn = archive.Sqlite.OpenConnection(readOnly: false))
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "UPDATE ivoa_obscore SET obs_title = NULL, t_min = NULL, calib_level = 3 WHERE rowid % 3 = 0";
            Assert.True(cmd.ExecuteNonQuery() > 0);
        }
        AssertStoredRowsAreCurrent(archive);
    }

    [Fact]
    public void A_connection_without_the_encoder_cannot_change_the_rows()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = WithRows(dir);
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = archive.CataloguePath }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE ivoa_obscore SET obs_title = 'changed'";
        var e = Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery());
        Assert.Contains(RowImages.ObsCore.Function, e.Message);
        cmd.CommandText = "SELECT count(*) FROM ivoa_obscore WHERE obs_title = 'changed'";
        Assert.Equal(0L, cmd.ExecuteScalar());
        AssertStoredRowsAreCurrent(archive);
    }

    [Fact]
    public void An_archive_without_stored_rows_or_with_another_layout_is_encoded_at_open()
    {
        using var dir = TestPaths.NewTempDir();
        using (var archive = WithRows(dir))
        using (var conn = archive.Sqlite.OpenConnection(readOnly: false))
        using (var cmd = conn.CreateCommand())
        {
            // An archive from before row images: no store, no triggers, no layout.
            cmd.CommandText = """
                DROP TRIGGER ivoa_obscore_binary2_insert; DROP TRIGGER ivoa_obscore_binary2_update; DROP TRIGGER ivoa_obscore_binary2_delete;
                DROP TABLE ivoa_obscore_binary2; DELETE FROM archive_meta WHERE key LIKE 'row_images:%'
                """;
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        using (var archive = SpectrumArchive.Open(dir.Path)) AssertStoredRowsAreCurrent(archive);

        using (var archive = SpectrumArchive.Open(dir.Path))
        using (var conn = archive.Sqlite.OpenConnection(readOnly: false))
        using (var cmd = conn.CreateCommand())
        {
            // An archive from before the store (issue 18): the bytes in a column of ObsCore's own rows, first.
            cmd.CommandText = """
                DROP TRIGGER ivoa_obscore_binary2_insert; DROP TRIGGER ivoa_obscore_binary2_update; DROP TRIGGER ivoa_obscore_binary2_delete;
                ALTER TABLE ivoa_obscore ADD COLUMN vospec_binary2 BLOB;
                UPDATE ivoa_obscore SET vospec_binary2 = (SELECT b.vospec_binary2 FROM ivoa_obscore_binary2 b WHERE b.spec_id = ivoa_obscore.spec_id);
                DROP TABLE ivoa_obscore_binary2
                """;
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        var log = new List<string>();
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Log = log.Add }))
        {
            AssertStoredRowsAreCurrent(archive);
            using var conn = archive.Sqlite.OpenConnection();
            Assert.Equal(0L, SqliteCatalogue.Scalar<long>(conn, "SELECT count(*) FROM pragma_table_info('ivoa_obscore') WHERE name = 'vospec_binary2'"));
        }
        Assert.Contains(log, l => l.Contains("moving the stored BINARY2 rows of ivoa.obscore"));

        using (var archive = SpectrumArchive.Open(dir.Path))
        using (var conn = archive.Sqlite.OpenConnection(readOnly: false))
        using (var cmd = conn.CreateCommand())
        {
            // Bytes of another encoder version: writing the column alone runs no trigger.
            cmd.CommandText = "UPDATE ivoa_obscore_binary2 SET vospec_binary2 = x'00'; UPDATE archive_meta SET value = 'binary2-v0:old' WHERE key LIKE 'row_images:%'";
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        using (var archive = SpectrumArchive.Open(dir.Path)) AssertStoredRowsAreCurrent(archive);
    }
}
