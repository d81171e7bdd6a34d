namespace VoSpec.Fits;

/// <summary>One column of a binary table as its header describes it (TTYPE/TFORM/TUNIT/TSCAL/TZERO/TNULL/TDIM).</summary>
public sealed class BinaryTableColumn
{
    internal BinaryTableColumn(int index, string name, TForm form, int offset, string? unit, double scale, double zero,
        bool zeroIsTwoTo63, long? nullValue, string? dim)
    {
        Index = index; Name = name; Form = form; Offset = offset; Unit = unit;
        Scale = scale; Zero = zero; Null = nullValue; Dim = dim;
        Unsigned = (form.ValueType, scale) switch
        {
            ('B', 1.0) when zero == -128 => UnsignedConvention.SByte,
            ('I', 1.0) when zero == 32768 => UnsignedConvention.UInt16,
            ('J', 1.0) when zero == 2147483648 => UnsignedConvention.UInt32,
            ('K', 1.0) when zeroIsTwoTo63 => UnsignedConvention.UInt64,
            _ => UnsignedConvention.None,
        };
    }

    /// <summary>0-based position (TTYPE1 is column 0).</summary>
    public int Index { get; }
    public string Name { get; }
    public TForm Form { get; }
    /// <summary>Byte offset of the column within a row.</summary>
    public int Offset { get; }
    public string? Unit { get; }
    public double Scale { get; }
    public double Zero { get; }
    /// <summary>TNULL: the raw integer that marks an undefined value.</summary>
    public long? Null { get; }
    public string? Dim { get; }

    /// <summary>An integer column whose TZERO shifts it to the other signedness (sbyte, ushort, uint, ulong).</summary>
    public UnsignedConvention Unsigned { get; }

    /// <summary>True when values need TSCAL/TZERO to become physical (beyond the signedness conventions).</summary>
    public bool IsScaled => Scale != 1.0 || (Zero != 0.0 && Unsigned == UnsignedConvention.None);

    public override string ToString() => $"{Name} ({Form})";
}

public enum UnsignedConvention { None, SByte, UInt16, UInt32, UInt64 }
