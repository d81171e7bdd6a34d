using System.Buffers.Text;

namespace VoSpec.VOTable;

/// <summary>
/// Collects BINARY2 rows into a block and base64-encodes each full block straight into the output buffer, one line
/// (64 KiB of text and a newline) per 48 KiB. Blocks are multiples of 3 bytes, so only the last one carries '='
/// padding and the concatenation is one valid base64 text; rows may span blocks. Memory stays at one block whatever
/// the row count. With a pipeline (<see cref="UsePipeline"/>), full blocks go to it instead, to be encoded and written
/// on another thread.
/// </summary>
internal sealed class Base64RowSink(OutputBuffer output) : IBinaryRowSink
{
    /// <summary>Raw bytes per line of base64 text.</summary>
    public const int LineBytes = 3 * 16384;
    private byte[] _block = new byte[LineBytes];
    private int _used;
    private Base64Pipeline? _pipeline;

    /// <summary>From now on full blocks (of the pipeline's size) go to <paramref name="pipeline"/>.</summary>
    public void UsePipeline(Base64Pipeline pipeline)
    {
        // The text so far ends with a whole line (a multiple of 3 bytes), so the rows since then just move over.
        var block = pipeline.Hand(null);
        _block.AsSpan(0, _used).CopyTo(block);
        _block = block;
        _pipeline = pipeline;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void WriteRow(ReadOnlySpan<byte> row)
    {
        while (!row.IsEmpty)
        {
            int n = Math.Min(row.Length, _block.Length - _used);
            row[..n].CopyTo(_block.AsSpan(_used));
            _used += n;
            row = row[n..];
            if (_used < _block.Length) continue;
            if (_pipeline is null) Encode();
            else { _block = _pipeline.Hand(_block); _used = 0; }
        }
    }

    /// <summary>Encodes what is left, with padding; call once after the last row (and after the pipeline is done).</summary>
    public void Complete()
    {
        Encode();
        // A pipeline's block goes back to it for the next stream; the sink is done.
        if (_pipeline is not null) Base64Pipeline.ReturnBlock(_block);
        _pipeline = null;
        _block = null!;
    }

    private void Encode()
    {
        if (_used == 0) return;
        var dest = output.GetSpan(EncodedSize(_used));
        output.Advance(EncodeLines(_block.AsSpan(0, _used), dest));
        _used = 0;
    }

    /// <summary>The most text <see cref="EncodeLines"/> writes for <paramref name="bytes"/> raw bytes.</summary>
    public static int EncodedSize(int bytes) => Base64.GetMaxEncodedToUtf8Length(bytes) + (bytes + LineBytes - 1) / LineBytes;

    /// <summary>Base64 of <paramref name="raw"/>, a newline after each <see cref="LineBytes"/> and after the rest; returns the length.</summary>
    public static int EncodeLines(ReadOnlySpan<byte> raw, Span<byte> dest)
    {
        int at = 0;
        while (!raw.IsEmpty)
        {
            var line = raw[..Math.Min(raw.Length, LineBytes)];
            Base64.EncodeToUtf8(line, dest[at..], out _, out int written, isFinalBlock: true);
            at += written;
            dest[at++] = (byte)'\n';
            raw = raw[line.Length..];
        }
        return at;
    }
}
