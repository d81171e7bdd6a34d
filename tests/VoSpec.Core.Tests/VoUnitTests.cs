using VoSpec.Core.Units;
using Xunit;

namespace VoSpec.Core.Tests;

public sealed class VoUnitTests
{
    [Theory]
    [InlineData("m", "Angstrom", 1e10)]
    [InlineData("Angstrom", "nm", 0.1)]
    [InlineData("deg", "arcsec", 3600)]
    [InlineData("mas", "arcsec", 1e-3)]
    [InlineData("d", "s", 86400)]
    [InlineData("kbyte", "byte", 1000)]
    [InlineData("KiB", "byte", 1024)]
    [InlineData("km/s", "m.s**-1", 1000)]
    [InlineData("km s-1", "m/s", 1000)]
    [InlineData("erg/s/cm2/Angstrom", "W.m**-2.m**-1", 1e-7 * 1e4 * 1e10)]
    [InlineData("1e-17 erg/s/cm2/Angstrom", "erg/s/cm2/Angstrom", 1e-17)]
    [InlineData("10**-17 erg.s**-1.cm**-2.Angstrom**-1", "erg/s/cm2/Angstrom", 1e-17)]
    [InlineData("Jy", "W/(m2.Hz)", 1e-26)]
    [InlineData("mJy", "Jy", 1e-3)]
    [InlineData("Hz", "s**-1", 1)]
    [InlineData("Gyr", "a", 1e9)]
    [InlineData("kpc", "pc", 1e3)]
    [InlineData("m**(1/2)", "cm**(1/2)", 10)]
    [InlineData("dam", "m", 10)]
    [InlineData("cd", "cd", 1)]
    [InlineData("Pa", "N/m2", 1)]
    [InlineData("min", "s", 60)]
    public void Factors_between_compatible_units(string from, string to, double factor)
    {
        double f = VoUnit.Parse(from).FactorTo(VoUnit.Parse(to));
        Assert.Equal(factor, f, factor * 1e-12);
    }

    [Theory]
    [InlineData("m", "s", "cannot be converted")]
    [InlineData("deg", "m", "cannot be converted")]
    [InlineData("ct", "pix", "cannot be converted")]
    public void Incompatible_dimensions_are_refused(string from, string to, string mention)
    {
        var e = Assert.Throws<FormatException>(() => VoUnit.Parse(from).FactorTo(VoUnit.Parse(to)));
        Assert.Contains(mention, e.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("furlong", "unknown unit 'furlong'")]
    [InlineData("mag", "logarithmic")]
    [InlineData("m/(s", "missing ')'")]
    [InlineData("m//s", "unexpected")]
    [InlineData("Kim", "unknown unit")]
    [InlineData("m**x", "bad exponent")]
    public void Malformed_units_get_a_one_line_reason(string text, string mention)
    {
        Assert.False(VoUnit.TryParse(text, out _, out var error));
        Assert.Contains(mention, error);
    }
}
