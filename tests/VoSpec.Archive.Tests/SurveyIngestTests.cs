using Xunit;
using VoSpec.Archive.Ingest;
using VoSpec.Fits.Desi;
using VoSpec.Fits.Lamost;
using VoSpec.Testing;

namespace VoSpec.Archive.Tests;

/// <summary>
/// Ingest over the whole real-data folder: SDSS, DESI and LAMOST files are told apart by content and each
/// survey lands in its own collection with its own ObsCore values; pixels come back as the readers read them.
/// </summary>
public class SurveyIngestTests
{
    private static (SpectrumArchive Archive, IngestReport Report) IngestRealData(TempDir dir)
    {
        var archive = SpectrumArchive.Open(Path.Combine(dir.Path, "archive"));
        var report = new Ingester(archive).Run([TestPaths.RealData], "sdss");
        return (archive, report);
    }

    internal static List<object?[]> Rows(SpectrumArchive archive, string sql)
    {
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// An archive built before the survey tables (main from 10:31 to 13:29 on 2026-12-04) opens with them empty: the
    /// first open that can write fills them from the source files, row for row what ingest writes today.
    /// </summary>
    [Fact]
    public void An_archive_from_before_the_survey_tables_gets_them_filled_at_open()
    {
        using var dir = TestPaths.NewTempDir();
        var tables = VoSpec.Core.Schema.SchemaCatalog.SurveyTables.Select(t => t.SqlName).ToList();
        Assert.Equal(2, tables.Count);
        var before = new Dictionary<string, List<object?[]>>();
        var (archive, _) = IngestRealData(dir);
        using (archive)
        {
            foreach (var t in tables) before[t] = Rows(archive, $"SELECT * FROM \"{t}\" ORDER BY spec_id");
            Assert.All(tables, t => Assert.NotEmpty(before[t]));
            // What such an archive looks like: the tables there (created at open) but empty, the backfill never done.
            using var conn = archive.Sqlite.OpenConnection(readOnly: false);
            using var cmd = conn.CreateCommand();
            cmd.CommandText = string.Join(";", tables.Select(t => $"DELETE FROM \"{t}\"")) + ";DELETE FROM archive_meta WHERE key = 'survey_tables_filled'";
            cmd.ExecuteNonQuery();
            Assert.All(tables, t => Assert.Empty(Rows(archive, $"SELECT * FROM \"{t}\"")));
        }
        var log = new List<string>();
        using (var reopened = SpectrumArchive.Open(Path.Combine(dir.Path, "archive"), new ArchiveOptions { Log = log.Add }))
        {
            foreach (var t in tables) Assert.Equal(before[t], Rows(reopened, $"SELECT * FROM \"{t}\" ORDER BY spec_id"));
            Assert.Contains(log, l => l.Contains("survey tables:", StringComparison.Ordinal) && l.Contains($"{before.Values.Sum(v => v.Count)} rows", StringComparison.Ordinal));
        }
        // Done once: rows deleted after it are not filled again at the next open.
        using (var again = SpectrumArchive.Open(Path.Combine(dir.Path, "archive")))
        {
            using (var conn = again.Sqlite.OpenConnection(readOnly: false))
            using (var cmd = conn.CreateCommand()) { cmd.CommandText = $"DELETE FROM \"{tables[0]}\""; cmd.ExecuteNonQuery(); }
        }
        using (var third = SpectrumArchive.Open(Path.Combine(dir.Path, "archive")))
            Assert.Empty(Rows(third, $"SELECT * FROM \"{tables[0]}\""));
    }

    [Fact]
    public void The_real_data_folder_ingests_every_survey_into_its_own_collection()
    {
        using var dir = TestPaths.NewTempDir();
        var (archive, report) = IngestRealData(dir);
        using var _ = archive;
        Assert.True(report.Failed == 0, string.Join("\n", report.Failures));
        // 19 SDSS spec files and one DR7 spSpec; DESI: 2 target fibres in each of the 4 files (sky and unassigned fibres skipped); 2 LAMOST files.
        Assert.Equal((20, 8, 2), (archive.Lookup.CountSpectra("sdss"), archive.Lookup.CountSpectra("desi"), archive.Lookup.CountSpectra("lamost")));
        Assert.Equal(30, report.Ingested);

        // A second run finds every spectrum already there.
        var again = new Ingester(archive).Run([TestPaths.RealData], "sdss");
        Assert.Equal((0, 30, 0), (again.Ingested, again.Duplicates, again.Failed));
    }

    [Fact]
    public void A_path_given_twice_is_reported_twice_not_a_crash()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(Path.Combine(dir.Path, "archive"));
        string missing = Path.Combine(dir.Path, "missing.fits"), desi = TestPaths.RealFile("desi/coadd-sv3-dark-26065.fits");
        var report = new Ingester(archive).Run([missing, missing, desi, desi], "sdss");
        Assert.Equal((2, 2, 2), (report.Ingested, report.Duplicates, report.Failed));
        Assert.All(report.Failures, f => Assert.Equal(missing, f.Path));
    }

