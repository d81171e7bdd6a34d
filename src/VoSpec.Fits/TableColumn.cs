namespace VoSpec.Fits;

/// <summary>
/// A column to write: name and TFORM ("E", "3J", "20A", "13X", "PD()"), plus optional TUNIT, TNULL, TSCAL, TZERO, TDIM.
/// For a P/Q column the maximum length in the TFORM is filled in by the writer.
/// Unsigned integers use the standard TZERO offsets: see <see cref="UInt16"/>, <see cref="UInt32"/>, <see cref="UInt64"/>, <see cref="SByte"/>.
/// </summary>
public sealed record TableColumn(string Name, string Format)
{
    public string? Unit { get; init; }
    public long? Null { get; init; }
    public double? Scale { get; init; }
    public double? Zero { get; init; }
    public string? Dim { get; init; }

    public TForm Form { get; } = TForm.Parse(Format);

    public static TableColumn UInt16(string name, int repeat = 1) => new(name, $"{repeat}I") { Zero = 32768 };
    public static TableColumn UInt32(string name, int repeat = 1) => new(name, $"{repeat}J") { Zero = 2147483648 };
    public static TableColumn UInt64(string name, int repeat = 1) => new(name, $"{repeat}K") { Zero = 9223372036854775808.0 };
    public static TableColumn SByte(string name, int repeat = 1) => new(name, $"{repeat}B") { Zero = -128 };

    internal UnsignedConvention Unsigned => (Form.ValueType, Scale ?? 1.0, Zero ?? 0.0) switch
    {
        ('B', 1.0, -128.0) => UnsignedConvention.SByte,
        ('I', 1.0, 32768.0) => UnsignedConvention.UInt16,
        ('J', 1.0, 2147483648.0) => UnsignedConvention.UInt32,
        ('K', 1.0, 9223372036854775808.0) => UnsignedConvention.UInt64,
        _ => UnsignedConvention.None,
    };
}
