// Why this file exists: getSpec(align=True) and stackedImage both put many spectra on one common grid. The plan is
// computed once from the grids (and an optional cutout) so that each spectrum is then written into a
// caller-provided row with a copy (the usual SDSS case: one log-linear step, whole-pixel offsets) or a
// flux-conserving resampling — fast enough to stream 10,000 spectra per second without per-spectrum garbage.
using System.Buffers;
using VoSpec.Core.Faults;
using VoSpec.Core.Spectra;

namespace VoSpec.Engine;

/// <summary>
/// The common grid for a set of spectra and the placement of each spectrum on it. The common grid runs from
/// the smallest to the largest wavelength over all spectra (after the cutout, when one is given; it then lies
/// inside the cutout). Immutable and safe to use from several threads.
/// </summary>
public sealed class AlignmentPlan
{
    /// <summary>Default cap on the common grid's length; a larger grid is a user error.</summary>
    public const int DefaultMaxLength = 4_000_000;

    private readonly WavelengthGrid[] _grids;
    private readonly AlignmentPlacement[] _placements;
    private readonly double[]? _commonEdges; // only when some spectrum is resampled

    private AlignmentPlan(WavelengthGrid[] grids, AlignmentPlacement[] placements, WavelengthGrid common, WavelengthInterval? cutout, bool exact)
    {
        _grids = grids;
        _placements = placements;
        CommonGrid = common;
        CutoutInterval = cutout;
        IsExact = exact;
        foreach (var p in placements)
            if (p.Kind == PlacementKind.Resample) { _commonEdges = PixelEdges.Of(common); break; }
    }

    /// <summary>
    /// The common grid: a <see cref="LogLinearGrid"/> from <see cref="Create"/>, a <see cref="LogLinearGrid"/> or a
    /// <see cref="LinearGrid"/> the caller named through <see cref="OnGrid"/>. Count 0 when <see cref="IsEmpty"/>.
    /// </summary>
    public WavelengthGrid CommonGrid { get; }

    /// <summary>log10 λ of common pixel <paramref name="i"/>, also beyond its ends (a log-linear grid's step continues).</summary>
    public double Log10At(int i) => CommonGrid switch
    {
        LogLinearGrid l => l.Log10At(i),
        LinearGrid l => Math.Log10(l.At(i)),
        var g => Math.Log10(g[i]),
    };
    /// <summary>Length of every aligned vector.</summary>
    public int Length => CommonGrid.Count;
    public int SpectrumCount => _grids.Length;
    /// <summary>True when no spectrum has a pixel inside the cutout (or all are empty): nothing to align.</summary>
    public bool IsEmpty => CommonGrid.Count == 0;
    /// <summary>True when every spectrum is placed by a whole-pixel copy (no interpolation anywhere).</summary>
    public bool IsExact { get; }
    /// <summary>The cutout the plan was built with, if any.</summary>
    public WavelengthInterval? CutoutInterval { get; }

    public AlignmentPlacement GetPlacement(int index) => _placements[index];

    /// <summary>
    /// Builds the plan for <paramref name="grids"/> (one per spectrum, in row order). With <paramref name="cutout"/>,
    /// only each spectrum's pixels inside it count and the common grid lies inside it.
    /// Exact case: every spectrum with pixels in range has a <see cref="LogLinearGrid"/> with one step and starts a whole
    /// number of pixels apart → the common grid continues that grid and every placement is a copy.
    /// Otherwise the common grid is log-linear with the finest input step (shrunk slightly so that it ends exactly at
    /// the global maximum), and spectra that happen to sit on it whole-pixel are still copied.
    /// Throws <see cref="ArgumentException"/> for an invalid cutout and <see cref="UserInputException"/> when the common
    /// grid would exceed <paramref name="maxLength"/> pixels.
    /// </summary>
    public static AlignmentPlan Create(IReadOnlyList<WavelengthGrid> grids, WavelengthInterval? cutout = null, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(grids);
        if (cutout is { } c) Cutout.EnsureValid(c);
        var interval = cutout ?? WavelengthInterval.All;

        int count = grids.Count;
        var gridArray = new WavelengthGrid[count];
        var ranges = new PixelRange[count];
        int firstPresent = -1;
        bool allLogLinear = true;
        for (int i = 0; i < count; i++)
        {
            var g = grids[i] ?? throw new ArgumentException($"grid {i} is null", nameof(grids));
            gridArray[i] = g;
            if (!Cutout.Find(g, interval).TryGetRange(out var r)) continue;
            ranges[i] = r;
            if (firstPresent < 0) firstPresent = i;
            if (g is not LogLinearGrid) allLogLinear = false;
        }

        var placements = new AlignmentPlacement[count];
        if (firstPresent < 0)
            return new AlignmentPlan(gridArray, placements, new LogLinearGrid(0, 1e-4, 0), cutout, exact: true);

        if (allLogLinear && TryExact(gridArray, ranges, firstPresent, cutout, maxLength, placements, out var exactGrid))
            return new AlignmentPlan(gridArray, placements, exactGrid, cutout, exact: true);

        var common = GeneralGrid(gridArray, ranges, cutout, maxLength);
        bool allCopies = Place(gridArray, ranges, common, placements);
        return new AlignmentPlan(gridArray, placements, common, cutout, allCopies);
    }