    [Fact]
    public void Desi_and_lamost_rows_carry_their_own_obscore_values()
    {
        using var dir = TestPaths.NewTempDir();
        var (archive, _) = IngestRealData(dir);
        using var __ = archive;
        var rows = Rows(archive, """
            SELECT obs_collection, facility_name, instrument_name, calib_level, target_class, em_min, em_max, o_unit, obs_id, s_ra, s_dec, target_name
            FROM ivoa_obscore ORDER BY obs_collection, obs_id
            """);
        var desi = rows.Where(r => (string)r[0]! == "desi").ToList();
        var lamost = rows.Where(r => (string)r[0]! == "lamost").ToList();
        Assert.Equal(8, desi.Count);
        Assert.All(desi, r =>
        {
            Assert.Equal(("Mayall 4m", "DESI", 2L), ((string)r[1]!, (string)r[2]!, (long)r[3]!));
            Assert.Null(r[4]);                                  // DESI's redshifts and classes are in other files
            Assert.Equal(3600e-10, (double)r[5]!, 15);
            Assert.Equal(9824e-10, (double)r[6]!, 12);
            Assert.Equal(VoSpec.Core.Spectra.SpectrumUnits.Flux, r[7]);
        });
        var coadd = DesiReader.Read(TestPaths.RealFile("desi/coadd-sv3-dark-26065.fits")).Spectra[0];
        var stored = desi.Single(r => (string)r[8]! == "sv3-dark-26065-39627866878511337");
        Assert.Equal((coadd.Fibre.Ra, coadd.Fibre.Dec), ((double)stored[9]!, (double)stored[10]!));

        Assert.Equal(["101001", "101013"], lamost.Select(r => (string)r[8]!));
        // The designations LAMOST's own headers give (DESIG).
        Assert.Equal(["LAMOST J220848.54-020324.3", "LAMOST J220917.16-020719.2"], lamost.Select(r => (string)r[11]!));
        Assert.All(lamost, r =>
        {
            Assert.Equal(("LAMOST", "LAMOST LRS", "STAR"), ((string)r[1]!, (string)r[2]!, (string)r[4]!));
            Assert.Null(r[7]);                                  // relative flux: no physical unit claimed
        });
    }

    [Fact]
    public void Stored_desi_and_lamost_spectra_load_back_as_the_readers_read_them()
    {
        using var dir = TestPaths.NewTempDir();
        var (archive, _) = IngestRealData(dir);
        using var __ = archive;

        var lamost = LamostReader.Read(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-001_dr7.fits.gz")).Spectrum;
        var back = archive.Load("lamost", 101001)!;
        Assert.Equal(lamost.Arrays.Flux, back.Arrays.Flux);
        Assert.Equal(lamost.Arrays.Ivar, back.Arrays.Ivar);
        Assert.Equal(lamost.Arrays.Grid.ToArray(), back.Arrays.Grid.ToArray());
        Assert.Equal(("101001", "STAR", "G7", LamostConventions.FluxUnit), (back.Meta.ObsId, back.Meta.Class, back.Meta.Subclass, back.Meta.FluxUnit));

        var desi = DesiReader.Read(TestPaths.RealFile("desi/spectra-5-169-thru20210419.fits")).Spectra[1].Merged;
        var stored = archive.Load("desi", desi.Meta.SpecObjId)!;
        Assert.Equal(desi.Meta.ObsId, stored.Meta.ObsId);
        Assert.Equal(desi.Arrays.Flux, stored.Arrays.Flux);
        Assert.Equal(desi.Arrays.Ivar, stored.Arrays.Ivar);
        Assert.Equal(desi.Arrays.OrMask, stored.Arrays.OrMask);
        Assert.Equal(desi.Arrays.Grid.ToArray(), stored.Arrays.Grid.ToArray());
    }

    /// <summary>
    /// A tile's cumulative coadd and its per-night coadd (the same real file with SPGRP = 'pernight', as DESI's
    /// tiles/pernight directory holds beside tiles/cumulative) give their targets the same SDSS-style (plate, MJD,
    /// fibre) — tile 169, the last night, the same fibres — but different names (group and TARGETID): both ingest,
    /// on both backends, with no collision and no spectrum taken for a duplicate of the other.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Desi_coadds_sharing_plate_mjd_and_fibre_ingest_without_collision(bool postgres)
    {
        using var dir = TestPaths.NewTempDir();
        string cumulative = TestPaths.RealFile("desi/coadd-5-169-thru20210419.fits"), perNight = Path.Combine(dir.Path, "coadd-5-169-20210419.fits");
        var made = ExternalTool.RunPython("""
            import sys
            from astropy.io import fits
            with fits.open(sys.argv[1]) as h:
                h[0].header['SPGRP'] = 'pernight'
                h.writeto(sys.argv[2])
            """, cumulative, perNight);
        Assert.True(made.ExitCode == 0, made.All);

        using var archive = SpectrumArchive.Open(Path.Combine(dir.Path, "archive"), new ArchiveOptions { Database = postgres ? PostgresDatabases.NewDatabase() : null });
        var report = new Ingester(archive).Run([cumulative, perNight], "sdss");
        Assert.True(report.Failed == 0, string.Join("\n", report.Failures));
        Assert.Equal((4, 0), (report.Ingested, report.Duplicates));

        var keys = new[] { cumulative, perNight }.SelectMany(f => DesiReader.Read(f).Spectra)
            .Select(s => (s.Merged.Meta.Plate, s.Merged.Meta.Mjd, s.Merged.Meta.FiberId, s.Merged.Meta.ObsId)).ToList();
        // The two files' targets do share (plate, MJD, fibre): the index on those alone refused the second file.
        Assert.Equal(2, keys.Select(k => (k.Plate, k.Mjd, k.FiberId)).Distinct().Count());
        Assert.Equal(4, keys.Select(k => k.ObsId).Distinct().Count());
        Assert.Equal(4, archive.Lookup.CountSpectra("desi"));
        foreach (var k in keys)
            Assert.Equal(k.ObsId, archive.Load("desi", DesiConventions.SpecObjId(k.ObsId))!.Meta.ObsId);

        // The same file again is still a duplicate, not a second copy.
        var again = new Ingester(archive).Run([perNight], "sdss");
        Assert.Equal((0, 2, 0), (again.Ingested, again.Duplicates, again.Failed));
    }
}
