// Why this file exists: stackedImage maps normalised values to colours; these are the maps it offers, as
// piecewise-linear approximations of matplotlib's, and their 256-entry palettes for indexed PNGs.
namespace VoSpec.Engine.Plotting;

/// <summary>Colour maps from [0, 1] to 0xRRGGBB: gray (grey), viridis, magma, hot, jet (matplotlib's look, piecewise linear).</summary>
public sealed class ColorMap
{
    private readonly (double R, double G, double B)[] _stops;

    private ColorMap(string name, params (double, double, double)[] stops) { Name = name; _stops = stops; }

    public string Name { get; }

    public static IReadOnlyList<string> Names { get; } = ["gray", "viridis", "magma", "hot", "jet"];

    /// <summary>The map by name (any case; "grey" and "greys" are gray); null when unknown.</summary>
    public static ColorMap? Find(string name) => name.Trim().ToLowerInvariant() switch
    {
        "gray" or "grey" or "greys_r" or "gray_r" => new("gray", (0, 0, 0), (1, 1, 1)),
        "viridis" => new("viridis", (0.267, 0.005, 0.329), (0.283, 0.141, 0.458), (0.254, 0.265, 0.530), (0.207, 0.372, 0.553),
            (0.164, 0.471, 0.558), (0.128, 0.567, 0.551), (0.135, 0.659, 0.518), (0.267, 0.749, 0.441), (0.478, 0.821, 0.318),
            (0.741, 0.873, 0.150), (0.993, 0.906, 0.144)),
        "magma" => new("magma", (0.001, 0.000, 0.014), (0.114, 0.065, 0.277), (0.317, 0.072, 0.485), (0.512, 0.128, 0.506),
            (0.716, 0.215, 0.475), (0.904, 0.320, 0.388), (0.990, 0.536, 0.382), (0.997, 0.766, 0.528), (0.987, 0.991, 0.750)),
        "hot" => new("hot", (0.0416, 0, 0), (1, 0, 0), (1, 1, 0), (1, 1, 1)),
        "jet" => new("jet", (0, 0, 0.5), (0, 0, 1), (0, 0.5, 1), (0, 1, 1), (0.5, 1, 0.5), (1, 1, 0), (1, 0.5, 0), (1, 0, 0), (0.5, 0, 0)),
        _ => null,
    };

    /// <summary>The colour of <paramref name="v"/> (clamped to [0, 1]; NaN is 0).</summary>
    public uint Rgb(double v)
    {
        if (!(v > 0)) v = 0;
        if (v > 1) v = 1;
        double t = v * (_stops.Length - 1);
        int i = Math.Min((int)t, _stops.Length - 2);
        double f = t - i;
        var (a, b) = (_stops[i], _stops[i + 1]);
        static uint C(double x) => (uint)Math.Clamp((int)Math.Round(x * 255), 0, 255);
        return C(a.R + (b.R - a.R) * f) << 16 | C(a.G + (b.G - a.G) * f) << 8 | C(a.B + (b.B - a.B) * f);
    }

    /// <summary>256 colours, entry i for value i/255 (as matplotlib's maps have 256 entries).</summary>
    public uint[] Palette()
    {
        var palette = new uint[256];
        for (int i = 0; i < 256; i++) palette[i] = Rgb(i / 255.0);
        return palette;
    }

    /// <summary>The palette index of <paramref name="v"/> in [0, 1] (clamped; NaN is 0).</summary>
    public static byte Index(float v) => v > 0 ? (byte)(Math.Min(v, 1f) * 255f + 0.5f) : (byte)0;
}
