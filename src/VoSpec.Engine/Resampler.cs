// Why this file exists: alignment of spectra that do not share a whole-pixel grid needs a resampling that
// keeps ∫ f dλ; this is the single implementation (flux-like vectors, inverse variance, bit masks).
using System.Buffers;
using VoSpec.Core.Spectra;

namespace VoSpec.Engine;

/// <summary>
/// Flux-conserving resampling between arbitrary grids (edges per <see cref="PixelEdges"/>).
/// A destination pixel's value is the overlap-weighted average of the source pixels it overlaps, so the
/// integral of f·dλ over a range covered by both grids is kept. A destination pixel less than half covered
/// by the source's extent is 0. Sums are accumulated in double.
/// Variants: <see cref="ResampleIvar(ReadOnlySpan{double}, ReadOnlySpan{float}, ReadOnlySpan{double}, Span{float})"/>
/// propagates inverse variance (0 when any contributing pixel has ivar ≤ 0); mask variants OR the bits of
/// every contributing pixel.
/// </summary>
public static class Resampler
{
    // ---- edge-based core (no allocation) ----

    /// <summary>Resamples a flux-like vector. <paramref name="sourceEdges"/> has source.Length + 1 ascending values, likewise for the destination.</summary>
    public static void Resample(ReadOnlySpan<double> sourceEdges, ReadOnlySpan<float> source, ReadOnlySpan<double> destinationEdges, Span<float> destination)
    {
        var acc = new MeanAccumulator();
        Sweep(sourceEdges, source, destinationEdges, destination, ref acc);
    }

    /// <summary>Propagates inverse variance: ivar = (Σo)² / Σ(o²/ivarₖ); 0 when a contributing pixel has ivar ≤ 0 or NaN.</summary>
    public static void ResampleIvar(ReadOnlySpan<double> sourceEdges, ReadOnlySpan<float> sourceIvar, ReadOnlySpan<double> destinationEdges, Span<float> destination)
    {
        var acc = new IvarAccumulator();
        Sweep(sourceEdges, sourceIvar, destinationEdges, destination, ref acc);
    }

    /// <summary>Bit masks: the OR of every source pixel that overlaps the destination pixel.</summary>
    public static void ResampleMask(ReadOnlySpan<double> sourceEdges, ReadOnlySpan<int> source, ReadOnlySpan<double> destinationEdges, Span<int> destination)
    {
        var acc = new OrAccumulator();
        Sweep(sourceEdges, source, destinationEdges, destination, ref acc);
    }

    // ---- grid-based conveniences (edges from pooled buffers) ----

    public static void Resample(WavelengthGrid sourceGrid, ReadOnlySpan<float> source, WavelengthGrid destinationGrid, Span<float> destination)
    {
        var acc = new MeanAccumulator();
        WithEdges(sourceGrid, source, destinationGrid, destination, ref acc);
    }

    public static void ResampleIvar(WavelengthGrid sourceGrid, ReadOnlySpan<float> sourceIvar, WavelengthGrid destinationGrid, Span<float> destination)
    {
        var acc = new IvarAccumulator();
        WithEdges(sourceGrid, sourceIvar, destinationGrid, destination, ref acc);
    }

    public static void ResampleMask(WavelengthGrid sourceGrid, ReadOnlySpan<int> source, WavelengthGrid destinationGrid, Span<int> destination)
    {
        var acc = new OrAccumulator();
        WithEdges(sourceGrid, source, destinationGrid, destination, ref acc);
    }

