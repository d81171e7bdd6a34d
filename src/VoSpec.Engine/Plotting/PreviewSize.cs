// Why this file exists: DataLink #preview and the spec service ask for a thumbnail or a full plot, or for an
// explicit width×height; this value names the presets, bounds arbitrary sizes, and spells sizes in cache keys.
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VoSpec.Engine.Plotting;

/// <summary>The pixel size of a preview image (<see cref="Min"/>..<see cref="Max"/> on each side).</summary>
public readonly record struct PreviewSize
{
    public const int Min = 64;
    public const int Max = 4000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless both sides are in <see cref="Min"/>..<see cref="Max"/>.</summary>
    public PreviewSize(int width, int height)
    {
        if (width is < Min or > Max)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"preview width must be {Min}..{Max} pixels");
        if (height is < Min or > Max)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"preview height must be {Min}..{Max} pixels");
        Width = width;
        Height = height;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>320×200: compact fonts, no axis titles (lists, grids of spectra).</summary>
    public static PreviewSize Thumbnail => new(320, 200);

    /// <summary>1000×500: axis titles, grid lines (DataLink #preview).</summary>
    public static PreviewSize Full => new(1000, 500);

    public static bool IsValid(int width, int height) => width is >= Min and <= Max && height is >= Min and <= Max;

    /// <summary>"thumbnail", "full" (any case) or "WIDTHxHEIGHT" such as "640x400"; false for anything else or out of bounds.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out PreviewSize size)
    {
        size = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.Equals("thumbnail", StringComparison.OrdinalIgnoreCase)) { size = Thumbnail; return true; }
        if (text.Equals("full", StringComparison.OrdinalIgnoreCase)) { size = Full; return true; }
        int x = text.IndexOfAny(['x', 'X', '×']);
        if (x <= 0) return false;
        if (!int.TryParse(text.AsSpan(0, x), NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            || !int.TryParse(text.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            || !IsValid(w, h))
            return false;
        size = new PreviewSize(w, h);
        return true;
    }

    /// <summary>"WIDTHxHEIGHT", e.g. "320x200" (also the size part of cache file names).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");
}
