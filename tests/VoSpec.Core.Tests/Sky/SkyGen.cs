// Why this file exists: FsCheck generators of sky vectors, caps and convex polygons shared by the Core sky
// geometry property tests, and the runner that reports a counter-example (FsCheck.Xunit is not available here).
using FsCheck;
using FsCheck.Fluent;
using VoSpec.Core.Sky;

namespace VoSpec.Core.Tests.Sky;

/// <summary>A convex polygon inscribed in the circle of <see cref="Radius"/> degrees around <see cref="Centre"/>.</summary>
public sealed record ConvexCase(SkyVector Centre, double Radius, SkyPolygon Polygon)
{
    public override string ToString() =>
        $"centre ({Centre.Lon:R}, {Centre.Lat:R}) r={Radius:R}: {string.Join(" ", Polygon.Vertices.Select(v => $"({v.Lon:R}, {v.Lat:R})"))}";
}

public static class SkyGen
{
    public static void Check<T>(Gen<T> gen, Action<T> property, int maxTest = 500)
    {
        var prop = Prop.ForAll(gen.ToArbitrary(), property);
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), prop);
    }

    public static Gen<double> Uniform(double lo, double hi) =>
        Gen.Choose(0, 1_000_000).Select(i => lo + (hi - lo) * (i / 1_000_000.0));

    /// <summary>Uniform over the sphere (uniform z and longitude), with the poles and the 0°/360° seam now and then.</summary>
    public static readonly Gen<SkyVector> Vector = Gen.Frequency(
        (9, from lon in Uniform(0, 360) from z in Uniform(-1, 1) select SkyVector.FromLonLat(lon, Math.Asin(z) * 180 / Math.PI)),
        (1, Gen.Elements(SkyVector.FromLonLat(0, 90), SkyVector.FromLonLat(0, -90), SkyVector.FromLonLat(0, 0), SkyVector.FromLonLat(359.9999, 0.5))));

    public static readonly Gen<SphericalCap> Cap =
        from c in Vector
        from r in Gen.Frequency((4, Uniform(0, 10)), (4, Uniform(0, 180)), (1, Gen.Elements(0.0, 90.0, 180.0)))
        select new SphericalCap(c.Lon, c.Lat, r);

    /// <summary>The point <paramref name="degrees"/> away from <paramref name="c"/> in the direction of bearing <paramref name="bearing"/> (radians).</summary>
    public static SkyVector Offset(SkyVector c, double degrees, double bearing)
    {
        var (u, w) = Basis(c);
        double r = degrees * Math.PI / 180;
        return (Math.Cos(r) * c + Math.Sin(r) * (Math.Cos(bearing) * u + Math.Sin(bearing) * w)).Normalized;
    }

    /// <summary>Two unit vectors orthogonal to c and to each other.</summary>
    public static (SkyVector U, SkyVector W) Basis(SkyVector c)
    {
        var helper = Math.Abs(c.Z) < 0.9 ? new SkyVector(0, 0, 1) : new SkyVector(1, 0, 0);
        var u = c.Cross(helper).Normalized;
        return (u, c.Cross(u).Normalized);
    }

    /// <summary>A point anywhere in the cap (uniform in bearing and in angular distance).</summary>
    public static Gen<SkyVector> InCap(SphericalCap cap) =>
        from d in Uniform(0, 1)
        from b in Uniform(0, 2 * Math.PI)
        select Offset(cap.Centre, d * cap.RadiusDeg, b);

    /// <summary>3 to 9 vertices on a circle of radius 0.01° to 80°, in angular order (so convex), in either direction.</summary>
    public static readonly Gen<ConvexCase> Convex =
        from c in Vector
        from radius in Gen.Frequency((1, Uniform(0.01, 1)), (3, Uniform(1, 80)))
        from n in Gen.Choose(3, 9)
        from start in Uniform(0, 2 * Math.PI)
        from jitter in Gen.ArrayOf(Uniform(-0.2, 0.2), n)
        from reversed in Gen.Elements(false, true)
        select MakeConvex(c, radius, start, jitter, reversed);

    private static ConvexCase MakeConvex(SkyVector c, double radius, double start, double[] jitter, bool reversed)
    {
        int n = jitter.Length;
        double step = 2 * Math.PI / n;
        var v = Enumerable.Range(0, n).Select(k => Offset(c, radius, start + step * (k + jitter[k]))).ToList();
        if (reversed) v.Reverse();
        return new ConvexCase(c, radius, new SkyPolygon(v));
    }

    /// <summary>A point inside a convex polygon: a positive mix of its vertices, pushed back onto the sphere.</summary>
    public static Gen<SkyVector> InConvex(SkyPolygon p) =>
        Gen.ArrayOf(Uniform(0.01, 1), p.Vertices.Count).Select(w =>
            p.Vertices.Select((v, i) => w[i] * v).Aggregate(new SkyVector(0, 0, 0), (s, x) => s + x).Normalized);
}
