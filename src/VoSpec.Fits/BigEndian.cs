using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VoSpec.Fits;

/// <summary>
/// Bulk conversion between FITS big-endian bytes and native values: gather/scatter with unaligned
/// loads, then one vectorised byte swap over the whole span. No per-element allocation.
/// T is one of byte/sbyte, short/ushort, int/uint, long/ulong, float, double.
/// </summary>
internal static class BigEndian
{
    /// <summary>Reads dst.Length contiguous values.</summary>
    public static void Read<T>(ReadOnlySpan<byte> src, Span<T> dst) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(dst);
        src[..bytes.Length].CopyTo(bytes);
        SwapInPlace(dst);
    }

    /// <summary>Reads dst.Length values, value i at byte i·stride (a scalar table column across rows).</summary>
    public static void ReadStrided<T>(ReadOnlySpan<byte> src, int stride, Span<T> dst) where T : unmanaged
    {
        if (dst.IsEmpty) return;
        int size = Unsafe.SizeOf<T>();
        if ((long)(dst.Length - 1) * stride + size > src.Length) throw new ArgumentException("source too short for the requested values");
        ref byte s0 = ref MemoryMarshal.GetReference(src);
        for (int i = 0; i < dst.Length; i++)
            dst[i] = Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref s0, (nint)i * stride));
        SwapInPlace(dst);
    }

    public static void Write<T>(ReadOnlySpan<T> src, Span<byte> dst) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(src);
        bytes.CopyTo(dst);
        SwapInPlace(MemoryMarshal.Cast<byte, T>(dst[..bytes.Length]));
    }

    /// <summary>Writes value i at byte i·stride of dst.</summary>
    public static void WriteStrided<T>(ReadOnlySpan<T> src, Span<byte> dst, int stride) where T : unmanaged
    {
        if (src.IsEmpty) return;
        if ((long)(src.Length - 1) * stride + Unsafe.SizeOf<T>() > dst.Length) throw new ArgumentException("destination too short");
        ref byte d0 = ref MemoryMarshal.GetReference(dst);
        for (int i = 0; i < src.Length; i++)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d0, (nint)i * stride), Swap(src[i]));
    }

    public static T ReadOne<T>(ReadOnlySpan<byte> src) where T : unmanaged =>
        Swap(Unsafe.ReadUnaligned<T>(ref MemoryMarshal.GetReference(src[..Unsafe.SizeOf<T>()])));

    public static void WriteOne<T>(T value, Span<byte> dst) where T : unmanaged =>
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(dst[..Unsafe.SizeOf<T>()]), Swap(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Swap<T>(T v) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) return v;
        if (Unsafe.SizeOf<T>() == 2) return Unsafe.BitCast<short, T>(BinaryPrimitives.ReverseEndianness(Unsafe.BitCast<T, short>(v)));
        if (Unsafe.SizeOf<T>() == 4) return Unsafe.BitCast<int, T>(BinaryPrimitives.ReverseEndianness(Unsafe.BitCast<T, int>(v)));
        if (Unsafe.SizeOf<T>() == 8) return Unsafe.BitCast<long, T>(BinaryPrimitives.ReverseEndianness(Unsafe.BitCast<T, long>(v)));
        return v;
    }

    public static void SwapInPlace<T>(Span<T> values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) return;
        switch (Unsafe.SizeOf<T>())
        {
            case 2: { var s = MemoryMarshal.Cast<T, short>(values); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 4: { var s = MemoryMarshal.Cast<T, int>(values); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 8: { var s = MemoryMarshal.Cast<T, long>(values); BinaryPrimitives.ReverseEndianness(s, s); break; }
        }
    }
}
