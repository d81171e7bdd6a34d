using VoSpec.Core.Schema;
using VoSpec.Core.Sky;
using VoSpec.Core.Spectra;
using Xunit;

namespace VoSpec.Core.Tests;

public class SpecObjIdTests
{
    [Fact]
    public void Packs_like_sdss_does_for_a_real_spectrum()
    {
        // spec-0266-51602-0013.fits: SPECOBJID '299492975510054912', run2d 26.
        Assert.Equal(299492975510054912L, SpecObjId.Pack(266, 51602, 13, 26));
        Assert.Equal((266, 51602, 13), SpecObjId.Unpack(299492975510054912L));
    }
}

public class WavelengthGridTests
{
    [Fact]
    public void Log_linear_grid_gives_sdss_wavelengths_and_whole_pixel_offsets()
    {
        var a = new LogLinearGrid(3.5800, 1e-4, 10);
        var b = new LogLinearGrid(3.5803, 1e-4, 10);
        Assert.Equal(Math.Pow(10, 3.58), a.First, 9);
        Assert.Equal(3L, a.PixelOffsetOf(b));
        Assert.Null(a.PixelOffsetOf(new LogLinearGrid(3.58005, 1e-4, 10)));
        Assert.Null(a.PixelOffsetOf(new LogLinearGrid(3.58, 2e-4, 10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => a[10]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogLinearGrid(3.58, 0, 10));
    }

    [Fact]
    public void Explicit_grid_must_increase()
    {
        Assert.Throws<ArgumentException>(() => new ExplicitGrid([1.0, 1.0]));
        Assert.Equal(2.0, new ExplicitGrid([1.0, 2.0]).Last);
    }

    [Fact]
    public void Wavelength_intervals_allow_open_ends_and_convert_from_metres()
    {
        var i = WavelengthInterval.FromMetres(6.5e-7, double.PositiveInfinity);
        Assert.True(i.Contains(6500.0000001));
        Assert.False(i.Contains(6499.9));
        Assert.False(new WavelengthInterval(2, 1).IsValid);
        Assert.False(new WavelengthInterval(double.NaN, 1).IsValid);
    }
}

public class SkyPointTests
{
    [Theory]
    [InlineData(0.0, 0.0, 90.0, 0.0, 90.0)]
    [InlineData(359.5, 0.0, 0.5, 0.0, 1.0)]
    [InlineData(10.0, 89.0, 190.0, 89.0, 2.0)]
    [InlineData(0.0, 90.0, 0.0, -90.0, 180.0)]
    public void Great_circle_distances(double ra1, double dec1, double ra2, double dec2, double expected) =>
        Assert.Equal(expected, new SkyPoint(ra1, dec1).DistanceTo(new SkyPoint(ra2, dec2)), 9);

    [Fact]
    public void Unit_vectors_are_unit_length()
    {
        var (x, y, z) = new SkyPoint(123.4, -56.7).UnitVector;
        Assert.Equal(1.0, x * x + y * y + z * z, 12);
    }
}

public class SchemaCatalogTests
{
    [Fact]
    public void Schemas_folder_declares_obscore_and_specobj()
    {
        Assert.Equal("ivoa_obscore", SchemaCatalog.ObsCore.SqlName);
        Assert.Equal("spec.specobj", SchemaCatalog.SpecObj.QualifiedName);
        Assert.All(SchemaCatalog.Tables.SelectMany(t => t.Columns), c => Assert.NotNull(c.SqliteType));
        Assert.All(SchemaCatalog.Tables.SelectMany(t => t.Columns.Where(c => c.PrimaryKey)), c => Assert.True(c.Internal));
        Assert.Equal("adql:REGION", SchemaCatalog.ObsCore.Column("S_REGION")!.Xtype);
    }
}
