using System.Buffers.Binary;
using System.Runtime.InteropServices;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// One spectrum's vectors viewed in place in the memory-mapped pixel store: no copy is made
/// until a caller asks for one (<see cref="ToArrays"/>). Valid while its store is open.
/// </summary>
public readonly unsafe struct PixelData
{
    private readonly byte* _record;
    private readonly long _length;

    internal PixelData(byte* record, long length)
    {
        _record = record;
        _length = length;
        if (length < PixelRecordLayout.HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(Header) != PixelRecordLayout.Magic)
            throw new InvalidDataException("pixel store record is damaged (bad magic)");
        if (PixelRecordLayout.RecordLength(Count, Flags, IsExplicitGrid) != length)
            throw new InvalidDataException("pixel store record is damaged (length mismatch)");
    }

    private ReadOnlySpan<byte> Header => new(_record, PixelRecordLayout.HeaderSize);

    public int Count => BinaryPrimitives.ReadInt32LittleEndian(Header[8..]);
    public ushort Flags => BinaryPrimitives.ReadUInt16LittleEndian(Header[6..]);
    public bool IsExplicitGrid => Header[12] == PixelRecordLayout.GridExplicit;
    public long SpecId => BinaryPrimitives.ReadInt64LittleEndian(Header[16..]);

    /// <summary>The whole record, header included (for benchmarks and checksums).</summary>
    public ReadOnlySpan<byte> RawBytes => new(_record, checked((int)_length));

    public WavelengthGrid Grid
    {
        get
        {
            if (!IsExplicitGrid)
                return new LogLinearGrid(BinaryPrimitives.ReadDoubleLittleEndian(Header[24..]), BinaryPrimitives.ReadDoubleLittleEndian(Header[32..]), Count);
            long off = PixelRecordLayout.Align8(PixelRecordLayout.HeaderSize + (long)PixelRecordLayout.VectorsIn(Flags) * Count * 4);
            return new ExplicitGrid(new ReadOnlySpan<double>(_record + off, Count).ToArray());
        }
    }

    public bool Has(PixelRecordLayout.Vector v) => (Flags & (1 << (int)v)) != 0;

    private ReadOnlySpan<T> Column<T>(PixelRecordLayout.Vector v) where T : unmanaged
    {
        if (!Has(v)) return default;
        int index = System.Numerics.BitOperations.PopCount(Flags & ((1u << (int)v) - 1));
        long off = PixelRecordLayout.HeaderSize + (long)index * Count * 4;
        return new ReadOnlySpan<T>(_record + off, Count);
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
