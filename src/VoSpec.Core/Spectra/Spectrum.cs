namespace VoSpec.Core.Spectra;

/// <summary>One 1-D spectrum: its catalogue metadata and its pixel vectors.</summary>
public sealed class Spectrum
{
    public required SpectrumMeta Meta { get; init; }
    public required SpectrumArrays Arrays { get; init; }
}
