using System.Buffers.Text;

namespace VoSpec.VOTable;

/// <summary>
/// Collects BINARY2 rows into a 48 KiB block and base64-encodes each full block straight into the output buffer
/// (64 KiB of text and a newline). Blocks are multiples of 3 bytes, so only the last one carries '=' padding and the
/// concatenation is one valid base64 text; rows may span blocks. Memory stays at one block whatever the row count.
/// With a <see cref="Pipeline"/>, full blocks go to it instead, to be encoded and written on another thread.
/// </summary>
internal sealed class Base64RowSink(OutputBuffer output) : IBinaryRowSink
{
    public const int BlockSize = 3 * 16384;
    private byte[] _block = new byte[BlockSize];
    private int _used;

    public Base64Pipeline? Pipeline { get; set; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void WriteRow(ReadOnlySpan<byte> row)
    {
        while (!row.IsEmpty)
        {
            int n = Math.Min(row.Length, BlockSize - _used);
            row[..n].CopyTo(_block.AsSpan(_used));
            _used += n;
            row = row[n..];
            if (_used < BlockSize) continue;
            if (Pipeline is null) Encode();
            else { _block = Pipeline.Hand(_block); _used = 0; }
        }
    }

    /// <summary>Encodes what is left, with padding; call once after the last row.</summary>
    public void Complete() => Encode();

    private void Encode()
    {
        if (_used == 0) return;
        var dest = output.GetSpan(Base64.GetMaxEncodedToUtf8Length(_used) + 1);
        Base64.EncodeToUtf8(_block.AsSpan(0, _used), dest, out _, out int written, isFinalBlock: true);
        dest[written] = (byte)'\n';
        output.Advance(written + 1);
        _used = 0;
    }
}
