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
