namespace VoSpec.Core.Spectra;

/// <summary>
/// The wavelength of every pixel of a spectrum, in Ångström (vacuum).
/// SDSS-like surveys sample on a log-linear grid, which is stored as start/step
/// rather than as an array: that is what makes alignment an exact pixel shift.
/// </summary>
public abstract class WavelengthGrid
{
    public abstract int Count { get; }

    /// <summary>Wavelength of pixel <paramref name="i"/> in Å.</summary>
    public abstract double this[int i] { get; }

    public double First => this[0];
    public double Last => this[Count - 1];

    /// <summary>All wavelengths, materialised (for writers and tests; the hot paths use the indexer).</summary>
    public double[] ToArray()
    {
        var a = new double[Count];
        for (int i = 0; i < a.Length; i++) a[i] = this[i];
        return a;
    }
}

/// <summary>λ_i = 10^(Log10Start + i·Log10Step) Å.</summary>
public sealed class LogLinearGrid : WavelengthGrid
{
    public LogLinearGrid(double log10Start, double log10Step, int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (!(log10Step > 0)) throw new ArgumentOutOfRangeException(nameof(log10Step), "step must be positive");
        Log10Start = log10Start; Log10Step = log10Step; PixelCount = count;
    }

    public double Log10Start { get; }
    public double Log10Step { get; }
    private int PixelCount { get; }
    public override int Count => PixelCount;
    public override double this[int i] => (uint)i < (uint)PixelCount
        ? Math.Pow(10.0, Log10Start + i * Log10Step)
        : throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>log10(λ) of pixel i, exactly as the survey files store it.</summary>
    public double Log10At(int i) => Log10Start + i * Log10Step;

    /// <summary>
    /// The whole-pixel offset of <paramref name="other"/>'s first pixel on this grid, when both
    /// grids share one step and their starts differ by a whole number of steps (to 1e-3 pixel); else null.
    /// </summary>
    public long? PixelOffsetOf(LogLinearGrid other)
    {
        if (Math.Abs(other.Log10Step - Log10Step) > 1e-12) return null;
        double shift = (other.Log10Start - Log10Start) / Log10Step;
        double rounded = Math.Round(shift);
        return Math.Abs(shift - rounded) < 1e-3 ? (long)rounded : null;
    }
}

/// <summary>
/// λ_i = Start + i·Step Å: a grid linear in wavelength, as a caller names it (w0 and a step in Å). DESI's arms are
/// linear too but are read as <see cref="ExplicitGrid"/>s (their stored wavelengths are kept bit for bit).
/// </summary>
public sealed class LinearGrid : WavelengthGrid
{
    public LinearGrid(double start, double step, int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (!(step > 0) || !double.IsFinite(step)) throw new ArgumentOutOfRangeException(nameof(step), "step must be positive");
        Start = start; Step = step; PixelCount = count;
    }

    public double Start { get; }
    public double Step { get; }
    private int PixelCount { get; }
    public override int Count => PixelCount;
    public override double this[int i] => (uint)i < (uint)PixelCount ? At(i) : throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>The wavelength of pixel i, also beyond the grid's ends (i &lt; 0 or ≥ Count).</summary>
    public double At(long i) => Start + i * Step;

    /// <summary>
    /// The whole-pixel offset of <paramref name="other"/>'s pixel 0 on this grid when every pixel of
    /// <paramref name="range"/> lies on one of this grid's pixel centres (to 1e-3 pixel, as
    /// <see cref="LogLinearGrid.PixelOffsetOf"/>); else null. O(range.Count) for a grid that is not linear.
    /// </summary>
    public long? PixelOffsetOf(WavelengthGrid other, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (count <= 0) return null;
        double shift = (other[start] - Start) / Step - start, rounded = Math.Round(shift);
        if (!(Math.Abs(shift - rounded) < 1e-3)) return null;
        if (other is LinearGrid l)
            return Math.Abs(l.Step - Step) * count <= 1e-3 * Step ? (long)rounded : null;
        for (int i = start; i < start + count; i++)
            if (!(Math.Abs((other[i] - Start) / Step - (rounded + i)) < 1e-3)) return null;
        return (long)rounded;
    }
}

/// <summary>Any monotonically increasing sampling, given pixel by pixel.</summary>
public sealed class ExplicitGrid : WavelengthGrid
{
    private readonly double[] _wavelengths;

    public ExplicitGrid(double[] wavelengths)
    {
        for (int i = 1; i < wavelengths.Length; i++)
            if (!(wavelengths[i] > wavelengths[i - 1]))
                throw new ArgumentException("wavelengths must increase strictly", nameof(wavelengths));
        _wavelengths = wavelengths;
    }

    public override int Count => _wavelengths.Length;
    public override double this[int i] => _wavelengths[i];
    public ReadOnlySpan<double> Values => _wavelengths;
}
