namespace VoSpec.Core.Sky;

/// <summary>
/// The minor great-circle arc from <see cref="A"/> to <see cref="B"/>: a polygon's edge. Distances to it and
/// crossings between two of them decide every polygon predicate (containment of caps and polygons, overlaps).
/// </summary>
public readonly record struct SkyArc(SkyVector A, SkyVector B)
{
    /// <summary>Angular distance (degrees) from p to the nearest point of the arc.</summary>
    public double DistanceTo(SkyVector p)
    {
        var n = A.Cross(B);
        if (n.Norm < 1e-15) return Math.Min(p.AngleTo(A), p.AngleTo(B));
        n = n.Normalized;
        // Projection of p on the great circle; inside the arc when it lies between A and B.
        var proj = p - p.Dot(n) * n;
        if (proj.Norm > 1e-15)
        {
            proj = proj.Normalized;
            if (A.Cross(proj).Dot(n) >= 0 && proj.Cross(B).Dot(n) >= 0)
                return Math.Abs(90 - p.AngleTo(n));
        }
        return Math.Min(p.AngleTo(A), p.AngleTo(B));
    }

    /// <summary>Angular distance (degrees) from p to the farthest point of the arc: 180° less the nearest distance from −p.</summary>
    public double MaxDistanceTo(SkyVector p) =>
        Math.Max(Math.Max(p.AngleTo(A), p.AngleTo(B)), 180 - DistanceTo(-1 * p));

    /// <summary>Whether this arc and <paramref name="other"/> cross (or touch).</summary>
    public bool Crosses(SkyArc other)
    {
        var n1 = A.Cross(B);
        var n2 = other.A.Cross(other.B);
        var x = n1.Cross(n2);
        if (x.Norm < 1e-15) return false;
        x = x.Normalized;
        foreach (var candidate in new[] { x, -1 * x })
            if (OnArc(candidate, A, B, n1) && OnArc(candidate, other.A, other.B, n2)) return true;
        return false;
        static bool OnArc(SkyVector p, SkyVector s, SkyVector e, SkyVector n) => s.Cross(p).Dot(n) >= -1e-15 && p.Cross(e).Dot(n) >= -1e-15;
    }
}
