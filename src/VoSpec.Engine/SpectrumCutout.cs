// Why this file exists: writers (FITS, VOTable, .npy, CSV) stream a cutout of one spectrum's arrays (copied once
// out of the memory-mapped pixel store); this view hands them spans over those vectors instead of further copies.
using VoSpec.Core.Spectra;

namespace VoSpec.Engine;

/// <summary>A copy-free view of the pixels <see cref="Range"/> of one spectrum's vectors.</summary>
public readonly struct SpectrumCutout
{
    public SpectrumCutout(SpectrumArrays source, PixelRange range)
    {
        ArgumentNullException.ThrowIfNull(source);
        Cutout.EnsureFits(range, source.Count);
        Source = source;
        Range = range;
    }

    public SpectrumArrays Source { get; }
    public PixelRange Range { get; }
    public int Count => Range.Count;

    public ReadOnlySpan<float> Flux => Range.Of(Source.Flux);
    /// <summary>Empty when the spectrum has no such vector (test with the Has… properties).</summary>
    public ReadOnlySpan<float> Ivar => Of(Source.Ivar);
    public ReadOnlySpan<int> AndMask => Of(Source.AndMask);
    public ReadOnlySpan<int> OrMask => Of(Source.OrMask);
    public ReadOnlySpan<float> WDisp => Of(Source.WDisp);
    public ReadOnlySpan<float> Sky => Of(Source.Sky);
    public ReadOnlySpan<float> Model => Of(Source.Model);

    public bool HasIvar => Source.Ivar is not null;
    public bool HasAndMask => Source.AndMask is not null;
    public bool HasOrMask => Source.OrMask is not null;
    public bool HasWDisp => Source.WDisp is not null;
    public bool HasSky => Source.Sky is not null;
    public bool HasModel => Source.Model is not null;

    /// <summary>Wavelength (Å) of the cutout's pixel <paramref name="i"/> (0-based within the cutout).</summary>
    public double WavelengthAt(int i) => Source.Grid[Index(i)];

    /// <summary>log10(λ/Å) of the cutout's pixel <paramref name="i"/>: exactly the survey's loglam on a log-linear grid.</summary>
    public double Log10WavelengthAt(int i) =>
        Source.Grid is LogLinearGrid l ? l.Log10At(Index(i)) : Math.Log10(Source.Grid[Index(i)]);

    /// <summary>The cutout's own grid (allocates for explicit grids).</summary>
    public WavelengthGrid Grid => Cutout.Slice(Source.Grid, Range);

    /// <summary>A materialised copy, for callers that need a <see cref="SpectrumArrays"/>.</summary>
    public SpectrumArrays ToArrays() => Cutout.Slice(Source, Range);

    private int Index(int i)
    {
        if ((uint)i >= (uint)Range.Count) throw new ArgumentOutOfRangeException(nameof(i));
        return Range.Start + i;
    }

    private ReadOnlySpan<T> Of<T>(T[]? array) => array is null ? default : Range.Of(array);
}
