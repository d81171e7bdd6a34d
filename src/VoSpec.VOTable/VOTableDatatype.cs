namespace VoSpec.VOTable;

/// <summary>The VOTable primitive datatypes (FIELD/PARAM <c>datatype</c>).</summary>
public enum VOTableDatatype
{
    Boolean,
    Bit,
    UnsignedByte,
    Short,
    Int,
    Long,
    Char,
    UnicodeChar,
    Float,
    Double,
    FloatComplex,
    DoubleComplex,
}

public static class VOTableDatatypes
{
    public static bool TryParse(string? text, out VOTableDatatype type)
    {
        switch (text)
        {
            case "boolean": type = VOTableDatatype.Boolean; return true;
            case "bit": type = VOTableDatatype.Bit; return true;
            case "unsignedByte": type = VOTableDatatype.UnsignedByte; return true;
            case "short": type = VOTableDatatype.Short; return true;
            case "int": type = VOTableDatatype.Int; return true;
            case "long": type = VOTableDatatype.Long; return true;
            case "char": type = VOTableDatatype.Char; return true;
            case "unicodeChar": type = VOTableDatatype.UnicodeChar; return true;
            case "float": type = VOTableDatatype.Float; return true;
            case "double": type = VOTableDatatype.Double; return true;
            case "floatComplex": type = VOTableDatatype.FloatComplex; return true;
            case "doubleComplex": type = VOTableDatatype.DoubleComplex; return true;
            default: type = default; return false;
        }
    }

    /// <summary>Bytes per element in BINARY/BINARY2 (bit arrays are packed and handled apart).</summary>
    public static int ElementSize(this VOTableDatatype type) => type switch
    {
        VOTableDatatype.Boolean or VOTableDatatype.Bit or VOTableDatatype.UnsignedByte or VOTableDatatype.Char => 1,
        VOTableDatatype.Short or VOTableDatatype.UnicodeChar => 2,
        VOTableDatatype.Int or VOTableDatatype.Float => 4,
        VOTableDatatype.Long or VOTableDatatype.Double or VOTableDatatype.FloatComplex => 8,
        VOTableDatatype.DoubleComplex => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
