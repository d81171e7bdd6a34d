namespace VoSpec.Core.Spectra;

/// <summary>
/// The pixel vectors of one spectrum, SDSS style; every array has Grid.Count elements.
/// Vectors a survey does not provide are null (e.g. DR7 spSpec has no sky or model).
/// Flux, Sky and Model are in the survey's flux unit (SDSS: 1e-17 erg/s/cm²/Å); Ivar is 1/σ².
/// </summary>
public sealed class SpectrumArrays
{
    public required WavelengthGrid Grid { get; init; }
    public required float[] Flux { get; init; }
    public float[]? Ivar { get; init; }
    public int[]? AndMask { get; init; }
    public int[]? OrMask { get; init; }
    public float[]? WDisp { get; init; }
    public float[]? Sky { get; init; }
    public float[]? Model { get; init; }

    public int Count => Grid.Count;

    /// <summary>Throws when an array's length differs from the grid's.</summary>
    public void Validate()
    {
        void Check(Array? a, string name)
        {
            if (a is not null && a.Length != Grid.Count)
                throw new InvalidDataException($"{name} has {a.Length} pixels but the wavelength grid has {Grid.Count}");
        }
        Check(Flux, "flux"); Check(Ivar, "ivar"); Check(AndMask, "and_mask"); Check(OrMask, "or_mask");
        Check(WDisp, "wdisp"); Check(Sky, "sky"); Check(Model, "model");
    }
}
