namespace VoSpec.Core.Sky;

/// <summary>An ICRS position in degrees.</summary>
public readonly record struct SkyPoint(double Ra, double Dec)
{
    /// <summary>The unit vector (x, y, z) the spatial index is built on.</summary>
    public SkyVector UnitVector => SkyVector.FromLonLat(Ra, Dec);

    /// <summary>Great-circle distance in degrees (haversine, accurate at small separations).</summary>
    public double DistanceTo(SkyPoint other)
    {
        double d2r = Math.PI / 180;
        double dDec = (other.Dec - Dec) * d2r, dRa = (other.Ra - Ra) * d2r;
        double a = Math.Sin(dDec / 2) * Math.Sin(dDec / 2)
                 + Math.Cos(Dec * d2r) * Math.Cos(other.Dec * d2r) * Math.Sin(dRa / 2) * Math.Sin(dRa / 2);
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(a))) / d2r;
    }
}
