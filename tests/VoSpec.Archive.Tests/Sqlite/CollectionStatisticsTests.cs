using Microsoft.Data.Sqlite;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Spectra;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests.Sqlite;

/// <summary>
/// The probes and the collection statistics answer in constant time (issue 18): they read collection_stats, kept by
/// triggers at ingest, and agree with aggregating the catalogue; an archive from before the statistics is counted once
/// at open.
/// </summary>
public class CollectionStatisticsTests
{
    private static List<CollectionInfo> Aggregated(SpectrumArchive archive)
    {
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT c.name, c.title, c.data_rights, count(s.spec_id), min(s.wavemin), max(s.wavemax), min(s.z), max(s.z)
            FROM collections c LEFT JOIN specobj s ON s.collection = c.name GROUP BY c.name ORDER BY c.name
            """;
        using var r = cmd.ExecuteReader();
        var list = new List<CollectionInfo>();
        while (r.Read())
            list.Add(new CollectionInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(5) ? null : r.GetDouble(5), r.IsDBNull(6) ? null : r.GetDouble(6), r.IsDBNull(7) ? null : r.GetDouble(7)));
        return list;
    }

    private static SpectrumArchive Filled(string dir)
    {
        var archive = SpectrumArchive.Open(dir);
        TestSpectra.Store(archive, "a", Enumerable.Range(1, 40).Select(i => TestSpectra.Make(i, 1, i, i, 0, npix: 20 + i)));
        TestSpectra.Store(archive, "b", Enumerable.Range(1, 7).Select(i => TestSpectra.Make(1000 + i, 2, i, i, 1, npix: 30)));
        TestSpectra.Store(archive, "a", Enumerable.Range(41, 5).Select(i => TestSpectra.Make(i, 1, i, i, 0, npix: 90, withOptional: false)));
        return archive;
    }

    [Fact]
    public void Statistics_kept_at_ingest_agree_with_the_catalogue()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = Filled(dir.Path);
        Assert.Equal(Aggregated(archive), archive.Lookup.Collections());
        Assert.Equal(52, archive.Lookup.CountSpectra());
        Assert.Equal(45, archive.Lookup.CountSpectra("a"));
        Assert.Equal(0, archive.Lookup.CountSpectra("none"));
        archive.Lookup.Probe();
    }

    [Fact]
    public void An_archive_from_before_the_statistics_is_counted_once_at_open()
    {
        using var dir = TestPaths.NewTempDir();
        List<CollectionInfo> expected;
        using (var archive = Filled(dir.Path))
        {
            expected = Aggregated(archive);
            using var conn = archive.Sqlite.OpenConnection(readOnly: false);
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"DELETE FROM collection_stats; DELETE FROM archive_meta WHERE key = '{CatalogueDdl.StatisticsKey}'";
            cmd.ExecuteNonQuery();
        }
        using var reopened = SpectrumArchive.Open(dir.Path);
        Assert.Equal(expected, reopened.Lookup.Collections());
        Assert.Equal(52, reopened.Lookup.CountSpectra());
    }

    [Fact]
    public void Classes_are_kept_per_collection_and_an_archive_from_before_them_is_counted_once_at_open()
    {
        using var dir = TestPaths.NewTempDir();
        using (var archive = Filled(dir.Path))
        {
            var kept = archive.Lookup.CollectionClasses();
            Assert.Equal([("GALAXY", 45L)], kept["a"]);
            Assert.Equal([("GALAXY", 7L)], kept["b"]);
            using var conn = archive.Sqlite.OpenConnection(readOnly: false);
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"DELETE FROM collection_classes; DELETE FROM archive_meta WHERE key = '{VoSpec.Archive.Catalogue.CollectionClassRows.Key}'";
            cmd.ExecuteNonQuery();
        }
        using var reopened = SpectrumArchive.Open(dir.Path);
        Assert.Equal([("GALAXY", 45L)], reopened.Lookup.CollectionClasses()["a"]);
        Assert.Equal([("GALAXY", 7L)], reopened.Lookup.CollectionClasses()["b"]);
    }

    [Theory]
    [InlineData(VoSpec.Archive.Catalogue.CollectionClassRows.Sql)]
    [InlineData(SqliteCatalogue.CollectionsSql)]
    [InlineData(SqliteCatalogue.CountSql)]
    [InlineData(SqliteCatalogue.ProbeSql)]
    public void The_constant_time_answers_read_no_large_table(string sql)
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = Filled(dir.Path);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var r = cmd.ExecuteReader();
        var plan = new List<string>();
        while (r.Read()) plan.Add(r.GetString(3));
        Assert.NotEmpty(plan);
        // Tables with a row per spectrum must not be read at all (named in the statement or in its plan, where SQLite
        // names a table by its alias); the per-collection ones may be scanned.
        foreach (var big in new[] { "specobj", "spectrum_store", "ivoa_obscore", "spatial_idx" })
        {
            Assert.DoesNotContain(big, sql, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(plan, step => step.Contains(" " + big, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_plan_check_sees_a_scan_where_there_is_one()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = Filled(dir.Path);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN SELECT count(*) FROM spectrum_store";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Contains(" spectrum_store", r.GetString(3), StringComparison.Ordinal);
    }
}
