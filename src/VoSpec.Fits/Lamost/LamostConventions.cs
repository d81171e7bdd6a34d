namespace VoSpec.Fits.Lamost;

/// <summary>LAMOST facts the reader needs.</summary>
public static class LamostConventions
{
    public const string Instrument = "LAMOST LRS";

    /// <summary>LAMOST fibres are 3.3″ on the sky.</summary>
    public const double FiberDiameter = 3.3;

    /// <summary>
    /// LRS fluxes are only relatively calibrated (the shape is right, the scale is not): declared as such,
    /// never as erg/s/cm²/Å.
    /// </summary>
    public const string FluxUnit = "relative flux (arbitrary scale)";
}
