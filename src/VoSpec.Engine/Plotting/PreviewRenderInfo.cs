// Why this file exists: callers (tests, image maps, the server's logs) sometimes need to know where the plot
// landed — the plot area in device pixels and the data ranges the axes show — without decoding the PNG.
namespace VoSpec.Engine.Plotting;

/// <summary>The device-pixel rectangle of the plot area: columns [Left, Left+Width), rows [Top, Top+Height); the frame surrounds it.</summary>
public readonly record struct PlotArea(int Left, int Top, int Width, int Height)
{
    public int Right => Left + Width;
    public int Bottom => Top + Height;
}

/// <summary>Where a render put things.</summary>
public sealed record PreviewRenderInfo
{
    public required PreviewSize Size { get; init; }
    public required PlotArea Area { get; init; }
    /// <summary>The x axis: wavelength (Å) at the plot area's left and right edges.</summary>
    public required double WavelengthMin { get; init; }
    public required double WavelengthMax { get; init; }
    /// <summary>The y axis: flux at the plot area's bottom and top edges (robust percentiles plus padding).</summary>
    public required double FluxMin { get; init; }
    public required double FluxMax { get; init; }
    /// <summary>Pixels drawn (finite, unmasked) out of <see cref="TotalPixels"/>; 0 shows the "no valid pixels" note.</summary>
    public required int ValidPixels { get; init; }
    public required int TotalPixels { get; init; }

    /// <summary>Device x (fractional column) of a wavelength.</summary>
    public double XOf(double wavelength) =>
        Area.Left + (wavelength - WavelengthMin) / (WavelengthMax - WavelengthMin) * Area.Width;

    /// <summary>Device y (fractional row) of a flux value.</summary>
    public double YOf(double flux) =>
        Area.Top + (FluxMax - flux) / (FluxMax - FluxMin) * Area.Height;
}
