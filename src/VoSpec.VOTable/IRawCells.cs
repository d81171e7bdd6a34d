namespace VoSpec.VOTable;

/// <summary>
/// A data reader that hands over a cell without boxing it or making a string, and says in the same call whether it is
/// null (false). The BINARY2 encoder copies such cells straight into its rows; text spans are valid until the next Read.
/// As with the typed getters of a data reader, the value is converted to what is asked (SQLite's dynamic typing).
/// </summary>
public interface IRawCells
{
    bool TryGetInt64(int ordinal, out long value);
    bool TryGetDouble(int ordinal, out double value);
    /// <summary>The cell as UTF-8 text (numbers in their text form).</summary>
    bool TryGetUtf8(int ordinal, out ReadOnlySpan<byte> value);
    /// <summary>The cell's bytes as stored (a BLOB); for rows kept pre-encoded (<see cref="Binary2RowImages"/>).</summary>
    bool TryGetBytes(int ordinal, out ReadOnlySpan<byte> value);
}