    private static void WithEdges<T, TAcc>(WavelengthGrid sourceGrid, ReadOnlySpan<T> source, WavelengthGrid destinationGrid, Span<T> destination, ref TAcc acc)
        where TAcc : struct, IAccumulator<T>
    {
        ArgumentNullException.ThrowIfNull(sourceGrid);
        ArgumentNullException.ThrowIfNull(destinationGrid);
        if (source.Length != sourceGrid.Count) throw new ArgumentException($"source has {source.Length} pixels, its grid {sourceGrid.Count}", nameof(source));
        if (destination.Length != destinationGrid.Count) throw new ArgumentException($"destination has {destination.Length} pixels, its grid {destinationGrid.Count}", nameof(destination));
        double[] se = ArrayPool<double>.Shared.Rent(source.Length + 1);
        double[] de = ArrayPool<double>.Shared.Rent(destination.Length + 1);
        try
        {
            var sEdges = se.AsSpan(0, source.Length + 1);
            var dEdges = de.AsSpan(0, destination.Length + 1);
            PixelEdges.Compute(sourceGrid, PixelRange.All(source.Length), sEdges);
            PixelEdges.Compute(destinationGrid, PixelRange.All(destination.Length), dEdges);
            Sweep(sEdges, source, dEdges, destination, ref acc);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(se);
            ArrayPool<double>.Shared.Return(de);
        }
    }

    // ---- the sweep: one pass over both edge lists, O(n + m) ----

    internal interface IAccumulator<T>
    {
        void Reset();
        void Add(T value, double weight);
        T Result(double weightSum);
    }

    private struct MeanAccumulator : IAccumulator<float>
    {
        private double _sum;
        public void Reset() => _sum = 0;
        public void Add(float value, double weight) => _sum += weight * value;
        public readonly float Result(double weightSum) => weightSum > 0 ? (float)(_sum / weightSum) : 0f;
    }

    private struct IvarAccumulator : IAccumulator<float>
    {
        private double _variance; // Σ o²/ivar
        private bool _bad;
        public void Reset() { _variance = 0; _bad = false; }
        public void Add(float value, double weight)
        {
            if (!(value > 0)) _bad = true;
            else _variance += weight * weight / value;
        }
        public readonly float Result(double weightSum) =>
            _bad || !(weightSum > 0) || !(_variance > 0) ? 0f : (float)(weightSum * weightSum / _variance);
    }

    private struct OrAccumulator : IAccumulator<int>
    {
        private int _bits;
        public void Reset() => _bits = 0;
        public void Add(int value, double weight) => _bits |= value;
        public readonly int Result(double weightSum) => _bits;
    }

    internal static void Sweep<T, TAcc>(ReadOnlySpan<double> se, ReadOnlySpan<T> src, ReadOnlySpan<double> de, Span<T> dst, ref TAcc acc)
        where TAcc : struct, IAccumulator<T>
    {
        int n = src.Length, m = dst.Length;
        if (se.Length != n + 1) throw new ArgumentException($"need {n + 1} source edges, got {se.Length}", nameof(se));
        if (de.Length != m + 1) throw new ArgumentException($"need {m + 1} destination edges, got {de.Length}", nameof(de));
        if (n == 0) { dst.Clear(); return; }

        double s0 = se[0], sN = se[n];
        bool pointSource = n == 1 && !(sN > s0);
        int k = 0;
        for (int j = 0; j < m; j++)
        {
            double lo = de[j], hi = de[j + 1];
            acc.Reset();
            if (pointSource)
            {
                // A zero-width source pixel lands in the destination pixel that contains it.
                bool inside = (lo <= s0 && s0 < hi) || (j == m - 1 && s0 == hi) || (lo == hi && lo == s0);
                if (inside) acc.Add(src[0], 1.0);
                dst[j] = inside ? acc.Result(1.0) : default!;
                continue;
            }
            if (!(hi > lo))
            {
                // A zero-width destination pixel takes the source pixel containing its point.
                if (lo < s0 || lo > sN) { dst[j] = default!; continue; }
                while (k < n - 1 && se[k + 1] <= lo) k++;
                acc.Add(src[k], 1.0);
                dst[j] = acc.Result(1.0);
                continue;
            }
            double covered = Math.Min(hi, sN) - Math.Max(lo, s0);
            if (!(2 * covered >= hi - lo)) { dst[j] = default!; continue; }

            while (k < n - 1 && se[k + 1] <= lo) k++;
            double weightSum = 0;
            for (int kk = k; kk < n && se[kk] < hi; kk++)
            {
                double overlap = Math.Min(hi, se[kk + 1]) - Math.Max(lo, se[kk]);
                if (overlap > 0)
                {
                    acc.Add(src[kk], overlap);
                    weightSum += overlap;
                }
            }
            dst[j] = acc.Result(weightSum);
        }
    }
}
