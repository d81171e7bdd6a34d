using Xunit;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Tests;

/// <summary>Small hand-made spectra for archive tests that must not depend on the generator.</summary>
internal static class TestSpectra
{
    /// <summary>Writes <paramref name="spectra"/> into <paramref name="collection"/> as one batch, through the catalogue writer.</summary>
    public static void Store(SpectrumArchive archive, string collection, IEnumerable<Spectrum> spectra)
    {
        using var w = archive.OpenWriter(collection, collection, 0);
        w.WriteBatch(spectra.Select(s => new VoSpec.Archive.Catalogue.CatalogueItem(s, null, 200_000, "test")).ToList());
    }

    public static Spectrum Make(long specObjId, int plate, int fiber, double ra, double dec, int npix = 50, bool explicitGrid = false, bool withOptional = true)
    {
        var flux = new float[npix];
        for (int i = 0; i < npix; i++) flux[i] = (float)(specObjId % 97 + i * 0.25);
        WavelengthGrid grid = explicitGrid
            ? new ExplicitGrid(Enumerable.Range(0, npix).Select(i => 4000.0 + i * 1.5 + i * i * 0.001).ToArray())
            : new LogLinearGrid(3.58 + (specObjId % 7) * 1e-4, 1e-4, npix);
        return new Spectrum
        {
            Meta = new SpectrumMeta
            {
                SpecObjId = specObjId, Plate = plate, Mjd = 55000, FiberId = fiber, Ra = ra, Dec = dec,
                Z = 0.1, Class = "GALAXY", Run2d = "26", ExpTime = 2700, Instrument = "SDSS",
            },
            Arrays = new SpectrumArrays
            {
                Grid = grid,
                Flux = flux,
                Ivar = withOptional ? flux.Select(f => 1f / (1 + f)).ToArray() : null,
                AndMask = withOptional ? Enumerable.Range(0, npix).Select(i => i % 13 == 0 ? 1 << 23 : 0).ToArray() : null,
                OrMask = withOptional ? Enumerable.Range(0, npix).Select(i => i % 11 == 0 ? 4 : 0).ToArray() : null,
                WDisp = withOptional ? Enumerable.Repeat(1.1f, npix).ToArray() : null,
                Sky = withOptional ? flux.Select(f => f * 0.5f).ToArray() : null,
                Model = null,
            },
        };
    }
}
