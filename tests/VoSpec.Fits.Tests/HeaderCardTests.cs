using System.Numerics;

namespace VoSpec.Fits.Tests;

public class HeaderCardTests
{
    private static string Card(string text) => text.PadRight(80);

    [Fact]
    public void String_with_escaped_quote_and_comment()
    {
        var c = HeaderCard.Parse(Card("OBSERVER= 'O''Neil  '           / who observed"));
        Assert.Equal("OBSERVER", c.Keyword);
        Assert.Equal(HeaderValueKind.String, c.Kind);
        Assert.Equal("O'Neil", c.GetString());
        Assert.Equal("who observed", c.Comment);
    }

    [Fact]
    public void String_keeps_leading_blanks_and_drops_trailing_ones()
    {
        var c = HeaderCard.Parse(Card("SPEC_ID = '    299492975510054912' / Unique object identifier"));
        Assert.Equal("    299492975510054912", c.GetString());
        Assert.Equal("", HeaderCard.Parse(Card("EMPTY   = ''")).GetString());
        Assert.Equal("", HeaderCard.Parse(Card("BLANKS  = '        '")).GetString());
        Assert.Equal("a/b", HeaderCard.Parse(Card("SLASH   = 'a/b' / c")).GetString());
    }

    [Fact]
    public void Logical_values()
    {
        var t = HeaderCard.Parse(Card("SIMPLE  =                    T / conforms"));
        Assert.True(t.TryGetBool(out bool v) && v);
        Assert.Equal(HeaderValueKind.Logical, t.Kind);
        Assert.True(HeaderCard.Parse(Card("EXTEND  =                    F")).TryGetBool(out bool f) && !f);
    }

    [Theory]
    [InlineData("NAXIS1  =                 3853 / length", 3853L)]
    [InlineData("NEG     =                  -42", -42L)]
    [InlineData("BIG     =  9223372036854775807", long.MaxValue)]
    [InlineData("PLUS    = +17", 17L)]
    public void Integer_values(string card, long expected)
    {
        var c = HeaderCard.Parse(Card(card));
        Assert.Equal(HeaderValueKind.Integer, c.Kind);
        Assert.True(c.TryGetLong(out long v));
        Assert.Equal(expected, v);
    }

    [Fact]
    public void Integer_beyond_long_is_kept_as_text_and_readable_as_double()
    {
        var c = HeaderCard.Parse(Card("TZERO1  =  9223372036854775808"));
        Assert.Equal(HeaderValueKind.Integer, c.Kind);
        Assert.False(c.TryGetLong(out _));
        Assert.Equal("9223372036854775808", c.ValueText);
        Assert.True(c.TryGetDouble(out double d) && d == 9223372036854775808.0);
    }

    [Theory]
    [InlineData("CRVAL1  = 3.57960000000000E+00 / Iraf zero point", 3.5796)]
    [InlineData("DBL     =        1.5D-3", 1.5e-3)]
    [InlineData("DBL2    = -2.25d+02", -225.0)]
    [InlineData("FREE    = .5", 0.5)]
    [InlineData("TAI     =        4579157020.51 / 1st row", 4579157020.51)]
    public void Float_values_including_D_exponents(string card, double expected)
    {
        var c = HeaderCard.Parse(Card(card));
        Assert.Equal(HeaderValueKind.Float, c.Kind);
        Assert.True(c.TryGetDouble(out double v));
        Assert.Equal(expected, v);
    }

    [Fact]
    public void Complex_values()
    {
        var c = HeaderCard.Parse(Card("CPLX    = (1.5, -2.0D1) / a complex"));
        Assert.Equal(HeaderValueKind.Complex, c.Kind);
        Assert.True(c.TryGetComplex(out var z));
        Assert.Equal(new Complex(1.5, -20), z);
        Assert.Equal("a complex", c.Comment);
        Assert.True(HeaderCard.Parse(Card("CINT    = (3, 4)")).TryGetComplex(out var zi) && zi == new Complex(3, 4));
    }

    [Fact]
    public void Commentary_cards()
    {
        var comment = HeaderCard.Parse(Card("COMMENT Coadded spectrum = not a value"));
        Assert.Equal(HeaderValueKind.Commentary, comment.Kind);
        Assert.Equal("COMMENT", comment.Keyword);
        Assert.Equal("Coadded spectrum = not a value", comment.ValueText);
        var history = HeaderCard.Parse(Card("HISTORY   made by hand"));
        Assert.Equal("  made by hand", history.ValueText);
        var blank = HeaderCard.Parse(Card("        just text"));
        Assert.Equal("", blank.Keyword);
        Assert.Equal("just text", blank.ValueText);
    }

