// Why this file exists: the landing page shows where on the sky the archive's spectra lie. The archive keeps each
// collection's coverage as a MOC at ingest, so the map is drawn from those cells (never from the catalogue's rows),
// in Mollweide's equal-area projection so that covered areas compare truly, with Cairo like every other plot here.
using VoSpec.Core.Sky;

namespace VoSpec.Engine.Plotting;

/// <summary>
/// Renders a MOC as a Mollweide all-sky PNG (ICRS; RA 180° at the centre, increasing to the left as on the sky), with a
/// 30°/60° graticule. Safe to call from many threads at once; never throws for an empty MOC (an empty sky is drawn).
/// </summary>
public static class SkyMapPlot
{
    /// <summary>The deepest HEALPix order drawn: a cell stays a few pixels wide, so that a small field is still seen.</summary>
    public const int MaxDrawOrder = 8;

    public static byte[] RenderPng(Moc moc, int width)
    {
        ArgumentNullException.ThrowIfNull(moc);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 2048);
        int height = width / 2;
        // Cells of at least ~3 pixels: 4·2^order cells span the equator's width.
        int order = Math.Clamp((int)Math.Floor(Math.Log2(width / 12.0)), 0, Math.Min(MaxDrawOrder, moc.MaxOrder));
        var sampled = moc.MaxOrder > order ? moc.Degrade(order) : moc;
        // Mollweide's ellipse spans x in [-2√2, 2√2], y in [-√2, √2]; a margin keeps the outline inside the image.
        double margin = 4, scale = (width - 2 * margin) / (4 * Math.Sqrt(2)), cx = width / 2.0, cy = height / 2.0;
        using var surface = Cairo.ImageSurfaceCreate(Cairo.FormatRgb24, width, height);
        Cairo.ThrowIfError(surface);
        using (var cr = Cairo.Create(surface))
        {
            Cairo.ThrowIfError(cr);
            Cairo.SetSourceRgb(cr, 1, 1, 1);
            Cairo.Paint(cr);
            // Sky background and covered pixels, each as horizontal runs of pixels (one rectangle per run).
            Cairo.SetSourceRgb(cr, 0.93, 0.95, 0.98);
            Runs(width, height, (x, y) => Inverse(x, y, cx, cy, scale) is not null, (x0, x1, y) => Cairo.Rectangle(cr, x0, y, x1 - x0, 1));
            Cairo.Fill(cr);
            if (!sampled.IsEmpty)
            {
                Cairo.SetSourceRgb(cr, 0.11, 0.35, 0.75);
                Runs(width, height, (x, y) => Inverse(x, y, cx, cy, scale) is { } p && sampled.Contains(order, Healpix.NestedIndex(order, p.Ra, p.Dec)),
                    (x0, x1, y) => Cairo.Rectangle(cr, x0, y, x1 - x0, 1));
                Cairo.Fill(cr);
            }
            DrawGraticule(cr, cx, cy, scale);
            Cairo.ThrowIfError(cr);
        }
        var output = new MemoryStream();
        Cairo.WritePng(surface, output);
        return output.ToArray();
    }

    /// <summary>(RA, Dec) in degrees at a pixel's centre; null outside the ellipse.</summary>
    public static (double Ra, double Dec)? Inverse(int px, int py, double cx, double cy, double scale)
    {
        double x = (px + 0.5 - cx) / scale, y = (cy - py - 0.5) / scale;
        double s = y / Math.Sqrt(2);
        if (Math.Abs(s) >= 1) return null;
        double theta = Math.Asin(s), cos = Math.Cos(theta);
        double lon = Math.PI * x / (2 * Math.Sqrt(2) * cos);
        if (Math.Abs(lon) > Math.PI) return null;
        double lat = Math.Asin(Math.Clamp((2 * theta + Math.Sin(2 * theta)) / Math.PI, -1, 1));
        double ra = 180 - lon * 180 / Math.PI;
        if (ra >= 360) ra -= 360;
        if (ra < 0) ra += 360;
        return (ra, lat * 180 / Math.PI);
    }

    /// <summary>Image position of (RA, Dec) in degrees (forward Mollweide, Newton's iteration for the auxiliary angle).</summary>
    public static (double X, double Y) Forward(double ra, double dec, double cx, double cy, double scale)
    {
        double lon = (180 - ra) * Math.PI / 180, lat = dec * Math.PI / 180, theta = lat;
        if (Math.Abs(Math.Abs(lat) - Math.PI / 2) > 1e-9)
            for (int i = 0; i < 20; i++)
            {
                double f = 2 * theta + Math.Sin(2 * theta) - Math.PI * Math.Sin(lat), d = 2 + 2 * Math.Cos(2 * theta);
                double step = f / d;
                theta -= step;
                if (Math.Abs(step) < 1e-10) break;
            }
        return (cx + scale * 2 * Math.Sqrt(2) / Math.PI * lon * Math.Cos(theta), cy - scale * Math.Sqrt(2) * Math.Sin(theta));
    }

    private static void Runs(int width, int height, Func<int, int, bool> inside, Action<int, int, int> run)
    {
        for (int y = 0; y < height; y++)
        {
            int start = -1;
            for (int x = 0; x <= width; x++)
            {
                bool on = x < width && inside(x, y);
                if (on && start < 0) start = x;
                else if (!on && start >= 0) { run(start, x, y); start = -1; }
            }
        }
    }

    private static void DrawGraticule(ContextHandle cr, double cx, double cy, double scale)
    {
        Cairo.SetSourceRgb(cr, 0.55, 0.58, 0.62);
        Cairo.SetLineWidth(cr, 0.6);
        for (int ra = 0; ra <= 360; ra += 60)
        {
            double r = ra == 360 ? 359.999 : ra == 0 ? 0.001 : ra;
            for (int dec = -90; dec <= 90; dec += 2)
            {
                var (x, y) = Forward(r, dec, cx, cy, scale);
                if (dec == -90) Cairo.MoveTo(cr, x, y); else Cairo.LineTo(cr, x, y);
            }
        }
        for (int dec = -60; dec <= 60; dec += 30)
        {
            for (int ra = 0; ra <= 360; ra += 3)
            {
                var (x, y) = Forward(Math.Clamp(ra, 0.001, 359.999), dec, cx, cy, scale);
                if (ra == 0) Cairo.MoveTo(cr, x, y); else Cairo.LineTo(cr, x, y);
            }
        }
        Cairo.Stroke(cr);
        Cairo.SelectFontFace(cr, SpectrumPlot.FontFamily, Cairo.FontSlantNormal, Cairo.FontWeightNormal);
        Cairo.SetFontSize(cr, Math.Clamp(scale * 0.09, 8, 13));
        for (int ra = 60; ra < 360; ra += 60)
        {
            var (x, y) = Forward(ra, 0, cx, cy, scale);
            Cairo.MoveTo(cr, x + 2, y - 3);
            Cairo.ShowText(cr, ra + "°");
        }
    }
}
