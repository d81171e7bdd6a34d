namespace VoSpec.VOTable;

/// <summary>
/// A data reader that can hand over a text cell as UTF-8 bytes without making a string (valid until the
/// next Read); the row writers use it to copy text straight into BINARY2 output.
/// </summary>
public interface IUtf8Cells
{
    ReadOnlySpan<byte> GetUtf8(int ordinal);
}
