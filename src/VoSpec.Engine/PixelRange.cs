// Why this file exists: a cutout is one contiguous run of pixels; this small value type is what
// SODA, getSpec and the writers pass around instead of copied arrays.
namespace VoSpec.Engine;

/// <summary>A run of <see cref="Count"/> pixels starting at pixel <see cref="Start"/> (0-based); <see cref="End"/> is exclusive.</summary>
public readonly record struct PixelRange
{
    public PixelRange(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), "range end overflows");
        Start = start;
        Count = count;
    }

    /// <summary>Every pixel of a vector of <paramref name="count"/> pixels.</summary>
    public static PixelRange All(int count) => new(0, count);

    public int Start { get; }
    public int Count { get; }
    /// <summary>One past the last pixel.</summary>
    public int End => Start + Count;
    /// <summary>The last pixel (Start − 1 when empty).</summary>
    public int Last => End - 1;
    public bool IsEmpty => Count == 0;

    public bool Contains(int index) => (uint)(index - Start) < (uint)Count;

    /// <summary>True when the range lies inside a vector of <paramref name="length"/> pixels.</summary>
    public bool FitsWithin(int length) => End <= length;

    /// <summary>The pixels of <paramref name="array"/> in this range, without copying.</summary>
    public ReadOnlySpan<T> Of<T>(T[] array) => new(array, Start, Count);

    /// <summary>The pixels of <paramref name="span"/> in this range, without copying.</summary>
    public ReadOnlySpan<T> Of<T>(ReadOnlySpan<T> span) => span.Slice(Start, Count);

    public void Deconstruct(out int start, out int count) { start = Start; count = Count; }

    public override string ToString() => $"[{Start}, {End})";
}
