namespace VoSpec.VOTable;

/// <summary>
/// Single rows encoded as BINARY2 row bytes (null flags, then the cells), exactly as the streaming writer encodes them,
/// for tables that keep each row's bytes next to the row: <see cref="VOTableWriter.WriteTableAsync"/> can then copy
/// those bytes instead of reading and encoding every cell (<c>rowsPreEncoded</c>). Only tables whose FIELDs the raw
/// row path takes qualify: scalars and variable-length char.
/// </summary>
public sealed class Binary2RowImages
{
    /// <summary>Bumped whenever the encoder's output for the same cells changes, so stored rows are encoded anew.</summary>
    private const int EncodingVersion = 1;

    private readonly Binary2RowEncoder _encoder;
    private readonly LastRow _last = new();

    public Binary2RowImages(IReadOnlyList<VOTableField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _encoder = new Binary2RowEncoder(FieldCodec.Compile(fields), _last);
        if (!_encoder.WritesRawRows) throw new ArgumentException("only scalar and variable-length char FIELDs can be stored pre-encoded", nameof(fields));
        Layout = LayoutOf(fields);
    }

    /// <summary>What the bytes depend on: each FIELD's datatype, arraysize and null value, and the encoder's version.</summary>
    public string Layout { get; }

    /// <summary>The layout of rows written for <paramref name="fields"/>; stored rows are valid where it matches.</summary>
    public static string LayoutOf(IReadOnlyList<VOTableField> fields) =>
        $"binary2-v{EncodingVersion}:" + string.Join(",", fields.Select(f => $"{f.Datatype}[{f.Arraysize}]{f.NullValue}"));

    /// <summary>The row's bytes, valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(IRawCells cells)
    {
        _encoder.WriteRawRow(cells);
        _encoder.EndRow();
        return _last.Row;
    }

    private sealed class LastRow : IBinaryRowSink
    {
        private byte[] _row = new byte[256];
        private int _length;
        public ReadOnlySpan<byte> Row => _row.AsSpan(0, _length);

        public void WriteRow(ReadOnlySpan<byte> row)
        {
            if (_row.Length < row.Length) _row = new byte[row.Length * 2];
            row.CopyTo(_row);
            _length = row.Length;
        }
    }
}
