using VoSpec.Adql.Feature;
using VoSpec.Core.Sky;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>
/// The IVOA user-defined functions declared under features-udf (RegTAP 1.1 / DaCHS semantics): their results on
/// constants and on the archive, their type checks, and that what is declared is exactly what is accepted.
/// </summary>
[Collection(ArchiveCollection.Name)]
public sealed class UserDefinedFunctionTests(ArchiveFixture db)
{
    private object? One(string expression) => db.Scalar($"SELECT TOP 1 {expression} AS x FROM ivoa.obscore");

    [Theory]
    [InlineData("'Sloan Digital Sky Survey', 'digital'", 1L)]
    [InlineData("'Sloan Digital Sky Survey', 'DIGITAL SKY'", 1L)]
    [InlineData("'Sloan Digital Sky Survey', 'sky digital'", 0L)]
    [InlineData("'Sloan Digital Sky Survey', 'dig'", 0L)]
    [InlineData("'spectra (optical), 1-D', 'optical'", 1L)]
    [InlineData("'spectra (optical), 1-D', '1'", 1L)]
    [InlineData("'', 'x'", 0L)]
    [InlineData("'abc', ''", 0L)]
    [InlineData("NULL, 'x'", null)]
    public void Ivo_hasword_matches_whole_words_ignoring_case(string args, object? expected) =>
        Assert.Equal(expected, One($"ivo_hasword({args})"));

    [Theory]
    [InlineData("'GALAXY', 'gal%'", 1L)]
    [InlineData("'Galaxy', 'G_LAXY'", 1L)]
    [InlineData("'Galaxy', 'gal'", 0L)]
    [InlineData("'a.b', 'a_b'", 1L)]
    [InlineData("'a(b', 'A(%'", 1L)]
    [InlineData("'x', NULL", null)]
    public void Ivo_nocasematch_is_a_case_insensitive_like(string args, object? expected) =>
        Assert.Equal(expected, One($"ivo_nocasematch({args})"));

    [Theory]
    [InlineData("1, 2, 2, 3", 1L)]
    [InlineData("1, 2, 2.5, 3", 0L)]
    [InlineData("2.5, 3, 1, 2", 0L)]
    [InlineData("1, 10, 3, 4", 1L)]
    [InlineData("3, 4, 1, 10", 1L)]
    [InlineData("1, 2, NULL, 3", null)]
    public void Ivo_interval_overlaps_treats_intervals_as_closed(string args, object? expected) =>
        Assert.Equal(expected, One($"ivo_interval_overlaps({args})"));

    [Fact]
    public void Ivo_interval_overlaps_selects_spectra_covering_a_band()
    {
        var expected = db.Sql("SELECT COUNT(*) FROM ivoa_obscore WHERE em_max >= 5e-7 AND em_min <= 5.1e-7")[0][0];
        Assert.Equal(expected, db.Scalar("SELECT COUNT(*) FROM ivoa.obscore WHERE 1 = ivo_interval_overlaps(em_min, em_max, 5e-7, 5.1e-7)"));
    }

