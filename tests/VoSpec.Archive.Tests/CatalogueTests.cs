using Xunit;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Sqlite;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Queries;
using VoSpec.Core.Schema;
using VoSpec.Core.Sky;
using VoSpec.Core.Spectra;
using VoSpec.Testing;

namespace VoSpec.Archive.Tests;

public class CatalogueTests
{
    private static void Store(SpectrumArchive archive, string collection, IEnumerable<Spectrum> spectra)
    {
        using var w = new CatalogueWriter(archive, collection, collection);
        w.WriteBatch(spectra.Select(s => new VoSpec.Archive.Catalogue.CatalogueItem(s, null, 200_000, "test")).ToList());
    }

    [Fact]
    public void Tables_are_created_from_schemas_with_every_declared_column_and_type()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        using var conn = archive.Sqlite.OpenConnection();
        foreach (var table in new[] { SchemaCatalog.ObsCore, SchemaCatalog.SpecObj })
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table.SqlName}')";
            using var r = cmd.ExecuteReader();
            var actual = new Dictionary<string, (string Type, bool NotNull, bool Pk)>();
            while (r.Read()) actual[r.GetString(0)] = (r.GetString(1), r.GetInt32(2) == 1, r.GetInt32(3) > 0);
            // ObsCore's rows' BINARY2 bytes (RowImages) are in a table of their own, which TAP never publishes.
            Assert.Equal(table.Columns.Select(c => c.Name).Order(), actual.Keys.Order());
            foreach (var c in table.Columns)
            {
                Assert.Equal(c.SqliteType, actual[c.Name].Type);
                Assert.Equal(c.PrimaryKey, actual[c.Name].Pk);
                if (!c.PrimaryKey) Assert.Equal(c.NotNull, actual[c.Name].NotNull);
            }
        }
    }

    [Fact]
    public void ObsCore_declares_every_mandatory_column_with_its_ucd_and_utype()
    {
        string[] mandatory = ["dataproduct_type", "calib_level", "obs_collection", "obs_id", "obs_publisher_did", "access_url",
            "access_format", "access_estsize", "target_name", "s_ra", "s_dec", "s_fov", "s_region", "s_resolution", "s_xel1", "s_xel2",
            "t_min", "t_max", "t_exptime", "t_resolution", "t_xel", "em_min", "em_max", "em_res_power", "em_xel", "o_ucd",
            "pol_states", "pol_xel", "facility_name", "instrument_name"];
        var t = SchemaCatalog.ObsCore;
        foreach (var name in mandatory)
        {
            var c = t.Column(name);
            Assert.NotNull(c);
            Assert.False(c!.Internal);
            Assert.StartsWith("obscore:", c.Utype);
            Assert.False(string.IsNullOrEmpty(c.Ucd));
        }
        Assert.Equal("m", t.Column("em_min")!.Unit);
        Assert.Null(t.Column("s_region")!.Unit);
        Assert.Equal("kbyte", t.Column("access_estsize")!.Unit);
    }

    [Fact]
    public void ObsCore_rows_hold_values_right_for_1d_spectra()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Authority = "example.org", PublicUrl = "http://127.0.0.1:1234/" });
        var s = TestSpectra.Make(299492975510054912, 266, 13, 146.9341, -0.67040397, npix: 3838);
        Store(archive, "sdss", [s]);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT dataproduct_type, obs_publisher_did, access_url, access_format, em_min, em_max, em_xel, s_region, s_fov, obs_id, calib_level, target_name FROM ivoa_obscore";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal("spectrum", r.GetString(0));
        Assert.Equal("ivo://example.org/sdss?299492975510054912", r.GetString(1));
        // Stored relative to the public URL, which answers put in front (Changing_the_public_url_changes_answers_and_no_row).
        Assert.Equal("datalink/links?ID=ivo%3A%2F%2Fexample.org%2Fsdss%3F299492975510054912", r.GetString(2));
        Assert.Equal("application/x-votable+xml;content=datalink", r.GetString(3));
        Assert.Equal(s.Arrays.Grid.First * 1e-10, r.GetDouble(4), 15);
        Assert.Equal(s.Arrays.Grid.Last * 1e-10, r.GetDouble(5), 15);
        Assert.InRange(r.GetDouble(4), 3e-7, 1.1e-6);
        Assert.Equal(3838, r.GetInt64(6));
        Assert.StartsWith("Circle ICRS 146.9341 -0.67040397 0.000416", r.GetString(7));
        Assert.Equal(3.0 / 3600, r.GetDouble(8), 12);
        Assert.Equal("0266-55000-0013", r.GetString(9));
        Assert.Equal(2, r.GetInt32(10));
        Assert.Equal("SDSS J094744.18-004013.4", r.GetString(11));
    }

    [Fact]
    public async Task Changing_the_public_url_changes_answers_and_no_row()
    {
        using var dir = TestPaths.NewTempDir();
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { PublicUrl = "http://127.0.0.1:1111/" }))
            Store(archive, "c", Enumerable.Range(1, 10).Select(i => TestSpectra.Make(i, 1, i, i, 0)));
        var before = StoredRows(dir.Path);
        using var again = SpectrumArchive.Open(dir.Path, new ArchiveOptions { PublicUrl = "https://vo.example.org/vospec" });
        Assert.Equal(before, StoredRows(dir.Path));
        Assert.All(before, r => Assert.StartsWith("datalink/links?ID=ivo%3A", r.Url));

        var adql = await Answers(again, "SELECT access_url FROM ivoa.obscore WHERE access_url LIKE 'https://vo.example.org/vospec/datalink/links?ID=ivo%'");
        Assert.Equal(10, adql.Count);
        Assert.All(adql, u => Assert.StartsWith("https://vo.example.org/vospec/datalink/links?ID=ivo%3A", u));
        using var ssa = again.Search.Search(new SpectrumSearch());
        int n = 0;
        while (ssa.Read()) { Assert.StartsWith("https://vo.example.org/vospec/datalink/fits?ID=ivo%3A", ssa.GetString(ssa.GetOrdinal("access_url"))); n++; }
        Assert.Equal(10, n);
    }

    [Fact]
    public async Task An_archive_with_whole_urls_is_made_relative_once_at_open()
    {
        using var dir = TestPaths.NewTempDir();
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { PublicUrl = "http://127.0.0.1:1111/" }))
        {
            Store(archive, "c", Enumerable.Range(1, 5).Select(i => TestSpectra.Make(i, 1, i, i, 0)));
            // As archives were written before relative URLs: whole URLs and no mark.
            using var conn = archive.Sqlite.OpenConnection(readOnly: false);
            SqliteCatalogue.Execute(conn, "UPDATE ivoa_obscore SET access_url = 'http://127.0.0.1:1111/' || access_url");
            SqliteCatalogue.Execute(conn, "DELETE FROM archive_meta WHERE key = 'relative_urls'");
        }
        var said = new List<string>();
        using var again = SpectrumArchive.Open(dir.Path, new ArchiveOptions { PublicUrl = "http://127.0.0.1:2222/", Log = said.Add });
        Assert.All(StoredRows(dir.Path), r => Assert.StartsWith("datalink/links?ID=", r.Url));
        // Said, with its size and time, and only once.
        Assert.Equal(2, said.Count);
        Assert.Contains("in 5 rows", said[1]);
        var later = new List<string>();
        using (SpectrumArchive.Open(dir.Path, new ArchiveOptions { Log = later.Add })) { }
        Assert.Empty(later);
        Assert.All(await Answers(again, "SELECT access_url FROM ivoa.obscore"), u => Assert.StartsWith("http://127.0.0.1:2222/datalink/links?ID=", u));
    }

    private static List<(string Url, string Image)> StoredRows(string dir)
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dir, SpectrumArchive.CatalogueFileName)};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT o.access_url, hex(b.vospec_binary2) FROM ivoa_obscore o JOIN ivoa_obscore_binary2 b ON b.spec_id = o.spec_id ORDER BY o.spec_id";
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string)>();
        while (r.Read()) rows.Add((r.GetString(0), r.GetString(1)));
        return rows;
    }

    private static async Task<List<string>> Answers(SpectrumArchive archive, string adql)
    {
        await using var q = await archive.Adql.PrepareAsync(new AdqlRequest { Text = adql }, CancellationToken.None);
        var list = new List<string>();
        while (await q.Reader.ReadAsync()) list.Add(q.Reader.GetString(0));
        return list;
    }

    [Theory]
    [InlineData(180.0, 0.0, 2.0)]
    [InlineData(0.5, 1.0, 3.0)]      // wraps RA = 0/360
    [InlineData(359.5, -1.0, 3.0)]
    [InlineData(10.0, 89.0, 4.0)]    // over the pole
    [InlineData(100.0, -30.0, 0.2)]
    [InlineData(50.0, 20.0, 120.0)]  // a large cap
    public void Cone_search_finds_exactly_the_spectra_a_great_circle_test_finds(double ra, double dec, double radius)
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        var rnd = new Random(42);
        var spectra = new List<Spectrum>();
        for (int i = 1; i <= 3000; i++)
        {
            // Half spread over the sky, half crowded around the test centre.
            double pra, pdec;
            if (i % 2 == 0) { pra = rnd.NextDouble() * 360; pdec = Math.Asin(2 * rnd.NextDouble() - 1) * 180 / Math.PI; }
            else { pra = (ra + (rnd.NextDouble() - 0.5) * 3 * radius / Math.Max(0.05, Math.Cos(dec * Math.PI / 180)) + 360) % 360; pdec = Math.Clamp(dec + (rnd.NextDouble() - 0.5) * 3 * radius, -90, 90); }
            spectra.Add(TestSpectra.Make(i, 1 + i / 1000, i % 1000, pra, pdec, npix: 4));
        }
        Store(archive, "c", spectra);
        var centre = new SkyPoint(ra, dec);
        var expected = spectra.Where(s => centre.DistanceTo(new SkyPoint(s.Meta.Ra, s.Meta.Dec)) <= radius).Select(s => s.Meta.SpecObjId).Order().ToList();
        // The archive's one cone (SSA's search, the same SQL as ADQL's CONTAINS): publisher DIDs end in ?specobjid.
        var found = new List<long>();
        using (var r = archive.Search.Search(new SpectrumSearch { Position = (ra, dec), RadiusDeg = radius }))
            while (r.Read()) { var did = r.GetString(r.GetOrdinal("publisher_did")); found.Add(long.Parse(did[(did.LastIndexOf('?') + 1)..], System.Globalization.CultureInfo.InvariantCulture)); }
        found.Sort();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, found);
    }

    [Fact]
    public void A_failing_batch_leaves_the_catalogue_and_the_pixel_store_as_they_were()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        Store(archive, "c", [TestSpectra.Make(1, 10, 1, 0, 0)]);
        long length = new FileInfo(archive.PixelFilePath("c")).Length;
        // Same plate/mjd/fiber as spectrum 1 under another id: the unique index rejects the batch.
        var bad = new[] { TestSpectra.Make(2, 10, 2, 0, 0), TestSpectra.Make(3, 10, 1, 0, 0) };
        Assert.Throws<SqliteException>(() => Store(archive, "c", bad));
        Assert.Equal(1, archive.Lookup.CountSpectra());
        Assert.Equal(length, new FileInfo(archive.PixelFilePath("c")).Length);
        using var conn = archive.Sqlite.OpenConnection();
        foreach (var t in new[] { "specobj", "ivoa_obscore", "spatial_idx", "spectrum_store" })
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM {t}";
            Assert.Equal(1L, (long)cmd.ExecuteScalar()!);
        }
    }

    [Fact]
    public void Stored_spectra_load_back_with_their_metadata_and_pixels()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        var s = TestSpectra.Make(77, 5, 6, 12.5, -45.25, npix: 123, explicitGrid: true);
        Store(archive, "c", [s]);
        var back = archive.Load("c", 77)!;
        Assert.Equal(s.Meta.Plate, back.Meta.Plate);
        Assert.Equal(s.Meta.Ra, back.Meta.Ra);
        Assert.Equal(s.Meta.Class, back.Meta.Class);
        Assert.Equal(s.Arrays.Flux, back.Arrays.Flux);
        Assert.Equal(s.Arrays.Grid.ToArray(), back.Arrays.Grid.ToArray());
        Assert.Null(archive.Load("c", 78));
        Assert.NotNull(archive.Sqlite.LocateByDid("ivo://vospec.local/c?77"));
        Assert.Null(archive.Sqlite.LocateByDid("ivo://other.authority/c?77"));
        Assert.Null(archive.Sqlite.LocateByDid("ivo://vospec.local/c?notanumber"));
        var info = Assert.Single(archive.Lookup.Collections());
        Assert.Equal(("c", 1L), (info.Name, info.Count));
    }
}

