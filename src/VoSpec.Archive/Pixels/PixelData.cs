using System.Buffers.Binary;
using System.Runtime.InteropServices;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// One spectrum's vectors viewed in place in the memory-mapped pixel store: no copy is made
/// until a caller asks for one (<see cref="ToArrays"/>). Valid while its store is open.
/// A spectrum served from its source file (<see cref="SourceFiles"/>) is a record of the same layout in a managed
/// array made for the request, which the spans handed out keep alive.
/// </summary>
public readonly unsafe struct PixelData
{
    private readonly byte* _record;
    private readonly byte[]? _owned;
    private readonly long _length;

    internal PixelData(byte* record, long length)
    {
        _record = record;
        _length = length;
        Check();
    }

    /// <summary>A record made in memory (<see cref="PixelRecordLayout.Write"/>), not in a pixel store.</summary>
    internal PixelData(byte[] record)
    {
        _owned = record;
        _length = record.Length;
        Check();
    }

    private ReadOnlySpan<byte> Bytes(long offset, long length) => _owned is not null
        ? _owned.AsSpan(checked((int)offset), checked((int)length))
        : new ReadOnlySpan<byte>(_record + offset, checked((int)length));

    private void Check()
    {
        long length = _length;
        if (length < PixelRecordLayout.HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(Header) != PixelRecordLayout.Magic)
            throw new InvalidDataException("pixel store record is damaged (bad magic)");
        if (PixelRecordLayout.RecordLength(Count, Flags, IsExplicitGrid) != length)
            throw new InvalidDataException("pixel store record is damaged (length mismatch)");
    }

    private ReadOnlySpan<byte> Header => Bytes(0, PixelRecordLayout.HeaderSize);

    public int Count => BinaryPrimitives.ReadInt32LittleEndian(Header[8..]);
    public ushort Flags => BinaryPrimitives.ReadUInt16LittleEndian(Header[6..]);
    public bool IsExplicitGrid => Header[12] == PixelRecordLayout.GridExplicit;
    public long SpecId => BinaryPrimitives.ReadInt64LittleEndian(Header[16..]);

    /// <summary>The whole record, header included (for benchmarks and checksums).</summary>
    public ReadOnlySpan<byte> RawBytes => Bytes(0, _length);

    public WavelengthGrid Grid
    {
        get
        {
            if (!IsExplicitGrid)
                return new LogLinearGrid(BinaryPrimitives.ReadDoubleLittleEndian(Header[24..]), BinaryPrimitives.ReadDoubleLittleEndian(Header[32..]), Count);
            long off = PixelRecordLayout.Align8(PixelRecordLayout.HeaderSize + (long)PixelRecordLayout.VectorsIn(Flags) * Count * 4);
            return new ExplicitGrid(MemoryMarshal.Cast<byte, double>(Bytes(off, (long)Count * 8)).ToArray());
        }
    }

    public bool Has(PixelRecordLayout.Vector v) => (Flags & (1 << (int)v)) != 0;

    private ReadOnlySpan<T> Column<T>(PixelRecordLayout.Vector v) where T : unmanaged
    {
        if (!Has(v)) return default;
        int index = System.Numerics.BitOperations.PopCount(Flags & ((1u << (int)v) - 1));
        long off = PixelRecordLayout.HeaderSize + (long)index * Count * 4;
        return MemoryMarshal.Cast<byte, T>(Bytes(off, (long)Count * 4));
    }

    public ReadOnlySpan<float> Flux => Column<float>(PixelRecordLayout.Vector.Flux);
    public ReadOnlySpan<float> Ivar => Column<float>(PixelRecordLayout.Vector.Ivar);
    public ReadOnlySpan<int> AndMask => Column<int>(PixelRecordLayout.Vector.AndMask);
    public ReadOnlySpan<int> OrMask => Column<int>(PixelRecordLayout.Vector.OrMask);
    public ReadOnlySpan<float> WDisp => Column<float>(PixelRecordLayout.Vector.WDisp);
    public ReadOnlySpan<float> Sky => Column<float>(PixelRecordLayout.Vector.Sky);
    public ReadOnlySpan<float> Model => Column<float>(PixelRecordLayout.Vector.Model);

    private static T[]? Copy<T>(bool present, ReadOnlySpan<T> s) where T : unmanaged => present ? s.ToArray() : null;

    /// <summary>A managed copy of every vector.</summary>
    public SpectrumArrays ToArrays()
    {
        return new SpectrumArrays
        {
            Grid = Grid,
            Flux = Flux.ToArray(),
            Ivar = Copy(Has(PixelRecordLayout.Vector.Ivar), Ivar),
            AndMask = Copy(Has(PixelRecordLayout.Vector.AndMask), AndMask),
            OrMask = Copy(Has(PixelRecordLayout.Vector.OrMask), OrMask),
            WDisp = Copy(Has(PixelRecordLayout.Vector.WDisp), WDisp),
            Sky = Copy(Has(PixelRecordLayout.Vector.Sky), Sky),
            Model = Copy(Has(PixelRecordLayout.Vector.Model), Model),
        };
    }
}
