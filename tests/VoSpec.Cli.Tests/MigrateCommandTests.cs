using System.Globalization;
using VoSpec.Archive;
using VoSpec.Archive.Queries;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Cli.Tests;

/// <summary>
/// vospec migrate: the real SDSS files ingested into SQLite, then the catalogue moved into an empty PostgreSQL
/// database; the PostgreSQL-backed archive answers ADQL with the same rows (every ObsCore and specobj column),
/// finds the same pixels, and a second migrate into the now full database is refused.
/// </summary>
public class MigrateCommandTests
{
    [Fact]
    public async Task Migrating_a_catalogue_to_postgresql_keeps_every_row_and_pixel()
    {
        using var dir = TestPaths.NewTempDir();
        var archiveDir = Path.Combine(dir.Path, "a");
        var ingest = Vospec.Run("ingest", "--archive", archiveDir, "--collection", "sdss_dr16", Path.Combine(TestPaths.RealData, "sdss"));
        Assert.True(ingest.ExitCode == 0, ingest.All);
        var database = PostgresDatabases.NewDatabase();

        var migrate = Vospec.Run("migrate", "--archive", archiveDir, "--database", database);
        Assert.True(migrate.ExitCode == 0, migrate.All);
        Assert.Contains("20 spectra migrated", migrate.StdOut);

        using var sqlite = SpectrumArchive.Open(archiveDir);
        using var pg = SpectrumArchive.Open(archiveDir, new ArchiveOptions { Database = database });
        Assert.Equal(CatalogueBackend.Postgres, pg.Backend);
        Assert.Equal(sqlite.Lookup.Collections(), pg.Lookup.Collections());
        foreach (var adql in new[] { "SELECT * FROM ivoa.obscore ORDER BY obs_publisher_did", "SELECT * FROM spec.specobj ORDER BY specobjid" })
            Assert.Equal(await Rows(sqlite, adql), await Rows(pg, adql));
        Assert.Equal(sqlite.Lookup.Coverage("sdss_dr16")!.Sky.ToAscii(), pg.Lookup.Coverage("sdss_dr16")!.Sky.ToAscii());
        var first = sqlite.Lookup.Locate("sdss_dr16", 299492975510054912)!.Value;
        Assert.Equal(first, pg.Lookup.Locate("sdss_dr16", 299492975510054912));
        Assert.Equal(sqlite.ReadPixels(first).ToArrays().Flux, pg.ReadPixels(first).ToArrays().Flux);

        var again = Vospec.Run("migrate", "--archive", archiveDir, "--database", database);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds a catalogue", again.StdErr);
    }

    /// <summary>An archive of the three surveys moves with its survey tables (desi.fibermap, lamost.lrs) row for row.</summary>
    [Fact]
    public async Task Migrating_three_surveys_keeps_their_own_tables()
    {
        using var dir = TestPaths.NewTempDir();
        var archiveDir = Path.Combine(dir.Path, "a");
        var ingest = Vospec.Run("ingest", "--archive", archiveDir, TestPaths.RealData);
        Assert.True(ingest.ExitCode == 0, ingest.All);
        var database = PostgresDatabases.NewDatabase();
        var migrate = Vospec.Run("migrate", "--archive", archiveDir, "--database", database);
        Assert.True(migrate.ExitCode == 0, migrate.All);
        Assert.Contains("30 spectra migrated", migrate.StdOut);

        using var sqlite = SpectrumArchive.Open(archiveDir);
        using var pg = SpectrumArchive.Open(archiveDir, new ArchiveOptions { Database = database });
        foreach (var (adql, count) in new[] { ("SELECT * FROM desi.fibermap ORDER BY specobjid", 8), ("SELECT * FROM lamost.lrs ORDER BY obsid", 2) })
        {
            var rows = await Rows(sqlite, adql);
            Assert.Equal(count, rows.Count);
            Assert.Equal(rows, await Rows(pg, adql));
        }
    }

    private static async Task<List<string>> Rows(SpectrumArchive archive, string adql)
    {
        await using var q = await archive.Adql.PrepareAsync(new AdqlRequest { Text = adql }, default);
        var rows = new List<string>();
        while (q.Reader.Read())
            rows.Add(string.Join("|", Enumerable.Range(0, q.Columns.Count).Select(i => q.Reader.IsDBNull(i) ? "null"
                : q.Reader.GetValue(i) is var v && v is double or float ? Convert.ToDouble(v, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)
                : Convert.ToString(v, CultureInfo.InvariantCulture))));
        return rows;
    }
}