public class TapSchemaTablesTests
{
    [Fact]
    public void Tap_schema_describes_every_published_table_and_column_including_itself()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        using var conn = archive.Sqlite.OpenConnection();
        List<string> Strings(string sql)
        {
            using var cmd = conn.CreateCommand(); cmd.CommandText = sql;
            using var r = cmd.ExecuteReader(); var l = new List<string>();
            while (r.Read()) l.Add(r.GetString(0));
            return l;
        }
        var tables = Strings("SELECT table_name FROM tap_schema_tables");
        Assert.Contains("ivoa.obscore", tables);
        Assert.Contains("spec.specobj", tables);
        foreach (var t in new[] { "schemas", "tables", "columns", "keys", "key_columns" }) Assert.Contains("TAP_SCHEMA." + t, tables);
        Assert.Equal(Core.Schema.SchemaCatalog.ObsCore.PublicColumns.Count(), Strings("SELECT column_name FROM tap_schema_columns WHERE table_name='ivoa.obscore'").Count);
        Assert.DoesNotContain("spec_id", Strings("SELECT column_name FROM tap_schema_columns"));
        Assert.Equal(["deg"], Strings("SELECT unit FROM tap_schema_columns WHERE table_name='ivoa.obscore' AND column_name='s_ra'"));
        Assert.Equal(["adql:REGION"], Strings("SELECT xtype FROM tap_schema_columns WHERE column_name='s_region'"));
        Assert.Equal(5, Strings("SELECT key_id FROM tap_schema_keys").Count);
        // Opening again refreshes rather than duplicates.
        using var again = SpectrumArchive.Open(dir.Path);
        Assert.Equal(tables.Count, Strings("SELECT table_name FROM tap_schema_tables").Count);
    }
}