    /// <summary>
    /// The plan onto a grid the caller names (<see cref="NamedGrid"/>, <see cref="NamedLinearGrid"/>) instead of one made
    /// from the spectra: each spectrum's pixels that overlap it are copied when they sit on it whole-pixel (to 1e-3
    /// pixel), resampled (flux-conserving) otherwise.
    /// </summary>
    public static AlignmentPlan OnGrid(IReadOnlyList<WavelengthGrid> grids, WavelengthGrid common)
    {
        ArgumentNullException.ThrowIfNull(grids);
        ArgumentNullException.ThrowIfNull(common);
        int count = grids.Count;
        var gridArray = new WavelengthGrid[count];
        var ranges = new PixelRange[count];
        var placements = new AlignmentPlacement[count];
        if (common.Count == 0) return new AlignmentPlan(gridArray, placements, common, null, exact: true);
        var edges = PixelEdges.Of(common);
        for (int i = 0; i < count; i++)
        {
            gridArray[i] = grids[i] ?? throw new ArgumentException($"grid {i} is null", nameof(grids));
            // Every source pixel whose extent overlaps the grid's (not only those centred inside): the end pixels keep their flux.
            var se = PixelEdges.Of(gridArray[i]);
            if (gridArray[i].Count == 0) continue;
            int a = Math.Max(FirstAbove(se, edges[0]) - 1, 0), b = Math.Min(FirstAtOrAbove(se, edges[^1]), gridArray[i].Count);
            if (b > a) ranges[i] = new PixelRange(a, b - a);
        }
        bool allCopies = Place(gridArray, ranges, common, placements);
        return new AlignmentPlan(gridArray, placements, common, null, allCopies);
    }

    /// <summary>
    /// A log-linear grid from <paramref name="w0"/> to at most <paramref name="w1"/> (Å) with <paramref name="log10Step"/>
    /// per pixel: pixel 0 is at w0 exactly (as far as 10^log10(w0) allows), the last one is the last step not beyond w1.
    /// </summary>
    public static LogLinearGrid NamedGrid(double w0, double w1, double log10Step, int maxLength = DefaultMaxLength)
    {
        EnsureNamed(w0, w1, log10Step);
        double start = Math.Log10(w0), pixels = Math.Floor((Math.Log10(w1) - start) / log10Step + 1e-9) + 1;
        if (!(pixels <= maxLength)) throw TooLong(pixels, maxLength);
        return new LogLinearGrid(start, log10Step, (int)pixels);
    }

    /// <summary>
    /// A linear grid from <paramref name="w0"/> to at most <paramref name="w1"/> (Å) with <paramref name="step"/> Å per
    /// pixel: pixel i is at w0 + i·step, the last one is the last step not beyond w1.
    /// </summary>
    public static LinearGrid NamedLinearGrid(double w0, double w1, double step, int maxLength = DefaultMaxLength)
    {
        EnsureNamed(w0, w1, step);
        double pixels = Math.Floor((w1 - w0) / step + 1e-9) + 1;
        if (!(pixels <= maxLength)) throw TooLong(pixels, maxLength);
        return new LinearGrid(w0, step, (int)pixels);
    }

    private static void EnsureNamed(double w0, double w1, double step)
    {
        if (!(w0 > 0) || !(w1 > w0) || !double.IsFinite(w1)) throw new UserInputException($"a named grid needs 0 < w0 < w1 (Angstrom), not {w0}-{w1}");
        if (!(step > 0) || !double.IsFinite(step)) throw new UserInputException($"a named grid needs a positive step, not {step}");
    }

