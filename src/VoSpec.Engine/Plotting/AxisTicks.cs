// Why this file exists: readable axes need ticks at round values (1-2-5 × 10^k) with labels that neither
// repeat ("1.0, 1.0, 1.1") nor carry noise digits ("4999.999999"); kept apart from drawing so it is testable.
using System.Globalization;

namespace VoSpec.Engine.Plotting;

/// <summary>Tick positions at "nice" values: a step of 1, 2 or 5 × 10^k.</summary>
public static class AxisTicks
{
    /// <summary>The smallest 1-2-5 step ≥ <paramref name="rough"/> (which must be positive and finite).</summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough)) throw new ArgumentOutOfRangeException(nameof(rough));
        double exp = Math.Floor(Math.Log10(rough));
        double mag = Math.Pow(10, exp);
        double f = rough / mag;
        double nice = f <= 1.000001 ? 1 : f <= 2.000001 ? 2 : f <= 5.000001 ? 5 : 10;
        return nice * mag;
    }

    /// <summary>The next larger 1-2-5 step after <paramref name="step"/>.</summary>
    public static double NextStep(double step) => NiceStep(step * 1.01);

    /// <summary>
    /// The ticks in [<paramref name="lo"/>, <paramref name="hi"/>] for a 1-2-5 step chosen so there are at most
    /// <paramref name="maxCount"/> (at least 1) of them; empty when the range is not finite or empty.
    /// </summary>
    public static double[] Nice(double lo, double hi, int maxCount)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(hi) || !(hi > lo)) return [];
        maxCount = Math.Max(1, maxCount);
        double step = NiceStep((hi - lo) / maxCount);
        double[] ticks;
        while ((ticks = InRange(lo, hi, step)).Length > maxCount) step = NextStep(step);
        return ticks;
    }

    /// <summary>The multiples of <paramref name="step"/> in [lo, hi] (small tolerance at both ends).</summary>
    public static double[] InRange(double lo, double hi, double step)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(hi) || !(hi >= lo) || !(step > 0)) return [];
        double eps = step * 1e-9;
        long first = (long)Math.Ceiling((lo - eps) / step);
        long last = (long)Math.Floor((hi + eps) / step);
        if (last < first || last - first > 10_000) return [];
        var ticks = new double[last - first + 1];
        for (long k = first; k <= last; k++)
        {
            double v = k * step;
            ticks[k - first] = Math.Abs(v) < step * 1e-9 ? 0 : v;   // no "-0"
        }
        return ticks;
    }

    /// <summary>
    /// The label of tick <paramref name="value"/> on an axis of step <paramref name="step"/>: just enough decimals to
    /// tell neighbouring ticks apart, a real minus sign, and exponent notation ("2.5e6", "1.5e−5") when the axis's
    /// magnitude (<paramref name="axisMagnitude"/>: the largest |tick|; pass it so one axis never mixes notations)
    /// is ≥ 10⁶ or &lt; 10⁻³.
    /// </summary>
    public static string Label(double value, double step, double axisMagnitude = 0)
    {
        var inv = CultureInfo.InvariantCulture;
        if (!double.IsFinite(value) || !(step > 0) || !double.IsFinite(step)) return value.ToString("G4", inv);
        if (Math.Abs(value) < step * 1e-6) return "0";
        double mag = Math.Max(Math.Max(Math.Abs(value), step), Math.Abs(axisMagnitude));
        int stepExp = (int)Math.Floor(Math.Log10(step) + 1e-9);
        string text;
        if (mag >= 1e6 || mag < 1e-3)
        {
            int e = (int)Math.Floor(Math.Log10(Math.Abs(value)) + 1e-12);
            int digits = Math.Clamp(e - stepExp, 0, 15);
            text = value.ToString("0." + new string('0', digits) + "e+0", inv).Replace("e+", "e", StringComparison.Ordinal);
            if (digits > 0) text = TrimMantissaZeros(text);
        }
        else
        {
            text = value.ToString("F" + Math.Clamp(-stepExp, 0, 15), inv);
        }
        return text.Replace('-', '\u2212');
    }

    /// <summary>"2.50e6" → "2.5e6", "3.00e6" → "3e6": a 1-2-5 step never needs trailing zeros in the mantissa.</summary>
    private static string TrimMantissaZeros(string text)
    {
        int e = text.IndexOf('e');
        string mantissa = text[..e];
        if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        return mantissa + text[e..];
    }
}
