namespace VoSpec.Core.Sky;

/// <summary>
/// HEALPix indexes in the NESTED scheme (Górski et al. 2005, ApJ 622, 759), the scheme TAP services give
/// <c>ivo_healpix_index</c>: the sphere is cut into 12 base pixels, each split into 4^order, nside = 2^order.
/// Written from the paper's equations: equatorial belt |z| ≤ 2/3, polar caps beyond it.
/// </summary>
public static class Healpix
{
    /// <summary>The deepest order whose indexes fit a 64-bit integer (12 · 4^29 &lt; 2^63).</summary>
    public const int MaxOrder = 29;

    /// <summary>The NESTED index of the pixel holding (lon, lat) in degrees at <paramref name="order"/>.</summary>
    public static long NestedIndex(int order, double lon, double lat)
    {
        if (order is < 0 or > MaxOrder)
            throw new InvalidSkyGeometryException($"HEALPix order {order} is outside 0 to {MaxOrder}");
        SkyRules.CheckPosition(lon, lat);
        long nside = 1L << order;
        double z = Math.Sin(lat * Math.PI / 180);
        double phi = lon % 360;
        if (phi < 0) phi += 360;
        double tt = phi / 90; // in [0, 4)
        if (tt >= 4) tt = 0;
        double za = Math.Abs(z);
        long face, ix, iy;
        if (za <= 2.0 / 3)
        {
            // Equatorial belt: the two families of edge lines crossing at the point.
            double t1 = nside * (0.5 + tt), t2 = nside * (z * 0.75);
            long jp = (long)(t1 - t2), jm = (long)(t1 + t2);
            long ifp = jp >> order, ifm = jm >> order;
            face = ifp == ifm ? (ifp | 4) : ifp < ifm ? ifp : ifm + 8;
            ix = jm & (nside - 1);
            iy = nside - (jp & (nside - 1)) - 1;
        }
        else
        {
            // Polar caps: distance from the pole measured as nside·sqrt(3(1 − |z|)).
            long ntt = Math.Min(3, (long)tt);
            double tp = tt - ntt;
            double tmp = nside * Math.Sqrt(3 * (1 - za));
            long jp = Math.Min(nside - 1, (long)(tp * tmp));
            long jm = Math.Min(nside - 1, (long)((1 - tp) * tmp));
            if (z >= 0) { face = ntt; ix = nside - jm - 1; iy = nside - jp - 1; }
            else { face = ntt + 8; ix = jp; iy = jm; }
        }
        return (face << (2 * order)) + Interleave(ix) + (Interleave(iy) << 1);
    }

    /// <summary>The bits of v spread to the even bit positions (…b2 b1 b0 → …0 b2 0 b1 0 b0).</summary>
    private static long Interleave(long v)
    {
        ulong x = (ulong)v & 0xFFFFFFFFUL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        x = (x | (x << 1)) & 0x5555555555555555UL;
        return (long)x;
    }
}
