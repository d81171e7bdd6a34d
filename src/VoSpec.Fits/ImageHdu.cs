namespace VoSpec.Fits;

/// <summary>
/// A primary array or IMAGE extension. <see cref="Axes"/> is in FITS order: Axes[0] = NAXIS1 varies
/// fastest, so a (5, 3853) spSpec image has Axes = [3853, 5] and row r starts at r·3853.
/// </summary>
public sealed class ImageHdu : Hdu
{
    internal ImageHdu(int index, FitsHeader header, ReadOnlyMemory<byte> data, int bitpix, int[] axes) : base(index, header, data)
    {
        Bitpix = bitpix;
        Axes = axes;
        BScale = header.GetDoubleOrNull("BSCALE") ?? 1.0;
        BZero = header.GetDoubleOrNull("BZERO") ?? 0.0;
        Blank = bitpix > 0 ? header.GetLongOrNull("BLANK") : null;
    }

    public int Bitpix { get; }
    public IReadOnlyList<int> Axes { get; }
    public double BScale { get; }
    public double BZero { get; }
    /// <summary>Raw value that marks an undefined pixel of an integer image (read as NaN).</summary>
    public long? Blank { get; }

    public long PixelCount => Axes.Count == 0 ? 0 : Axes.Aggregate(1L, (p, n) => p * n);

    private bool IsScaled => BScale != 1.0 || BZero != 0.0;

    /// <summary>Physical values (BSCALE·raw + BZERO; BLANK → NaN).</summary>
    public double[] ReadDoubles()
    {
        var result = new double[checked((int)PixelCount)];
        ReadDoubles(result);
        return result;
    }

    public void ReadDoubles(Span<double> destination)
    {
        var src = Data.Span;
        int n = checked((int)PixelCount);
        destination = destination[..n];
        switch (Bitpix)
        {
            case -64: BigEndian.Read(src, destination); if (IsScaled) Scale(destination); return;
            case -32:
                {
                    var tmp = new float[n];
                    BigEndian.Read(src, tmp.AsSpan());
                    for (int i = 0; i < n; i++) destination[i] = tmp[i];
                    if (IsScaled) Scale(destination);
                    return;
                }
            case 8: FromIntegers(src[..n].ToArray(), destination); return;
            case 16: { var t = new short[n]; BigEndian.Read(src, t.AsSpan()); FromIntegers(t, destination); return; }
            case 32: { var t = new int[n]; BigEndian.Read(src, t.AsSpan()); FromIntegers(t, destination); return; }
            case 64: { var t = new long[n]; BigEndian.Read(src, t.AsSpan()); FromIntegers(t, destination); return; }
            default: throw new FitsFormatException($"HDU {Index}: unsupported BITPIX {Bitpix}");
        }
    }

    /// <summary>Physical values as floats; a BITPIX −32 image without scaling is decoded straight into the result.</summary>
    public float[] ReadFloats()
    {
        var result = GC.AllocateUninitializedArray<float>(checked((int)PixelCount));
        ReadFloats(result);
        return result;
    }

    /// <summary>Physical values as floats into the first <see cref="PixelCount"/> places of <paramref name="destination"/> (a pooled buffer may be longer).</summary>
    public void ReadFloats(Span<float> destination)
    {
        int n = checked((int)PixelCount);
        destination = destination[..n];
        if (Bitpix == -32 && !IsScaled)
        {
            BigEndian.Read(Data.Span, destination);
            return;
        }
        var d = ReadDoubles();
        for (int i = 0; i < n; i++) destination[i] = (float)d[i];
    }

