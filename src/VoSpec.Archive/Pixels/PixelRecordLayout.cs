using System.Buffers.Binary;
using System.Runtime.InteropServices;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// The binary layout of one spectrum in a pixel store file: a 64-byte header, then each present
/// vector as little-endian 4-byte columns (flux, ivar, and_mask, or_mask, wdisp, sky, model), then,
/// for grids that are not log-linear, the wavelengths as 8-byte doubles. Records start on 8-byte
/// boundaries so every column can be viewed in place from the memory map, without copying.
/// </summary>
public static class PixelRecordLayout
{
    public const int HeaderSize = 64;
    public const uint Magic = 0x58505356; // "VSPX" little-endian
    public const ushort Version = 1;

    public const byte GridLogLinear = 1;
    public const byte GridExplicit = 2;

    /// <summary>The vectors a record may hold, in storage order; a bit each in the header's flags.</summary>
    public enum Vector { Flux = 0, Ivar, AndMask, OrMask, WDisp, Sky, Model }

    public const int VectorCount = 7;

    public static ushort FlagsOf(SpectrumArrays a)
    {
        ushort f = 1; // flux is always there
        if (a.Ivar is not null) f |= 1 << (int)Vector.Ivar;
        if (a.AndMask is not null) f |= 1 << (int)Vector.AndMask;
        if (a.OrMask is not null) f |= 1 << (int)Vector.OrMask;
        if (a.WDisp is not null) f |= 1 << (int)Vector.WDisp;
        if (a.Sky is not null) f |= 1 << (int)Vector.Sky;
        if (a.Model is not null) f |= 1 << (int)Vector.Model;
        return f;
    }

    public static int VectorsIn(ushort flags) => System.Numerics.BitOperations.PopCount(flags & 0x7Fu);

    public static long RecordLength(int npix, ushort flags, bool explicitGrid)
    {
        long len = HeaderSize + (long)VectorsIn(flags) * npix * 4;
        len = Align8(len);
        if (explicitGrid) len += (long)npix * 8;
        return len;
    }

    public static long Align8(long n) => (n + 7) & ~7L;

    /// <summary>Serialises a spectrum's arrays into <paramref name="dest"/> (exactly RecordLength bytes).</summary>
    public static void Write(SpectrumArrays a, long specId, Span<byte> dest)
    {
        var flags = FlagsOf(a);
        int n = a.Count;
        bool explicitGrid = a.Grid is not LogLinearGrid;
        dest.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(dest, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[6..], flags);
        BinaryPrimitives.WriteInt32LittleEndian(dest[8..], n);
        dest[12] = explicitGrid ? GridExplicit : GridLogLinear;
        BinaryPrimitives.WriteInt64LittleEndian(dest[16..], specId);
        if (a.Grid is LogLinearGrid g)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(dest[24..], g.Log10Start);
            BinaryPrimitives.WriteDoubleLittleEndian(dest[32..], g.Log10Step);
        }
        int pos = HeaderSize;
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the pixel store is little-endian");
        Put(a.Flux, dest, ref pos); Put(a.Ivar, dest, ref pos); Put(a.AndMask, dest, ref pos); Put(a.OrMask, dest, ref pos);
        Put(a.WDisp, dest, ref pos); Put(a.Sky, dest, ref pos); Put(a.Model, dest, ref pos);
        if (explicitGrid)
        {
            int gpos = (int)Align8(pos);
            var w = dest.Slice(gpos, n * 8);
            for (int i = 0; i < n; i++) BinaryPrimitives.WriteDoubleLittleEndian(w[(i * 8)..], a.Grid[i]);
        }
    }

    private static void Put<T>(T[]? v, Span<byte> dest, ref int pos) where T : unmanaged
    {
        if (v is null) return;
        var bytes = MemoryMarshal.AsBytes(v.AsSpan());
        bytes.CopyTo(dest[pos..]);
        pos += bytes.Length;
    }
}
