namespace VoSpec.Fits;

/// <summary>
/// One header-data unit of a file being read: its header and its data bytes (without the padding
/// to 2880). The data is a slice of the file's single buffer; nothing is copied until asked for.
/// </summary>
public abstract class Hdu
{
    private protected Hdu(int index, FitsHeader header, ReadOnlyMemory<byte> data)
    {
        Index = index; Header = header; Data = data;
    }

    /// <summary>0 for the primary HDU.</summary>
    public int Index { get; }
    public FitsHeader Header { get; }
    public ReadOnlyMemory<byte> Data { get; }

    public bool IsPrimary => Index == 0;

    /// <summary>XTENSION value (IMAGE, BINTABLE, …), or null for the primary HDU.</summary>
    public string? Extension => IsPrimary ? null : Header.GetStringOrNull("XTENSION")?.Trim();

    /// <summary>EXTNAME without trailing blanks; "PRIMARY" for an unnamed primary HDU, "" for an unnamed extension.</summary>
    public string Name => Header.GetStringOrNull("EXTNAME")?.Trim() ?? (IsPrimary ? "PRIMARY" : "");

    public override string ToString() => $"HDU {Index} {Extension ?? "PRIMARY"} '{Name}'";
}

/// <summary>An extension this library does not decode (ASCII TABLE, foreign types); its header is still readable.</summary>
public sealed class OtherHdu : Hdu
{
    internal OtherHdu(int index, FitsHeader header, ReadOnlyMemory<byte> data) : base(index, header, data) { }
}
