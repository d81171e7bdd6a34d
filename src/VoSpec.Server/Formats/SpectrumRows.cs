using System.Runtime.InteropServices;
using VoSpec.Archive;
using VoSpec.Archive.Pixels;
using VoSpec.Core.Faults;
using VoSpec.Core.Spectra;
using VoSpec.Engine;

namespace VoSpec.Server.Formats;

/// <summary>One row's vectors, reused from row to row (indexed by <see cref="SpecVector"/>).</summary>
public sealed class RowBuffers
{
    public RowBuffers(int length, IReadOnlyList<SpecVector> values)
    {
        Length = length;
        Loglam = new double[length];
        foreach (var v in values)
        {
            if (v == SpecVector.Loglam) continue;
            if (SpecVectors.IsMask(v)) Ints[(int)v] = new int[length];
            else Floats[(int)v] = new float[length];
        }
    }

    public int Length { get; }
    public double[] Loglam { get; }
    public float[]?[] Floats { get; } = new float[SpecVectors.All.Count][];
    public int[]?[] Ints { get; } = new int[SpecVectors.All.Count][];
}

/// <summary>
/// The rows getSpec serves: aligned (one row per spectrum on the common grid of VoSpec.Engine's
/// <see cref="AlignmentPlan"/>, zero outside each spectrum, widened to w0/w1 when given, or a grid the caller named) or one spectrum's own
/// pixels. Rows are filled one at a time into a <see cref="RowBuffers"/>, so memory stays flat however many.
/// </summary>
public sealed class SpectrumRows
{
    private readonly SpectrumArchive _archive;
    private readonly AlignmentPlan? _plan;
    private readonly int _padLow;

    private SpectrumRows(SpectrumArchive archive, SpectrumLocation[] locations, IReadOnlyList<SpecVector> values, AlignmentPlan? plan, int padLow, int length)
    {
        _archive = archive;
        Locations = locations;
        Values = values;
        _plan = plan;
        _padLow = padLow;
        Length = length;
    }

    public SpectrumLocation[] Locations { get; }
    public IReadOnlyList<SpecVector> Values { get; }
    public bool Aligned => _plan is not null;
    /// <summary>The length of every vector of a row.</summary>
    public int Length { get; }
    public int Count => Locations.Length;

    /// <summary>Buffers for this response's rows; aligned loglam is the same in every row, so it is filled here once.</summary>
    public RowBuffers NewBuffers()
    {
        var b = new RowBuffers(Length, Values);
        if (Aligned) for (int k = 0; k < Length; k++) b.Loglam[k] = AlignedLoglam(k);
        return b;
    }

    /// <summary>The wavelength range (Å) over the spectra's pixels: listSpan's answer.</summary>
    public static (double W0, double W1) Span(SpectrumArchive archive, SpectrumLocation[] locations) =>
        AlignmentPlan.Coverage(Grids(archive, locations)) ?? throw new UserInputException("the listed spectra have no pixels");

    public static SpectrumRows Single(SpectrumArchive archive, SpectrumLocation location, IReadOnlyList<SpecVector> values) =>
        new(archive, [location], values, null, 0, location.NPix);

    /// <summary>
    /// The aligned rows. The grid is the plan's common grid (inside the cutout when given), extended with zero
    /// pixels of the same step down to w0 and up to w1 — but never beyond the cutout.
    /// </summary>
    public static SpectrumRows Align(SpectrumArchive archive, SpectrumLocation[] locations, IReadOnlyList<SpecVector> values,
        WavelengthInterval? cutout, double? w0, double? w1, int maxLength, WavelengthGrid? named = null)
    {
        var grids = Grids(archive, locations);
        // A grid the caller named: exactly that grid, whatever the spectra cover (zeros where they do not).
        if (named is not null) return new SpectrumRows(archive, locations, values, AlignmentPlan.OnGrid(grids, named), 0, named.Count);
        var plan = AlignmentPlan.Create(grids, cutout, maxLength);
        if (plan.IsEmpty)
            throw new UserInputException(cutout is { } c
                ? $"cutout {c.Min:0.###}-{c.Max:0.###} Angstrom contains no pixel of the listed spectra"
                : "the listed spectra have no pixels");
        var g = (LogLinearGrid)plan.CommonGrid;   // a plan made from the spectra is always log-linear
        // w0/w1 are some spectrum's end pixels (from listSpan): a sample a few ulps beyond them is that pixel. A cutout is strict.
        double lo = Math.Max((w0 ?? double.PositiveInfinity) * (1 - 1e-10), cutout?.Min ?? 0);
        double hi = Math.Min((w1 ?? 0) * (1 + 1e-10), cutout?.Max ?? double.PositiveInfinity);
        int padLow = 0, padHigh = 0;
        if (w0 is not null && lo < g.First)
        {
            padLow = (int)Math.Min(maxLength, Math.Floor((g.Log10Start - Math.Log10(lo)) / g.Log10Step + 1e-6));
            while (padLow > 0 && Math.Pow(10, g.Log10At(-padLow)) < lo) padLow--;
        }
        if (w1 is not null && hi > g.Last)
        {
            padHigh = (int)Math.Min(maxLength, Math.Floor((Math.Log10(hi) - g.Log10At(g.Count - 1)) / g.Log10Step + 1e-6));
            while (padHigh > 0 && Math.Pow(10, g.Log10At(g.Count - 1 + padHigh)) > hi) padHigh--;
        }
        long length = (long)g.Count + padLow + padHigh;
        if (length > maxLength)
            throw new UserInputException($"the aligned grid would have {length} pixels (limit {maxLength}); request a narrower w0-w1 or cutout");
        return new SpectrumRows(archive, locations, values, plan, padLow, (int)length);
    }

