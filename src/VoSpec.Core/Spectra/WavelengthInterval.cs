namespace VoSpec.Core.Spectra;

/// <summary>
/// A closed wavelength interval in Å; either end may be open (infinite), as SODA's BAND allows.
/// </summary>
public readonly record struct WavelengthInterval(double Min, double Max)
{
    public static WavelengthInterval All => new(double.NegativeInfinity, double.PositiveInfinity);

    public bool IsValid => !double.IsNaN(Min) && !double.IsNaN(Max) && Min <= Max;
    public bool Contains(double wavelength) => wavelength >= Min && wavelength <= Max;
    public bool Overlaps(double lo, double hi) => lo <= Max && hi >= Min;

    /// <summary>From metres (SODA BAND, ObsCore em_min/em_max) to Å.</summary>
    public static WavelengthInterval FromMetres(double minMetres, double maxMetres) => new(minMetres * 1e10, maxMetres * 1e10);
}
