using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace VoSpec.Fits;

/// <summary>
/// Forward-only FITS writer, in the spirit of Utf8JsonWriter: HDUs are written one after another
/// straight to the stream (which may be non-seekable, e.g. an HTTP response body), through one internal
/// buffer. The first HDU written is the primary; writing an extension first adds an empty primary.
/// <code>
/// using var w = new FitsWriter(stream);
/// w.WritePrimaryHeader(cards);
/// using var t = w.BeginBinaryTable([new("flux", "E"), new("name", "16A")], rowCount: n, extName: "DATA");
/// foreach (var r in rows) { t.WriteSingle(r.Flux); t.WriteString(r.Name); t.EndRow(); }
/// t.Complete();
/// </code>
/// </summary>
public sealed partial class FitsWriter : IDisposable
{
    private const int BufferSize = 1 << 16;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _used;
    private long _position;
    private BinaryTableWriter? _openTable;
    private bool _disposed;

    public FitsWriter(Stream output, bool leaveOpen = false)
    {
        _output = output;
        _leaveOpen = leaveOpen;
    }

    /// <summary>HDUs started so far.</summary>
    public int HduCount { get; private set; }

    /// <summary>Bytes written so far (flushed or buffered).</summary>
    public long Position => _position;

    /// <summary>A primary HDU with no data (NAXIS = 0, EXTEND = T) followed by <paramref name="cards"/>.</summary>
    public void WritePrimaryHeader(FitsHeader? cards = null)
    {
        BeginHdu(primaryAllowed: true, mustBePrimary: true);
        WriteHeader(PrimaryHeader(cards));
    }

    /// <summary>The header <see cref="WritePrimaryHeader"/> writes for <paramref name="cards"/> (to size a file without writing it).</summary>
    public static FitsHeader PrimaryHeader(FitsHeader? cards = null)
    {
        var h = new FitsHeader()
            .Add("SIMPLE", true, "conforms to FITS standard")
            .Add("BITPIX", 8L, "array data type")
            .Add("NAXIS", 0L, "number of array dimensions")
            .Add("EXTEND", true);
        AppendUserCards(h, cards, null, table: false);
        return h;
    }

    /// <summary>
    /// An image: primary if nothing was written yet, else an IMAGE extension. <paramref name="axes"/> in FITS order
    /// (NAXIS1 first, varying fastest). byte/short/int/long/float/double map to BITPIX 8/16/32/64/−32/−64;
    /// sbyte/ushort/uint/ulong are written with the standard BZERO offsets.
    /// </summary>
    public void WriteImage<T>(ReadOnlySpan<T> pixels, ReadOnlySpan<int> axes, FitsHeader? cards = null, string? extName = null) where T : unmanaged
    {
        var (bitpix, zero) = ImageType<T>();
        long count = 1;
        foreach (int n in axes) count = n >= 0 ? count * n : throw new ArgumentException("axis lengths must be non-negative", nameof(axes));
        if (axes.Length == 0) count = 0;
        if (count != pixels.Length) throw new ArgumentException($"{pixels.Length} pixels given for a {string.Join("×", axes.ToArray())} image");

        bool primary = BeginHdu(primaryAllowed: true, mustBePrimary: false);
        var h = new FitsHeader();
        if (primary) h.Add("SIMPLE", true, "conforms to FITS standard");
        else h.Add("XTENSION", "IMAGE", "image extension");
        h.Add("BITPIX", (long)bitpix, "array data type").Add("NAXIS", (long)axes.Length, "number of array dimensions");
        for (int k = 0; k < axes.Length; k++) h.Add($"NAXIS{k + 1}", (long)axes[k]);
        if (primary) h.Add("EXTEND", true);
        else h.Add("PCOUNT", 0L).Add("GCOUNT", 1L);
        if (zero is not null)
        {
            h.Add("BSCALE", 1.0);
            h.Add(zero.Value < 0 ? HeaderCard.Integer("BZERO", (long)zero.Value) : HeaderCard.Integer("BZERO", (ulong)zero.Value, "offset for unsigned integers"));
        }
        if (extName is not null) h.Add("EXTNAME", extName);
        AppendUserCards(h, cards, extName, table: false, skipScaling: zero is not null);
        WriteHeader(h);

        int size = Unsafe.SizeOf<T>();
        int perChunk = BufferSize / size;
        for (int start = 0; start < pixels.Length; start += perChunk)
        {
            var part = pixels.Slice(start, Math.Min(perChunk, pixels.Length - start));
            var dest = GetSpan(part.Length * size);
            BigEndian.Write(part, dest);
            // Signedness offset: flipping the top bit is the same as adding/subtracting BZERO.
            if (zero is not null) for (int i = 0; i < dest.Length; i += size) dest[i] ^= 0x80;
            Advance(part.Length * size);
        }
        PadBlock(0);
    }