    /// <summary>loglam of aligned pixel k (the same for every row).</summary>
    public double AlignedLoglam(int k) => _plan!.Log10At(k - _padLow);

    /// <summary>The wavelengths of the aligned rows (the plan's common grid with its pads); null when not aligned.</summary>
    public WavelengthGrid? AlignedGrid => _plan is null ? null
        : _padLow == 0 && Length == _plan.Length ? _plan.CommonGrid
        : new LogLinearGrid(AlignedLoglam(0), ((LogLinearGrid)_plan.CommonGrid).Log10Step, Length);

    /// <summary>Fills <paramref name="b"/> with row <paramref name="index"/>; vectors a spectrum lacks are zeros.</summary>
    public void Fill(int index, RowBuffers b)
    {
        var px = _archive.ReadPixels(Locations[index]);
        if (_plan is null) { FillOwn(px, b); return; }
        foreach (var v in Values)
        {
            if (v == SpecVector.Loglam) continue;
            if (SpecVectors.IsMask(v)) AlignMask(index, px, v, b.Ints[(int)v]!);
            else AlignFloats(index, px, v, b.Floats[(int)v]!);
        }
    }

    /// <summary>Vector <paramref name="v"/> of aligned row <paramref name="index"/> into all of <paramref name="dst"/> (zeros in the pads).</summary>
    private void AlignFloats(int index, PixelData px, SpecVector v, Span<float> dst)
    {
        int len = _plan!.Length;
        dst[.._padLow].Clear();
        dst[(_padLow + len)..].Clear();
        var target = dst.Slice(_padLow, len);
        var src = Floats(px, v);
        if (src.Length != px.Count) target.Clear();
        else if (v == SpecVector.Ivar) _plan.AlignIvar(index, src, target);
        else _plan.Align(index, src, target);
    }

    private void AlignMask(int index, PixelData px, SpecVector v, Span<int> dst)
    {
        int len = _plan!.Length;
        dst[.._padLow].Clear();
        dst[(_padLow + len)..].Clear();
        var target = dst.Slice(_padLow, len);
        var src = v == SpecVector.AndMask ? px.AndMask : px.OrMask;
        if (src.Length != px.Count) target.Clear();
        else _plan.Align(index, src, target);
    }

    private static void FillOwn(PixelData px, RowBuffers b)
    {
        int n = px.Count;
        var grid = px.Grid;
        for (int k = 0; k < n; k++)
            b.Loglam[k] = grid is LogLinearGrid l ? l.Log10At(k) : Math.Log10(grid[k]);
        for (int v = 0; v < SpecVectors.All.Count; v++)
        {
            if (b.Floats[v] is { } f)
            {
                var src = Floats(px, (SpecVector)v);
                if (src.Length == n) src.CopyTo(f); else Array.Clear(f);
            }
            if (b.Ints[v] is { } m)
            {
                var src = (SpecVector)v == SpecVector.AndMask ? px.AndMask : px.OrMask;
                if (src.Length == n) src.CopyTo(m); else Array.Clear(m);
            }
        }
    }

    private static ReadOnlySpan<float> Floats(PixelData px, SpecVector v) => v switch
    {
        SpecVector.Flux => px.Flux,
        SpecVector.Ivar => px.Ivar,
        SpecVector.WDisp => px.WDisp,
        SpecVector.Sky => px.Sky,
        SpecVector.Model => px.Model,
        _ => throw new ArgumentOutOfRangeException(nameof(v)),
    };

    private static WavelengthGrid[] Grids(SpectrumArchive archive, SpectrumLocation[] locations)
    {
        var grids = new WavelengthGrid[locations.Length];
        var seen = new Dictionary<long, WavelengthGrid>();
        for (int i = 0; i < locations.Length; i++)
        {
            if (!seen.TryGetValue(locations[i].SpecId, out var g))
                seen[locations[i].SpecId] = g = archive.ReadPixels(locations[i]).Grid;
            grids[i] = g;
        }
        return grids;
    }
}
