// Why this file exists: previews are drawn straight from the memory-mapped pixel store (PixelData hands out spans),
// so the renderer's input is a ref struct of spans, not arrays; helpers build it from arrays, cutouts and metadata.
using System.Globalization;
using VoSpec.Core.Spectra;

namespace VoSpec.Engine.Plotting;

/// <summary>
/// What one preview shows: the wavelength grid (Å), the flux, and optionally the model, the inverse variance and the
/// AND mask. An empty optional span means "not provided". A pixel is masked (the flux line breaks there) when its flux
/// or wavelength is not finite, its ivar is 0 (or negative/NaN), or its and_mask is non-zero. The spans must stay valid
/// while a render runs (for <c>PixelData</c>: while the pixel store is open).
/// </summary>
public readonly ref struct PreviewInput
{
    public PreviewInput(WavelengthGrid grid, ReadOnlySpan<float> flux, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Grid = grid;
        Flux = flux;
        Title = title ?? "";
    }

    public WavelengthGrid Grid { get; }
    public ReadOnlySpan<float> Flux { get; }
    /// <summary>Drawn over the flux in another colour wherever it is finite (masks do not apply to it).</summary>
    public ReadOnlySpan<float> Model { get; init; }
    public ReadOnlySpan<float> Ivar { get; init; }
    public ReadOnlySpan<int> AndMask { get; init; }
    /// <summary>Shown at the top (shortened with "…" when too wide); <see cref="TitleFor"/> makes the usual one.</summary>
    public string Title { get; init; }

    /// <summary>All vectors of <paramref name="arrays"/>; the title defaults to none.</summary>
    public static PreviewInput From(SpectrumArrays arrays, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        return new PreviewInput(arrays.Grid, arrays.Flux, title)
        {
            Model = arrays.Model, Ivar = arrays.Ivar, AndMask = arrays.AndMask,
        };
    }

    /// <summary>A spectrum with its catalogue title (<see cref="TitleFor"/>).</summary>
    public static PreviewInput From(Spectrum spectrum)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        return From(spectrum.Arrays, TitleFor(spectrum.Meta));
    }

    /// <summary>The pixels of a cutout, without copying them.</summary>
    public static PreviewInput From(SpectrumCutout cutout, string? title = null) =>
        new(cutout.Grid, cutout.Flux, title)
        {
            Model = cutout.Model, Ivar = cutout.Ivar, AndMask = cutout.AndMask,
        };

    /// <summary>"PLATE-MJD-FIBER  CLASS  z = 0.12345", e.g. "0266-51602-0003  GALAXY  z = 0.02127".</summary>
    public static string TitleFor(SpectrumMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var parts = new List<string>(3) { meta.ObsId };
        if (!string.IsNullOrWhiteSpace(meta.Class)) parts.Add(meta.Class.Trim());
        if (double.IsFinite(meta.Z)) parts.Add(string.Create(CultureInfo.InvariantCulture, $"z = {meta.Z:0.00000}"));
        return string.Join("  ", parts);
    }
}