    /// <summary>
    /// Starts a BINTABLE of <paramref name="rowCount"/> rows (NAXIS2 is written up front: no seeking).
    /// Tables without P/Q columns stream row by row; tables with them are kept in memory until
    /// <see cref="BinaryTableWriter.Complete"/>, because PCOUNT (the heap size) precedes the data.
    /// </summary>
    public BinaryTableWriter BeginBinaryTable(IReadOnlyList<TableColumn> columns, int rowCount, FitsHeader? cards = null, string? extName = null)
    {
        if (BeginHdu(primaryAllowed: false, mustBePrimary: false)) throw new InvalidOperationException("unreachable");
        _openTable = new BinaryTableWriter(this, columns, rowCount, cards, extName);
        return _openTable;
    }

    public void Flush()
    {
        FlushBuffer();
        _output.Flush();
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_used > 0) { await _output.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken); _used = 0; }
        await _output.FlushAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        FlushBuffer();
        if (_leaveOpen) _output.Flush(); else _output.Dispose();
    }

    // ---- internals shared with BinaryTableWriter ----

    /// <returns>true when this HDU is the primary one.</returns>
    private bool BeginHdu(bool primaryAllowed, bool mustBePrimary)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_openTable is not null) throw new InvalidOperationException("complete the open binary table before writing another HDU");
        if (mustBePrimary && HduCount > 0) throw new InvalidOperationException("the primary HDU has already been written");
        if (HduCount == 0 && !primaryAllowed) WritePrimaryHeader();
        HduCount++;
        return HduCount == 1;
    }

    internal void TableClosed() => _openTable = null;

    internal void WriteHeader(FitsHeader header) => WriteBytes(header.ToBytes());

    internal void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_used == BufferSize) FlushBuffer();
            int n = Math.Min(bytes.Length, BufferSize - _used);
            bytes[..n].CopyTo(_buffer.AsSpan(_used));
            _used += n; _position += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>A span of exactly <paramref name="size"/> bytes (≤ 64 KiB) in the buffer, to fill and then <see cref="Advance"/>.</summary>
    internal Span<byte> GetSpan(int size)
    {
        if (size > BufferSize) throw new ArgumentOutOfRangeException(nameof(size));
        if (BufferSize - _used < size) FlushBuffer();
        return _buffer.AsSpan(_used, size);
    }

    internal void Advance(int size) { _used += size; _position += size; }

    internal static int MaxSpan => BufferSize;

    /// <summary>Pads the current data unit to a multiple of 2880 bytes.</summary>
    internal void PadBlock(byte fill)
    {
        int rem = (int)(_position % FitsHeader.BlockSize);
        if (rem == 0) return;
        var pad = GetSpan(FitsHeader.BlockSize - rem);
        pad.Fill(fill);
        Advance(pad.Length);
    }

    private void FlushBuffer()
    {
        if (_used == 0) return;
        _output.Write(_buffer, 0, _used);
        _used = 0;
    }

    [GeneratedRegex("^(SIMPLE|XTENSION|BITPIX|NAXIS\\d*|EXTEND|PCOUNT|GCOUNT|GROUPS|END)$")]
    private static partial Regex StructuralKeyword();

    [GeneratedRegex("^(TFIELDS|THEAP|(TTYPE|TFORM|TUNIT|TNULL|TSCAL|TZERO|TDIM|TDISP)\\d+)$")]
    private static partial Regex TableKeyword();

    /// <summary>Copies the caller's cards, leaving out those the writer itself owns (so a header read from a file can be passed on).</summary>
    internal static void AppendUserCards(FitsHeader target, FitsHeader? cards, string? extName, bool table, bool skipScaling = false)
    {
        if (cards is null) return;
        foreach (var c in cards)
        {
            if (!c.IsCommentary && !c.IsHierarch)
            {
                if (StructuralKeyword().IsMatch(c.Keyword)) continue;
                if (table && TableKeyword().IsMatch(c.Keyword)) continue;
                if (extName is not null && c.Keyword == "EXTNAME") continue;
                if (skipScaling && c.Keyword is "BSCALE" or "BZERO") continue;
            }
            target.Add(c);
        }
    }

    private static (int Bitpix, double? Zero) ImageType<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(byte)) return (8, null);
        if (typeof(T) == typeof(sbyte)) return (8, -128);
        if (typeof(T) == typeof(short)) return (16, null);
        if (typeof(T) == typeof(ushort)) return (16, 32768);
        if (typeof(T) == typeof(int)) return (32, null);
        if (typeof(T) == typeof(uint)) return (32, 2147483648);
        if (typeof(T) == typeof(long)) return (64, null);
        if (typeof(T) == typeof(ulong)) return (64, 9223372036854775808.0);
        if (typeof(T) == typeof(float)) return (-32, null);
        if (typeof(T) == typeof(double)) return (-64, null);
        throw new NotSupportedException($"FITS images cannot hold {typeof(T).Name}");
    }
}
