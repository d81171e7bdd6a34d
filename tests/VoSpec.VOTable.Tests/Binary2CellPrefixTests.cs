using Xunit;

namespace VoSpec.VOTable.Tests;

/// <summary>
/// <see cref="Binary2CellPrefix"/> against the encoder itself: a stored row with the prefix put in front of one cell
/// must be, byte for byte, the row encoded with that cell already prefixed — whatever the cells before it hold, nulls
/// included; a null cell stays as it is.
/// </summary>
public class Binary2CellPrefixTests
{
    private static readonly VOTableField[] Fields =
    [
        new("n", "short"), new("a", "char") { Arraysize = "*" }, new("x", "double"), new("id", "long"), new("b", "char") { Arraysize = "*" },
        new("url", "char") { Arraysize = "*" }, new("k", "int"), new("c", "char") { Arraysize = "*" },
    ];

    private const int Url = 5;

    private sealed class Cells(object?[] values) : IRawCells
    {
        public bool TryGetInt64(int ordinal, out long value) { value = values[ordinal] is { } v ? Convert.ToInt64(v) : 0; return values[ordinal] is not null; }
        public bool TryGetDouble(int ordinal, out double value) { value = values[ordinal] is { } v ? Convert.ToDouble(v) : 0; return values[ordinal] is not null; }
        public bool TryGetUtf8(int ordinal, out ReadOnlySpan<byte> value)
        {
            value = values[ordinal] is string s ? System.Text.Encoding.UTF8.GetBytes(s) : default;
            return values[ordinal] is not null;
        }
        public bool TryGetBytes(int ordinal, out ReadOnlySpan<byte> value) => TryGetUtf8(ordinal, out value);
    }

    [Fact]
    public void A_prefixed_stored_row_is_the_row_encoded_with_the_prefix()
    {
        var rnd = new Random(5);
        var encoder = new Binary2RowImages(Fields);
        const string prefix = "https://vo.example.org/vospec/";
        var splice = new Binary2CellPrefix(Fields, Url, prefix);
        string? Text(int max) => rnd.Next(5) == 0 ? null : new string(Enumerable.Range(0, rnd.Next(max)).Select(_ => (char)rnd.Next(32, 127)).ToArray());
        int nulls = 0;
        byte[]? buffer = null;
        for (int i = 0; i < 500; i++)
        {
            var values = new object?[]
            {
                rnd.Next(4) == 0 ? null : (short)rnd.Next(-1000, 1000), Text(40), rnd.Next(4) == 0 ? null : rnd.NextDouble(), (long)rnd.Next(),
                Text(300), Text(90), rnd.Next(4) == 0 ? null : rnd.Next(), Text(10),
            };
            var stored = encoder.Encode(new Cells(values)).ToArray();
            var whole = (object?[])values.Clone();
            if (whole[Url] is string relative) whole[Url] = prefix + relative; else nulls++;
            var expected = encoder.Encode(new Cells(whole)).ToArray();
            Assert.Equal(expected, splice.Apply(stored, ref buffer).ToArray());
        }
        Assert.InRange(nulls, 50, 150);
    }

    [Fact]
    public void Only_a_variable_length_char_cell_can_take_a_prefix()
    {
        Assert.Throws<ArgumentException>(() => new Binary2CellPrefix(Fields, 2, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Binary2CellPrefix(Fields, Fields.Length, "x"));
    }
}
