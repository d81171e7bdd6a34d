// Why this file exists: SODA's BAND and getSpec's cutout both reduce to "which pixels of this grid lie in
// [min, max] Å"; this is the one place that answers it (O(log n)) and slices spectra to the answer.
using VoSpec.Core.Spectra;

namespace VoSpec.Engine;

/// <summary>Cutouts of spectra by a closed wavelength interval (Å; either end may be infinite).</summary>
public static class Cutout
{
    /// <summary>
    /// The pixels of <paramref name="grid"/> whose wavelength lies in the closed <paramref name="interval"/>:
    /// a maximal contiguous range, or <see cref="CutoutResult.NoOverlap"/> when there is none.
    /// Throws <see cref="ArgumentException"/> for an invalid interval (NaN end, Min &gt; Max): callers turn user
    /// input into a UsageFault beforehand with <see cref="WavelengthInterval.IsValid"/>.
    /// </summary>
    public static CutoutResult Find(WavelengthGrid grid, WavelengthInterval interval)
    {
        ArgumentNullException.ThrowIfNull(grid);
        EnsureValid(interval);
        int n = grid.Count;
        if (n == 0) return CutoutResult.NoOverlap;
        int first = FirstIndexWhere(grid, interval.Min, strict: false);   // first λ ≥ Min
        if (first == n) return CutoutResult.NoOverlap;
        int end = FirstIndexWhere(grid, interval.Max, strict: true);      // first λ > Max
        if (end <= first) return CutoutResult.NoOverlap;
        return CutoutResult.Of(new PixelRange(first, end - first));
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the interval is valid.</summary>
    public static void EnsureValid(WavelengthInterval interval)
    {
        if (!interval.IsValid)
            throw new ArgumentException(
                $"invalid wavelength interval [{interval.Min}, {interval.Max}]: ends must be numbers (±infinity allowed) with min ≤ max",
                nameof(interval));
    }

    /// <summary>
    /// The first pixel index whose wavelength is ≥ <paramref name="value"/> (or &gt; when <paramref name="strict"/>),
    /// <c>grid.Count</c> when none. The answer is consistent with the grid's indexer.
    /// </summary>
    public static int FirstIndexWhere(WavelengthGrid grid, double value, bool strict)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (double.IsNaN(value)) throw new ArgumentException("wavelength is NaN", nameof(value));
        int n = grid.Count;
        switch (grid)
        {
            case ExplicitGrid e:
                return Search(e.Values, value, strict);
            case LogLinearGrid l:
            {
                // Closed form guess, then confirm against the indexer (the two may disagree by one ulp at a boundary).
                if (value <= 0) return 0;                      // every wavelength is positive
                if (double.IsPositiveInfinity(value)) return n;
                double x = (Math.Log10(value) - l.Log10Start) / l.Log10Step;
                int guess = !(x > 0) ? 0 : x >= n ? n : (int)Math.Ceiling(x);
                for (int g = Math.Max(0, guess - 1); g <= Math.Min(n, guess + 1); g++)
                    if ((g == n || Holds(l[g], value, strict)) && (g == 0 || !Holds(l[g - 1], value, strict)))
                        return g;
                return Search(grid, value, strict, 0, n);
            }
            default:
                return Search(grid, value, strict, 0, n);
        }
    }

    private static bool Holds(double wavelength, double value, bool strict) => strict ? wavelength > value : wavelength >= value;

    private static int Search(ReadOnlySpan<double> values, double value, bool strict)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (Holds(values[mid], value, strict)) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    private static int Search(WavelengthGrid grid, double value, bool strict, int lo, int hi)
    {
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (Holds(grid[mid], value, strict)) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>
    /// The grid of the pixels in <paramref name="range"/>: a <see cref="LogLinearGrid"/> with a shifted start
    /// (its first wavelength equals the original pixel's bit for bit), otherwise an <see cref="ExplicitGrid"/> copy.
    /// </summary>
    public static WavelengthGrid Slice(WavelengthGrid grid, PixelRange range)
    {
        ArgumentNullException.ThrowIfNull(grid);
        EnsureFits(range, grid.Count);
        switch (grid)
        {
            case LogLinearGrid l:
                return new LogLinearGrid(l.Log10At(range.Start), l.Log10Step, range.Count);
            case ExplicitGrid e:
                return new ExplicitGrid(e.Values.Slice(range.Start, range.Count).ToArray());
            default:
            {
                var values = new double[range.Count];
                for (int i = 0; i < values.Length; i++) values[i] = grid[range.Start + i];
                return new ExplicitGrid(values);
            }
        }
    }

    /// <summary>A copy of <paramref name="arrays"/> restricted to <paramref name="range"/> (every vector present is sliced).</summary>
    public static SpectrumArrays Slice(SpectrumArrays arrays, PixelRange range)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        EnsureFits(range, arrays.Count);
        return new SpectrumArrays
        {
            Grid = Slice(arrays.Grid, range),
            Flux = range.Of(arrays.Flux).ToArray(),
            Ivar = SliceOrNull(arrays.Ivar, range),
            AndMask = SliceOrNull(arrays.AndMask, range),
            OrMask = SliceOrNull(arrays.OrMask, range),
            WDisp = SliceOrNull(arrays.WDisp, range),
            Sky = SliceOrNull(arrays.Sky, range),
            Model = SliceOrNull(arrays.Model, range),
        };
    }

    /// <summary>A copy of <paramref name="arrays"/> restricted to <paramref name="interval"/>, or null when they do not overlap.</summary>
    public static SpectrumArrays? Slice(SpectrumArrays arrays, WavelengthInterval interval)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        return Find(arrays.Grid, interval).TryGetRange(out var range) ? Slice(arrays, range) : null;
    }

    /// <summary>A copy-free view of the pixels of <paramref name="arrays"/> inside <paramref name="interval"/>; false when they do not overlap.</summary>
    public static bool TryView(SpectrumArrays arrays, WavelengthInterval interval, out SpectrumCutout view)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        if (Find(arrays.Grid, interval).TryGetRange(out var range))
        {
            view = new SpectrumCutout(arrays, range);
            return true;
        }
        view = default;
        return false;
    }

    private static T[]? SliceOrNull<T>(T[]? array, PixelRange range) => array is null ? null : range.Of(array).ToArray();

    internal static void EnsureFits(PixelRange range, int length)
    {
        if (!range.FitsWithin(length))
            throw new ArgumentOutOfRangeException(nameof(range), $"pixel range {range} exceeds the {length} pixels of the spectrum");
    }
}
