using VoSpec.Core.Spectra;
using VoSpec.Engine;
using VoSpec.Server.Formats;
using Xunit;

namespace VoSpec.Server.Tests.Formats;

/// <summary>
/// The FITS sizes DataLink announces (content_length of #this) and SODA sends (Content-Length) are computed from the
/// headers, never by writing the file: they must equal what the writer then writes, for every shape of spectrum.
/// </summary>
public class SpectrumFitsLengthTests
{
    public static TheoryData<string, int, bool, int, int> Cases => new()
    {
        // instrument, pixels, optional metadata present, cutout start, cutout length (0: whole)
        { "SDSS", 1, true, 0, 0 },
        { "SDSS", 3841, true, 0, 0 },
        { "SDSS", 3841, false, 100, 17 },
        { "BOSS", 4623, true, 0, 0 },
        { "BOSS", 4623, false, 4000, 623 },
        { "BOSS", 71, true, 5, 60 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Computed_length_is_the_written_length(string instrument, int pixels, bool optional, int start, int count)
    {
        var meta = new SpectrumMeta
        {
            SpecObjId = 299489677444933632, Plate = 266, Mjd = 51602, FiberId = 13, Ra = 146.71, Dec = -1.04, Instrument = instrument,
            Class = optional ? "GALAXY" : "", Subclass = optional ? "STARFORMING BROADLINE" : "", Run2d = optional ? "v5_13_2" : "",
            Run1d = optional ? "v5_13_2" : "", ExpTime = optional ? 2700 : null, TMin = optional ? 51602.1 : null, TMax = optional ? 51602.2 : null,
        };
        var arrays = new SpectrumArrays
        {
            Grid = new LogLinearGrid(3.5786, 1e-4, pixels), Flux = new float[pixels], Ivar = new float[pixels], AndMask = new int[pixels],
        };
        var view = new SpectrumCutout(arrays, count == 0 ? PixelRange.All(pixels) : new PixelRange(start, count));
        foreach (var did in new[] { "ivo://vospec.local/sdss?299489677444933632", "ivo://a.very.long.authority.example.org/a_long_collection_name?299489677444933632" })
        {
            using var written = new MemoryStream();
            SpectrumFits.Write(meta, view, did, written);
            Assert.Equal(written.Length, SpectrumFits.Length(meta, view, did));
            Assert.Equal(0, written.Length % 2880);
        }
        // What {links} announces knows only the pixel count and the instrument.
        using (var whole = new MemoryStream())
        {
            SpectrumFits.Write(meta, new SpectrumCutout(arrays, PixelRange.All(pixels)), "ivo://vospec.local/sdss?1", whole);
            Assert.Equal(whole.Length, SpectrumFits.Length(pixels, instrument));
        }
    }
}
