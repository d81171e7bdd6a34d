using System.Globalization;

namespace VoSpec.VOTable;

/// <summary>How a cell's value is handled, whatever the exact datatype.</summary>
internal enum CellKind { Boolean, Integer, Real, Text, Bit, Complex }

/// <summary>
/// A FIELD compiled once per table: parsed datatype and arraysize, so encoders and decoders do no string work per cell.
/// Text cells (char/unicodeChar) are strings whose length the arraysize limits; other arrays are element arrays.
/// </summary>
internal sealed class FieldCodec
{
    public FieldCodec(VOTableField field, int index)
    {
        Field = field;
        Index = index;
        if (string.IsNullOrEmpty(field.Name)) throw new VOTableFormatException($"FIELD #{index + 1} has no name");
        Type = field.ParsedDatatype;
        Size = ArraySize.Parse(field.Arraysize, field.Name);
        Kind = Type switch
        {
            VOTableDatatype.Boolean => CellKind.Boolean,
            VOTableDatatype.Bit => CellKind.Bit,
            VOTableDatatype.UnsignedByte or VOTableDatatype.Short or VOTableDatatype.Int or VOTableDatatype.Long => CellKind.Integer,
            VOTableDatatype.Float or VOTableDatatype.Double => CellKind.Real,
            VOTableDatatype.Char or VOTableDatatype.UnicodeChar => CellKind.Text,
            _ => CellKind.Complex,
        };
        ElementSize = Type.ElementSize();
        if (Kind == CellKind.Integer && field.NullValue is { } nv && !string.IsNullOrWhiteSpace(nv))
            MagicNull = Lexical.TryParseInteger(nv.AsSpan().Trim(), out long m) ? m : null;
    }

    public VOTableField Field { get; }
    public int Index { get; }
    public string Name => Field.Name;
    public VOTableDatatype Type { get; }
    public ArraySize Size { get; }
    public CellKind Kind { get; }
    public int ElementSize { get; }
    public long? MagicNull { get; }

    public bool IsArray => Size.IsArray;
    public bool IsFloat => Type == VOTableDatatype.Float;

    public static FieldCodec[] Compile(IReadOnlyList<VOTableField> fields)
    {
        var codecs = new FieldCodec[fields.Count];
        for (int i = 0; i < codecs.Length; i++) codecs[i] = new FieldCodec(fields[i], i);
        return codecs;
    }

    /// <summary>Fixed-cell width in BINARY/BINARY2 bytes, or -1 for variable cells (count prefix).</summary>
    public int FixedWidth => Size.IsVariable ? -1
        : Kind == CellKind.Bit ? (Size.FixedCount + 7) / 8
        : Size.FixedCount * ElementSize;

    public (long Min, long Max) IntegerRange => Type switch
    {
        VOTableDatatype.UnsignedByte => (0, 255),
        VOTableDatatype.Short => (short.MinValue, short.MaxValue),
        VOTableDatatype.Int => (int.MinValue, int.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };

    public override string ToString() =>
        $"{Name} ({Field.Datatype}{(Field.Arraysize is null ? "" : "[" + Field.Arraysize + "]")})";

    public static string Format(long v) => v.ToString(CultureInfo.InvariantCulture);
}
