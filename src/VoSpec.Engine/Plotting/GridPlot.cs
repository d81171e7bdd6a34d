// Why this file exists: the spec service's plotGrid answers one PNG holding many small spectrum plots. Each panel is
// an ordinary preview PNG (usually straight from the PreviewCache, so panels are shared with DataLink thumbnails);
// this composes them, row-major, onto one white surface.
namespace VoSpec.Engine.Plotting;

/// <summary>Composes preview PNGs into a grid image.</summary>
public static class GridPlot
{
    /// <summary>Largest grid image side (pixels).</summary>
    public const int MaxSide = PreviewSize.Max;

    /// <summary>The grid's pixel size for <paramref name="count"/> panels in <paramref name="columns"/> columns.</summary>
    public static (int Width, int Height) SizeOf(int count, int columns, PreviewSize panel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        int rows = (count + columns - 1) / columns;
        return (columns * panel.Width, rows * panel.Height);
    }

    /// <summary>
    /// Writes the grid PNG: panel i at column i % columns, row i / columns (top-left first). <paramref name="panelPng"/>
    /// returns panel i's PNG (any size; it is painted at its cell's top-left and clipped to the cell). Cells without a
    /// panel stay white. Throws <see cref="ArgumentOutOfRangeException"/> when the grid would exceed <see cref="MaxSide"/>.
    /// </summary>
    public static void Render(int count, int columns, PreviewSize panel, Func<int, byte[]> panelPng, Stream output)
    {
        ArgumentNullException.ThrowIfNull(panelPng);
        ArgumentNullException.ThrowIfNull(output);
        var (width, height) = SizeOf(count, columns, panel);
        if (width > MaxSide || height > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(count), $"a grid of {width}x{height} pixels exceeds {MaxSide} on a side");
        using var surface = Cairo.ImageSurfaceCreate(Cairo.FormatRgb24, width, height);
        Cairo.ThrowIfError(surface);
        using (var cr = Cairo.Create(surface))
        {
            Cairo.ThrowIfError(cr);
            Cairo.SetSourceRgb(cr, 1, 1, 1);
            Cairo.Paint(cr);
            for (int i = 0; i < count; i++)
            {
                int x = i % columns * panel.Width, y = i / columns * panel.Height;
                using var tile = Cairo.ReadPng(panelPng(i));
                Cairo.Save(cr);
                Cairo.Rectangle(cr, x, y, panel.Width, panel.Height);
                Cairo.Clip(cr);
                Cairo.SetSourceSurface(cr, tile, x, y);
                Cairo.Paint(cr);
                Cairo.Restore(cr);
            }
            // thin separators between cells
            Cairo.SetSourceRgb(cr, 0.75, 0.75, 0.75);
            Cairo.SetLineWidth(cr, 1);
            for (int c = 1; c < columns; c++) { Cairo.MoveTo(cr, c * panel.Width + 0.5, 0); Cairo.LineTo(cr, c * panel.Width + 0.5, height); }
            for (int r = 1; r * panel.Height < height; r++) { Cairo.MoveTo(cr, 0, r * panel.Height + 0.5); Cairo.LineTo(cr, width, r * panel.Height + 0.5); }
            Cairo.Stroke(cr);
            Cairo.ThrowIfError(cr);
        }
        Cairo.WritePng(surface, output);
    }
}