    /// <summary>The log10 step of resolving power R = λ/Δλ: one pixel per resolution element, log10(1 + 1/R).</summary>
    public static double Log10StepOfResolvingPower(double r) =>
        r > 0 && double.IsFinite(r) ? Math.Log10(1 + 1 / r) : throw new UserInputException($"a resolving power must be positive, not {r}");

    /// <summary>The smallest and largest pixel wavelength over all <paramref name="grids"/> (listSpan's w0/w1); null when all are empty.</summary>
    public static (double Min, double Max)? Coverage(IReadOnlyList<WavelengthGrid> grids)
    {
        ArgumentNullException.ThrowIfNull(grids);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < grids.Count; i++)
        {
            var g = grids[i];
            if (g is null || g.Count == 0) continue;
            min = Math.Min(min, g.First);
            max = Math.Max(max, g.Last);
        }
        return min <= max ? (min, max) : null;
    }

    // ---------------------------------------------------------------- planning

    private static bool TryExact(WavelengthGrid[] grids, PixelRange[] ranges, int anchorIndex, WavelengthInterval? cutout, int maxLength,
        AlignmentPlacement[] placements, out LogLinearGrid common)
    {
        var anchor = (LogLinearGrid)grids[anchorIndex];
        var offsets = new long[grids.Length];
        long lo = long.MaxValue, hi = long.MinValue;
        int loSpectrum = -1;
        for (int i = 0; i < grids.Length; i++)
        {
            if (ranges[i].IsEmpty) continue;
            var g = (LogLinearGrid)grids[i];
            if (anchor.PixelOffsetOf(g) is not long o) { common = null!; return false; }
            offsets[i] = o;
            long a = o + ranges[i].Start, b = o + ranges[i].Last;
            if (a < lo) { lo = a; loSpectrum = i; }
            if (b > hi) hi = b;
        }
        long length = hi - lo + 1;
        EnsureLength(length, maxLength);

        // Start the common grid on the lowest spectrum's own first pixel: its wavelength is then bitwise the same.
        var lowGrid = (LogLinearGrid)grids[loSpectrum];
        double start = lowGrid.Log10At(ranges[loSpectrum].Start);
        common = new LogLinearGrid(start, anchor.Log10Step, (int)length);
        if (cutout is { } cut)
        {
            common = FitInside(common, cut);
        }

        int len = common.Count;
        for (int i = 0; i < grids.Length; i++)
        {
            if (ranges[i].IsEmpty) continue;
            long destStart = offsets[i] + ranges[i].Start - lo;
            placements[i] = ClipCopy(ranges[i], destStart, len);
        }
        return true;
    }

    private static AlignmentPlacement ClipCopy(PixelRange source, long destStart, int length)
    {
        long a = Math.Max(destStart, 0), b = Math.Min(destStart + source.Count, length);
        if (b <= a) return default;
        int srcStart = source.Start + (int)(a - destStart);
        return new AlignmentPlacement(PlacementKind.Copy, new PixelRange(srcStart, (int)(b - a)), (int)a, (int)(b - a));
    }

    private static LogLinearGrid GeneralGrid(WavelengthGrid[] grids, PixelRange[] ranges, WavelengthInterval? cutout, int maxLength)
    {
        double step = double.PositiveInfinity, lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < grids.Length; i++)
        {
            var r = ranges[i];
            if (r.IsEmpty) continue;
            var g = grids[i];
            lo = Math.Min(lo, g[r.Start]);
            hi = Math.Max(hi, g[r.Last]);
            double s = g switch
            {
                LogLinearGrid l => l.Log10Step,
                _ when g.Count >= 2 && g.First > 0 => (Math.Log10(g.Last) - Math.Log10(g.First)) / (g.Count - 1),
                _ => double.PositiveInfinity,
            };
            step = Math.Min(step, s);
        }
        if (!(lo > 0)) throw new ArgumentException("alignment needs positive wavelengths", nameof(grids));

        double l0 = Math.Log10(lo), l1 = Math.Log10(hi);
        long n;
        double commonStep;
        if (!(hi > lo)) { n = 1; commonStep = double.IsFinite(step) ? step : 1e-4; }
        else if (!double.IsFinite(step)) { n = 2; commonStep = l1 - l0; }
        else
        {
            double pixels = Math.Ceiling((l1 - l0) / step - 1e-9);
            if (!(pixels + 1 <= maxLength)) throw TooLong(pixels + 1, maxLength);
            n = (long)pixels + 1;
            commonStep = (l1 - l0) / (n - 1);
        }
        EnsureLength(n, maxLength);

        var common = new LogLinearGrid(l0, commonStep, (int)n);
        return cutout is { } cut ? FitInside(common, cut) : common;
    }

    /// <summary>
    /// Keeps the samples of <paramref name="grid"/> inside <paramref name="cut"/> where floating point allows. Its end
    /// pixels stand for real pixels that lie inside, but 10^(start + i·step) can round a few ulps differently from a
    /// spectrum's own 10^(start' + j·step). Nudging the start by a few ulps (far less than a pixel) usually fixes that;
    /// when it cannot, the grid is kept as it is: an end sample may then exceed the cutout by rounding (relative
    /// ≤ 1e-13), which is better than dropping a pixel that lies inside — possibly the only one.
    /// </summary>
    private static LogLinearGrid FitInside(LogLinearGrid grid, WavelengthInterval cut)
    {
        int n = grid.Count;
        if (n == 0 || (grid.First >= cut.Min && grid.Last <= cut.Max)) return grid;
        double step = grid.Log10Step, up = grid.Log10Start, down = grid.Log10Start;
        for (int t = 0; t < 16; t++)
        {
            up = Math.BitIncrement(up);
            down = Math.BitDecrement(down);
            foreach (double start in (ReadOnlySpan<double>)[up, down])
            {
                var candidate = new LogLinearGrid(start, step, n);
                if (candidate.First >= cut.Min && candidate.Last <= cut.Max) return candidate;
            }
        }
        return grid;
    }

    /// <summary>Placements on a general common grid; true when all of them turned out to be copies.</summary>
    private static bool Place(WavelengthGrid[] grids, PixelRange[] ranges, WavelengthGrid common, AlignmentPlacement[] placements)
    {
        bool allCopies = true;
        double[] commonEdges = PixelEdges.Of(common);
        Span<double> ends = stackalloc double[2];
        for (int i = 0; i < grids.Length; i++)
        {
            var r = ranges[i];
            if (r.IsEmpty || common.Count == 0) continue;
            var g = grids[i];
            if (WholePixelOffset(common, g, r) is long o)
            {
                placements[i] = ClipCopy(r, o + r.Start, common.Count);
                continue;
            }
            allCopies = false;
            // Destination pixels overlapping the source extent [first edge, last edge] of the cut pixels.
            SourceExtent(g, r, ends);
            int a = Math.Max(FirstAbove(commonEdges, ends[0]) - 1, 0);   // first pixel whose upper edge is above s0
            int b = FirstAtOrAbove(commonEdges, ends[1]);                // pixels before b start below sN
            b = Math.Min(b, common.Count);
            if (ends[0] == ends[1] && ends[0] >= commonEdges[0] && ends[0] <= commonEdges[^1])
            {
                // A zero-width (single explicit pixel) source still lands in the one pixel that contains it.
                a = Math.Min(a, common.Count - 1);
                b = a + 1;
            }
            if (b <= a) { placements[i] = default; continue; }
            placements[i] = new AlignmentPlacement(PlacementKind.Resample, r, a, b - a);
        }
        return allCopies;
    }

    /// <summary>The offset of <paramref name="g"/>'s pixel 0 on <paramref name="common"/> when the pixels of <paramref name="r"/> sit on it whole-pixel.</summary>
    private static long? WholePixelOffset(WavelengthGrid common, WavelengthGrid g, PixelRange r) => (common, g) switch
    {
        (LogLinearGrid c, LogLinearGrid l) => c.PixelOffsetOf(l),
        (LinearGrid c, _) => c.PixelOffsetOf(g, r.Start, r.Count),
        _ => null,
    };

    private static int FirstAbove(ReadOnlySpan<double> values, double x)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi) { int mid = lo + ((hi - lo) >> 1); if (values[mid] > x) hi = mid; else lo = mid + 1; }
        return lo;
    }

    private static int FirstAtOrAbove(ReadOnlySpan<double> values, double x)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi) { int mid = lo + ((hi - lo) >> 1); if (values[mid] >= x) hi = mid; else lo = mid + 1; }
        return lo;
    }

    private static void SourceExtent(WavelengthGrid g, PixelRange r, Span<double> ends)
    {
        // Edges are local: recompute only the two outer ones from a 1-pixel range at each end.
        Span<double> two = stackalloc double[2];
        PixelEdges.Compute(g, new PixelRange(r.Start, 1), two);
        ends[0] = two[0];
        PixelEdges.Compute(g, new PixelRange(r.Last, 1), two);
        ends[1] = two[1];
    }

    private static void EnsureLength(long length, int maxLength)
    {
        if (length > maxLength) throw TooLong(length, maxLength);
    }

    private static UserInputException TooLong(double length, int maxLength) => new(
        $"the aligned grid would have {length:0} pixels (limit {maxLength}); request a narrower cutout or fewer spectra");

    // ---------------------------------------------------------------- per spectrum

    /// <summary>
    /// Writes spectrum <paramref name="index"/>'s flux-like vector (flux, model, sky, wdisp) onto the common grid:
    /// <paramref name="destination"/> (length <see cref="Length"/>) gets 0 outside the spectrum, the original values
    /// (Copy) or overlap-weighted averages (Resample) inside. <paramref name="source"/> is the whole vector (grid length).
    /// </summary>
    public void Align(int index, ReadOnlySpan<float> source, Span<float> destination)
        => Write<float, MeanOp>(index, source, destination);

    /// <summary>Like <see cref="Align(int, ReadOnlySpan{float}, Span{float})"/> for inverse variance (propagated when resampled).</summary>
    public void AlignIvar(int index, ReadOnlySpan<float> source, Span<float> destination)
        => Write<float, IvarOp>(index, source, destination);

    /// <summary>Bit masks: copied, or the OR of the contributing pixels when resampled; 0 outside.</summary>
    public void Align(int index, ReadOnlySpan<int> source, Span<int> destination)
        => Write<int, MaskOp>(index, source, destination);

    private interface IResampleOp<T>
    {
        static abstract void Run(ReadOnlySpan<double> se, ReadOnlySpan<T> src, ReadOnlySpan<double> de, Span<T> dst);
    }
    private readonly struct MeanOp : IResampleOp<float>
    {
        public static void Run(ReadOnlySpan<double> se, ReadOnlySpan<float> src, ReadOnlySpan<double> de, Span<float> dst) => Resampler.Resample(se, src, de, dst);
    }
    private readonly struct IvarOp : IResampleOp<float>
    {
        public static void Run(ReadOnlySpan<double> se, ReadOnlySpan<float> src, ReadOnlySpan<double> de, Span<float> dst) => Resampler.ResampleIvar(se, src, de, dst);
    }
    private readonly struct MaskOp : IResampleOp<int>
    {
        public static void Run(ReadOnlySpan<double> se, ReadOnlySpan<int> src, ReadOnlySpan<double> de, Span<int> dst) => Resampler.ResampleMask(se, src, de, dst);
    }

    private void Write<T, TOp>(int index, ReadOnlySpan<T> source, Span<T> destination) where TOp : struct, IResampleOp<T>
    {
        if ((uint)index >= (uint)_grids.Length) throw new ArgumentOutOfRangeException(nameof(index));
        var grid = _grids[index];
        if (source.Length != grid.Count)
            throw new ArgumentException($"spectrum {index} has {grid.Count} pixels but the source vector has {source.Length}", nameof(source));
        if (destination.Length != Length)
            throw new ArgumentException($"the destination must have the common length {Length}, not {destination.Length}", nameof(destination));

        ref readonly var p = ref _placements[index];
        if (p.Kind == PlacementKind.None) { destination.Clear(); return; }

        destination[..p.DestinationStart].Clear();
        destination[p.DestinationEnd..].Clear();
        var target = destination.Slice(p.DestinationStart, p.DestinationCount);
        if (p.Kind == PlacementKind.Copy)
        {
            source.Slice(p.Source.Start, p.Source.Count).CopyTo(target);
            return;
        }

        double[] rented = ArrayPool<double>.Shared.Rent(p.Source.Count + 1);
        try
        {
            var sourceEdges = rented.AsSpan(0, p.Source.Count + 1);
            PixelEdges.Compute(grid, p.Source, sourceEdges);
            TOp.Run(sourceEdges, source.Slice(p.Source.Start, p.Source.Count),
                _commonEdges.AsSpan(p.DestinationStart, p.DestinationCount + 1), target);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }
}
