// Why this file exists: "the interval misses the spectrum" is an ordinary answer (SODA answers it with
// 204 No Content, getSpec with a zero row), so Cutout.Find returns it as a value, never as an exception.
namespace VoSpec.Engine;

/// <summary>The outcome of a cutout: either a non-empty <see cref="PixelRange"/> or "no overlap".</summary>
public readonly struct CutoutResult : IEquatable<CutoutResult>
{
    private readonly PixelRange _range;

    private CutoutResult(PixelRange range) => _range = range;

    /// <summary>The interval contains no pixel of the spectrum.</summary>
    public static CutoutResult NoOverlap => default;

    /// <summary>A cutout of the pixels in <paramref name="range"/>, which must not be empty.</summary>
    public static CutoutResult Of(PixelRange range)
    {
        if (range.IsEmpty) throw new ArgumentException("a cutout range is never empty; use NoOverlap", nameof(range));
        return new CutoutResult(range);
    }

    public bool IsEmpty => _range.Count == 0;
    public bool HasOverlap => _range.Count != 0;

    /// <summary>The pixels inside the interval; throws when <see cref="IsEmpty"/>.</summary>
    public PixelRange Range => IsEmpty
        ? throw new InvalidOperationException("the wavelength interval does not overlap the spectrum")
        : _range;

    /// <summary>The pixels inside the interval, or an empty range at 0 when there are none.</summary>
    public PixelRange RangeOrEmpty => _range;

    public bool TryGetRange(out PixelRange range)
    {
        range = _range;
        return !IsEmpty;
    }

    public bool Equals(CutoutResult other) => _range == other._range;
    public override bool Equals(object? obj) => obj is CutoutResult other && Equals(other);
    public override int GetHashCode() => _range.GetHashCode();
    public static bool operator ==(CutoutResult a, CutoutResult b) => a.Equals(b);
    public static bool operator !=(CutoutResult a, CutoutResult b) => !a.Equals(b);
    public override string ToString() => IsEmpty ? "NoOverlap" : _range.ToString();
}
