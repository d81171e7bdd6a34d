namespace VoSpec.Fits.Tests;

public class FitsHeaderTests
{
    [Fact]
    public void Long_string_is_written_with_CONTINUE_and_LONGSTRN_and_read_back_whole()
    {
        string value = string.Concat(Enumerable.Range(0, 30).Select(i => $"part{i}'s ")).TrimEnd();
        var h = new FitsHeader().Add("LONGVAL", value, "a long one").Add("AFTER", 1L);
        string text = h.ToString();
        Assert.Contains("LONGSTRN= 'OGIP 1.0'", text);
        Assert.Contains("CONTINUE  '", text);

        var back = FitsHeader.Parse(text);
        Assert.Equal(value, back.GetString("LONGVAL"));
        Assert.Equal(1, back.GetInt("AFTER"));
        Assert.DoesNotContain(back.Cards, c => c.Keyword == "CONTINUE");
    }

    [Fact]
    public void Continue_cards_written_by_others_are_joined()
    {
        string text = string.Concat(
            "STRKEY  = 'This keyword value is continued over &'".PadRight(80),
            "CONTINUE  'two cards &' / first part".PadRight(80),
            "CONTINUE  'and done.' / second".PadRight(80),
            "END".PadRight(80));
        var h = FitsHeader.Parse(text);
        Assert.Equal("This keyword value is continued over two cards and done.", h.GetString("STRKEY"));
        Assert.Single(h.Cards);
    }

    [Fact]
    public void Header_bytes_end_with_END_and_are_padded_with_blanks_to_2880()
    {
        var h = new FitsHeader().Add("A", 1L).AddComment("hello").AddHistory("made").AddBlank();
        var bytes = h.ToBytes();
        Assert.Equal(2880, bytes.Length);
        string s = System.Text.Encoding.ASCII.GetString(bytes);
        Assert.Equal("END".PadRight(80), s.Substring(4 * 80, 80));
        Assert.True(s[(5 * 80)..].All(c => c == ' '));
        var back = FitsHeader.Parse(s);
        Assert.Equal(["hello"], back.Commentary("COMMENT"));
        Assert.Equal(["made"], back.Commentary("HISTORY"));
    }

    [Fact]
    public void Typed_getters()
    {
        var h = FitsHeader.Parse(string.Concat(
            "INT     =                   42".PadRight(80), "BIG     =          12345678901".PadRight(80),
            "REAL    =              2.5D+01".PadRight(80), "FLAG    =                    T".PadRight(80),
            "STR     = 'text    '".PadRight(80), "END".PadRight(80)));
        Assert.Equal(42, h.GetInt("int"));
        Assert.Equal(12345678901L, h.GetLong("BIG"));
        Assert.Equal(42.0, h.GetDouble("INT"));
        Assert.Equal(25.0, h.GetDouble("REAL"));
        Assert.True(h.GetBool("FLAG"));
        Assert.Equal("text", h.GetString("STR"));
        Assert.False(h.TryGetInt("BIG", out _));
        Assert.False(h.TryGetDouble("MISSING", out _));
        Assert.True(h.TryGetString("STR", out var s) && s == "text");
        Assert.Null(h.GetDoubleOrNull("STR"));
        var e = Assert.Throws<FitsFormatException>(() => h.GetInt("STR"));
        Assert.Contains("STR", e.Message);
        Assert.Contains("MISSING", Assert.Throws<FitsFormatException>(() => h.GetDouble("MISSING")).Message);
    }

    [Fact]
    public void Set_replaces_and_Remove_deletes()
    {
        var h = new FitsHeader().Add("A", 1L).Add("B", 2L);
        h.Set(HeaderCard.Integer("A", 5));
        Assert.Equal(5, h.GetInt("A"));
        Assert.True(h.Remove("A"));
        Assert.False(h.Contains("A"));
        Assert.Equal(2, h.GetInt("B"));
    }
}
