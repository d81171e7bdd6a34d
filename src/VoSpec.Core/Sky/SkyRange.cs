namespace VoSpec.Core.Sky;

/// <summary>
/// A box of coordinates: longitudes <see cref="Lon1"/>..<see cref="Lon2"/> (through 0° when Lon1 &gt; Lon2; an
/// infinite end means all longitudes) and latitudes <see cref="Lat1"/>..<see cref="Lat2"/> in degrees — SODA's
/// POS=RANGE. Its edges are not great circles, so it is kept apart from <see cref="SkyPolygon"/>.
/// </summary>
public readonly record struct SkyRange(double Lon1, double Lon2, double Lat1, double Lat2)
{
    /// <summary>
    /// Whether <paramref name="cap"/> may overlap the range. The cap is widened to its longitude half-width at the
    /// latitude farthest from the equator it reaches, so the answer errs only towards overlap (near a pole everything
    /// does), never misses one.
    /// </summary>
    public bool Intersects(SphericalCap cap)
    {
        double ra = cap.Ra, dec = cap.Dec, radius = cap.RadiusDeg;
        if (dec + radius < Lat1 || dec - radius > Lat2) return false;
        if (double.IsInfinity(Lon1) || double.IsInfinity(Lon2) || Lon2 - Lon1 >= 360) return true;
        double c = Math.Cos(Math.Min(89.999, Math.Abs(dec) + radius) * Math.PI / 180);
        double dLon = Math.Min(180, radius / c);
        double lo = Norm(Lon1), hi = Norm(Lon2), x = Norm(ra);
        double width = lo <= hi ? hi - lo : hi + 360 - lo;
        double offset = Norm(x - lo);
        return offset <= width + dLon || offset >= 360 - dLon;
    }

    private static double Norm(double lon) => ((lon % 360) + 360) % 360;
}