    [Fact]
    public void Ivo_string_agg_joins_a_group()
    {
        var rows = db.Run("SELECT class, ivo_string_agg(CAST(fiberid AS VARCHAR), '|') AS fibres, COUNT(*) AS n FROM spec.specobj GROUP BY class ORDER BY class");
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(Convert.ToInt64(r[2]), ((string)r[1]!).Split('|').Length));
        var q = db.Translate("SELECT ivo_string_agg(obs_id, ', ') FROM ivoa.obscore");
        Assert.Equal("ivo_string_agg", q.Columns[0].Name);
        Assert.Equal("char", q.Columns[0].Datatype);
        Assert.Contains("not allowed in WHERE", Assert.ThrowsAny<AdqlException>(() => db.Translate("SELECT obs_id FROM ivoa.obscore WHERE ivo_string_agg(obs_id, ',') = ''")).Message);
        Assert.Contains("cannot be nested", Assert.ThrowsAny<AdqlException>(() => db.Translate("SELECT ivo_string_agg(MAX(obs_id), ',') FROM ivoa.obscore")).Message);
    }

    [Fact]
    public void Ivo_healpix_index_is_the_nested_index_of_each_position()
    {
        Assert.Equal(4L, One("ivo_healpix_index(0, 0, 0)"));
        Assert.Equal(4L, One("ivo_healpix_index(0, POINT(0, 0))"));
        Assert.Equal(3L, One("ivo_healpix_index(1, 10, 90)"));
        var rows = db.Run("SELECT s_ra, s_dec, ivo_healpix_index(8, s_ra, s_dec), ivo_healpix_index(8, POINT(s_ra, s_dec)) FROM ivoa.obscore");
        Assert.Equal(300, rows.Count);
        Assert.All(rows, r =>
        {
            long expected = Healpix.NestedIndex(8, (double)r[0]!, (double)r[1]!);
            Assert.Equal(expected, r[2]);
            Assert.Equal(expected, r[3]);
        });
        Assert.Equal("long", db.Translate("SELECT ivo_healpix_index(5, s_ra, s_dec) FROM ivoa.obscore").Columns[0].Datatype);
        Assert.Contains("HEALPix order 30", Assert.ThrowsAny<AdqlException>(() => db.Translate("SELECT ivo_healpix_index(30, s_ra, s_dec) FROM ivoa.obscore")).Message);
        Assert.Contains("HEALPix order", Assert.ThrowsAny<Exception>(() => db.Run("SELECT ivo_healpix_index(fiberid + 100, ra, dec) FROM spec.specobj")).Message);
        Assert.Contains("latitude 91", Assert.ThrowsAny<AdqlException>(() => db.Translate("SELECT ivo_healpix_index(3, POINT(1, 91)) FROM ivoa.obscore")).Message);
    }

    [Theory]
    [InlineData("SELECT ivo_hasword(1, 'a') FROM ivoa.obscore", "needs a string")]
    [InlineData("SELECT ivo_hasword('a') FROM ivoa.obscore", "takes 2 arguments")]
    [InlineData("SELECT ivo_interval_overlaps(1, 2, 3, 'x') FROM ivoa.obscore", "needs a number")]
    [InlineData("SELECT ivo_healpix_index(1.5, 0, 0) FROM ivoa.obscore", "HEALPix order, an integer")]
    [InlineData("SELECT ivo_healpix_index(1, 'x') FROM ivoa.obscore", "needs a POINT")]
    [InlineData("SELECT ivo_nosuch(1) FROM ivoa.obscore", "unknown function 'ivo_nosuch'")]
    [InlineData("SELECT ivo_hasword_extra('a', 'b') FROM ivoa.obscore", "unknown function")]
    public void Wrong_calls_are_refused_by_the_checker(string adql, string why) =>
        Assert.Contains(why, Assert.ThrowsAny<AdqlException>(() => db.Translate(adql)).Message);

    [Fact]
    public void Names_match_in_any_case_and_every_declared_form_is_a_tapregext_signature()
    {
        Assert.Equal(1L, One("IVO_HasWord('a b', 'B')"));
        var udfs = AdqlFeatures.All.Where(f => f.Type == AdqlFeatures.UserDefined).ToList();
        Assert.Equal(["ivo_hasword", "ivo_nocasematch", "ivo_interval_overlaps", "ivo_string_agg", "ivo_healpix_index", "in_unit"],
            udfs.Select(f => f.Form[..f.Form.IndexOf('(')]).Distinct());
        // in_unit is declared for pre-2.1 client parsers only: it stays the ADQL 2.1 IN_UNIT here.
        Assert.False(AdqlFeatures.All.IsUserDefined("in_unit"));
        Assert.All(udfs.Where(f => f.Form.StartsWith("ivo_", StringComparison.Ordinal)), f =>
        {
            Assert.Matches(@"^ivo_[a-z_]+\(([A-Za-z][A-Za-z0-9]* [A-Z]+(, [A-Za-z][A-Za-z0-9]* [A-Z]+)*)?\) -> [A-Z]+$", f.Form);
            Assert.False(string.IsNullOrWhiteSpace(f.Description));
            Assert.True(AdqlFeatures.All.IsUserDefined(f.Form[..f.Form.IndexOf('(')].ToUpperInvariant()));
        });
    }
}