    /// <summary>
    /// Pixels <paramref name="start"/> to start + destination.Length (one row of a 2-D image, in FITS order) as floats,
    /// decoded exactly as <see cref="ReadFloats(Span{float})"/> decodes them in a whole read: a server reads one fibre
    /// of a DESI coadd this way without decoding the other 499.
    /// </summary>
    public void ReadFloats(long start, Span<float> destination)
    {
        if (start < 0 || start + destination.Length > PixelCount) throw new ArgumentOutOfRangeException(nameof(start), $"pixels {start}..{start + destination.Length} are outside HDU {Index}'s {PixelCount}");
        if (Bitpix == -32 && !IsScaled)
        {
            BigEndian.Read(Data.Span.Slice(checked((int)(start * 4)), destination.Length * 4), destination);
            return;
        }
        // The general path decodes the whole image (as a whole read does), then takes the row: rare (no DESI image is scaled).
        var d = ReadDoubles();
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)d[start + i];
    }

    /// <summary>
    /// <see cref="ReadBits32(Span{int})"/> for pixels <paramref name="start"/> to start + destination.Length only;
    /// false for an image that is not a 32-bit mask.
    /// </summary>
    public bool ReadBits32(long start, Span<int> destination)
    {
        if (Bitpix != 32 || BScale != 1.0 || (BZero != 0.0 && BZero != 2147483648.0)) return false;
        if (start < 0 || start + destination.Length > PixelCount) throw new ArgumentOutOfRangeException(nameof(start), $"pixels {start}..{start + destination.Length} are outside HDU {Index}'s {PixelCount}");
        BigEndian.Read(Data.Span.Slice(checked((int)(start * 4)), destination.Length * 4), destination);
        if (BZero != 0.0)
            for (int i = 0; i < destination.Length; i++) destination[i] ^= int.MinValue;
        return true;
    }

    /// <summary>
    /// Exact integer values of an integer image with BSCALE 1 and an integral BZERO (so uint32 bit masks,
    /// BZERO = 2^31, come back whole); BLANK is not mapped. Other images throw <see cref="InvalidOperationException"/>.
    /// </summary>
    public long[] ReadInt64s()
    {
        if (Bitpix < 0 || BScale != 1.0 || BZero != Math.Floor(BZero) || Math.Abs(BZero) > 9.3e18)
            throw new InvalidOperationException($"HDU {Index} (BITPIX {Bitpix}, BSCALE {BScale}, BZERO {BZero}) does not hold exact integers");
        int n = checked((int)PixelCount);
        var result = new long[n];
        var src = Data.Span;
        long zero = (long)BZero;
        switch (Bitpix)
        {
            case 8: for (int i = 0; i < n; i++) result[i] = src[i] + zero; break;
            case 16: { var t = new short[n]; BigEndian.Read(src, t.AsSpan()); for (int i = 0; i < n; i++) result[i] = t[i] + zero; break; }
            case 32: { var t = new int[n]; BigEndian.Read(src, t.AsSpan()); for (int i = 0; i < n; i++) result[i] = t[i] + zero; break; }
            default: BigEndian.Read(src, result.AsSpan()); for (int i = 0; i < n; i++) result[i] = unchecked(result[i] + zero); break;
        }
        return result;
    }

    /// <summary>
    /// The 32 bits of each pixel of a bit-mask image as an int: BITPIX 32 with BZERO 0 (int32) or 2^31 (uint32,
    /// whose value is raw + 2^31: the raw bits with the top one flipped), BSCALE 1, decoded straight into the result.
    /// False for any other image (the caller falls back to <see cref="ReadInt64s"/> and checks the range). The values go
    /// into the first <see cref="PixelCount"/> places of <paramref name="destination"/> (a pooled buffer may be longer).
    /// </summary>
    public bool ReadBits32(Span<int> destination)
    {
        if (Bitpix != 32 || BScale != 1.0 || (BZero != 0.0 && BZero != 2147483648.0)) return false;
        destination = destination[..checked((int)PixelCount)];
        BigEndian.Read(Data.Span, destination);
        if (BZero != 0.0)
            for (int i = 0; i < destination.Length; i++) destination[i] ^= int.MinValue;
        return true;
    }

    private void Scale(Span<double> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = BScale * values[i] + BZero;
    }

    private void FromIntegers<T>(T[] raw, Span<double> destination) where T : struct, System.Numerics.IBinaryInteger<T>
    {
        for (int i = 0; i < raw.Length; i++)
        {
            long v = long.CreateTruncating(raw[i]);
            destination[i] = Blank == v ? double.NaN : BScale * v + BZero;
        }
    }
}