    [Fact]
    public void Undefined_value()
    {
        var c = HeaderCard.Parse(Card("UNDEF   =                      / nothing here"));
        Assert.Equal(HeaderValueKind.Undefined, c.Kind);
        Assert.Equal("nothing here", c.Comment);
        Assert.False(c.TryGetDouble(out _));
    }

    [Fact]
    public void Hierarch_keyword()
    {
        var c = HeaderCard.Parse(Card("HIERARCH ESO DET CHIP TEMP = 153.2 / [K] chip temperature"));
        Assert.True(c.IsHierarch);
        Assert.Equal("ESO DET CHIP TEMP", c.Keyword);
        Assert.True(c.TryGetDouble(out double t) && t == 153.2);
        var h = FitsHeader.Parse(c.ToString());
        Assert.Equal(153.2, h.GetDouble("HIERARCH ESO DET CHIP TEMP"));
        Assert.Equal(153.2, h.GetDouble("ESO DET CHIP TEMP"));
    }

    [Fact]
    public void Unterminated_string_is_a_format_error()
    {
        var e = Assert.Throws<FitsFormatException>(() => HeaderCard.Parse(Card("BAD     = 'no end")));
        Assert.Contains("BAD", e.Message);
        Assert.Contains("closing quote", e.Message);
    }

    // ---- writing ----

    [Fact]
    public void Fixed_format_values_end_in_column_30()
    {
        Assert.Equal(Card("NAXIS1  =                 3853 / length"), HeaderCard.Integer("NAXIS1", 3853, "length").ToString());
        Assert.Equal(Card("SIMPLE  =                    T"), HeaderCard.Logical("SIMPLE", true).ToString());
        Assert.Equal(Card("COEFF1  =               0.0001"), HeaderCard.Float("COEFF1", 1e-4).ToString());
        Assert.Equal(Card("SMALL   =              1.0E-20"), HeaderCard.Float("SMALL", 1e-20).ToString());
        Assert.Equal(Card("WHOLE   =                  3.0"), HeaderCard.Float("WHOLE", 3.0).ToString());
    }

    [Fact]
    public void Strings_are_quoted_escaped_and_padded_to_eight_characters()
    {
        Assert.Equal(Card("XTENSION= 'IMAGE   '           / ext"), HeaderCard.String("XTENSION", "IMAGE", "ext").ToString());
        Assert.Equal(Card("NAME    = 'O''Neil '"), HeaderCard.String("NAME", "O'Neil").ToString());
        Assert.Equal(Card("EMPTY   = '        '"), HeaderCard.String("EMPTY", "").ToString());
    }

    [Fact]
    public void Written_cards_parse_back_to_the_same_values()
    {
        var cards = new[]
        {
            HeaderCard.Float("PI", Math.PI, "pi"), HeaderCard.Float("TINY", double.Epsilon), HeaderCard.Float("NEG", -1.25e300),
            HeaderCard.Integer("LONG", long.MinValue), HeaderCard.Integer("ULONG", 9223372036854775808UL),
            HeaderCard.ComplexValue("Z", new Complex(1.5, -2)), HeaderCard.Logical("F", false),
            HeaderCard.String("S", "it's a 'test'"), HeaderCard.Undefined("U", "undefined"),
        };
        foreach (var c in cards)
        {
            var back = HeaderCard.Parse(c.ToString());
            Assert.Equal(c.Keyword, back.Keyword);
            Assert.Equal(c.Kind, back.Kind);
            Assert.Equal(c.ValueText, back.ValueText);
            Assert.Equal(c.Comment, back.Comment);
        }
        Assert.True(HeaderCard.Parse(HeaderCard.Float("PI", Math.PI).ToString()).TryGetDouble(out double pi) && pi == Math.PI);
    }

    [Fact]
    public void Invalid_keywords_and_values_are_refused()
    {
        Assert.Throws<ArgumentException>(() => HeaderCard.Integer("lower", 1));
        Assert.Throws<ArgumentException>(() => HeaderCard.String("KEY", "tab\there"));
        Assert.Throws<ArgumentException>(() => HeaderCard.Float("NAN", double.NaN));
        Assert.Throws<ArgumentException>(() => HeaderCard.Commentary("TOOLONGKEY", "x"));
    }
}
