namespace VoSpec.Server.Formats;

/// <summary>The SDSS COADD vectors getSpec serves, in COADD column order (the order of every output).</summary>
public enum SpecVector { Flux, Loglam, Ivar, AndMask, OrMask, WDisp, Sky, Model }

public static class SpecVectors
{
    public static readonly IReadOnlyList<SpecVector> All = Enum.GetValues<SpecVector>();

    public static string Name(SpecVector v) => v switch
    {
        SpecVector.Flux => "flux",
        SpecVector.Loglam => "loglam",
        SpecVector.Ivar => "ivar",
        SpecVector.AndMask => "and_mask",
        SpecVector.OrMask => "or_mask",
        SpecVector.WDisp => "wdisp",
        SpecVector.Sky => "sky",
        _ => "model",
    };

    public static bool IsMask(SpecVector v) => v is SpecVector.AndMask or SpecVector.OrMask;

    public static SpecVector? Parse(string name) => All.Cast<SpecVector?>().FirstOrDefault(v => Name(v!.Value).Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
}
