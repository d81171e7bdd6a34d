using VoSpec.Core.Spectra;
using VoSpec.Engine;

using VoSpec.Server.Formats;

namespace VoSpec.Server.Soda;

/// <summary>
/// What a SODA request keeps of one 1-D spectrum: the pixels inside BAND (through <see cref="Cutout"/>), provided the
/// fibre aperture overlaps every spatial constraint, the exposure overlaps TIME, and POL asks for a state present (I).
/// Null means no overlap.
/// </summary>
public static class SodaCutout
{
    public static PixelRange? Select(SodaRequest request, Dataset dataset, WavelengthGrid grid)
    {
        foreach (var region in request.Regions)
            if (!region.OverlapsCircle(dataset.Ra, dataset.Dec, dataset.ApertureRadius)) return null;
        if (request.Time is { } t)
        {
            if (dataset.TMin is not double lo || dataset.TMax is not double hi || !t.Overlaps(lo, hi)) return null;
        }
        // Fibre spectra are unpolarised: total intensity is the only state present.
        if (request.Pol.Count > 0 && !request.Pol.Contains("I", StringComparer.OrdinalIgnoreCase)) return null;

        if (request.Band is not { } band) return PixelRange.All(grid.Count);
        var interval = WavelengthInterval.FromMetres(band.Lo, band.Hi);
        if (band.IsScalar) return Nearest(grid, interval.Min);
        return Cutout.Find(grid, interval).TryGetRange(out var range) ? range : null;
    }

    /// <summary>A scalar BAND: the one pixel nearest that wavelength, if it lies within the spectrum's extent.</summary>
    private static PixelRange? Nearest(WavelengthGrid grid, double wavelength)
    {
        if (grid.Count == 0 || wavelength < grid.First || wavelength > grid.Last) return null;
        int i = Cutout.FirstIndexWhere(grid, wavelength, strict: false);
        if (i == grid.Count || (i > 0 && wavelength - grid[i - 1] < grid[i] - wavelength)) i--;
        return new PixelRange(i, 1);
    }
}
