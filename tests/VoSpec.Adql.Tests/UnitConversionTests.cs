using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>IN_UNIT (ADQL 2.1, features-adql-unit): declared column units converted by a factor.</summary>
[Collection(ArchiveCollection.Name)]
public sealed class UnitConversionTests(ArchiveFixture db)
{
    [Fact]
    public void In_unit_converts_a_wavelength_column_and_the_field_carries_the_new_unit()
    {
        var q = db.Translate("SELECT obs_id, em_min, IN_UNIT(em_min, 'Angstrom') AS em_min_aa, IN_UNIT(em_max, 'nm') FROM ivoa.obscore ORDER BY obs_id");
        Assert.Equal("m", q.Columns[1].Unit);
        Assert.Equal("Angstrom", q.Columns[2].Unit);
        Assert.Equal("nm", q.Columns[3].Unit);
        Assert.Equal("double", q.Columns[2].Datatype);
        var rows = db.Run(q);
        Assert.Equal(300, rows.Count);
        foreach (var r in rows)
            Assert.Equal(Convert.ToDouble(r[1]) * 1e10, Convert.ToDouble(r[2]), 1e-6);
    }

    [Fact]
    public void In_unit_works_in_where_and_nested_conversions_compose()
    {
        long all = Convert.ToInt64(db.Scalar("SELECT COUNT(*) FROM ivoa.obscore WHERE em_min < 4e-7"));
        long conv = Convert.ToInt64(db.Scalar("SELECT COUNT(*) FROM ivoa.obscore WHERE IN_UNIT(em_min, 'Angstrom') < 4000"));
        Assert.Equal(all, conv);
        var nested = db.Run("SELECT em_min, IN_UNIT(IN_UNIT(em_min, 'um'), 'pm') FROM ivoa.obscore");
        foreach (var r in nested) Assert.Equal(Convert.ToDouble(r[0]) * 1e12, Convert.ToDouble(r[1]), 1e-3);
    }

    [Fact]
    public void Angles_and_times_convert()
    {
        var r = Assert.Single(db.Run("SELECT TOP 1 s_ra, IN_UNIT(s_ra, 'arcsec'), IN_UNIT(s_ra, 'rad'), t_exptime, IN_UNIT(t_exptime, 'h') FROM ivoa.obscore"));
        Assert.Equal(Convert.ToDouble(r[0]) * 3600, Convert.ToDouble(r[1]), 1e-6);
        Assert.Equal(Convert.ToDouble(r[0]) * Math.PI / 180, Convert.ToDouble(r[2]), 1e-12);
        if (r[3] is not null) Assert.Equal(Convert.ToDouble(r[3]) / 3600, Convert.ToDouble(r[4]), 1e-9);
    }
}
