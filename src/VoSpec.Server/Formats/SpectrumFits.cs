// Why this file exists: SdssSpecWriter's plain spec-lite layout has only a loglam axis, and clients that look for
// the spectral axis by column name (pyvo's scenarios, TOPCAT's SED heuristics) find none. The server's one FITS form
// (SODA, DataLink's #this, getSpec's format=FITS) is the same SDSS layout (specutils still identifies it: TELESCOP,
// FIBERID, TTYPE3=ivar), written by SdssSpecWriter straight from a cutout view of the pixel store, with the
// "wavelength" COADD column and cards saying which pixels were cut out; this adds those options and the exact file
// length, computed from the headers rather than by writing the file. DESI and LAMOST spectra carry their own
// TELESCOP (so specutils reads them as plain tables, not as SDSS files) and LAMOST's relative flux no physical TUNIT.
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using VoSpec.Archive.Catalogue;
using VoSpec.Core.Spectra;
using VoSpec.Engine;
using VoSpec.Fits;
using VoSpec.Fits.Sdss;

namespace VoSpec.Server.Formats;

/// <summary>A spectrum (or a cutout of it) as an SDSS spec-lite style FITS file plus a wavelength column.</summary>
public static class SpectrumFits
{
    public const string ContentType = "application/fits";

    private static readonly ConcurrentDictionary<string, long> s_overhead = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The size of the file for <paramref name="pixels"/> pixels from what {links} knows of a spectrum (no catalogue
    /// row): computed, not written, by <see cref="SdssSpecWriter.LiteLength"/> for a spectrum of the instrument —
    /// headers and the one-row catalogue HDU take a fixed number of 2880-byte blocks per instrument (every optional card
    /// fits in the primary header's one block), the COADD data grows with the pixels.
    /// </summary>
    public static long Length(int pixels, string instrument) => s_overhead.GetOrAdd(instrument, Overhead) + CoaddBytes(pixels);

    /// <summary>The exact size of the file <see cref="Write"/> writes for these arguments, computed.</summary>
    public static long Length(SpectrumMeta meta, SpectrumCutout view, string did) =>
        SdssSpecWriter.LiteLength(meta, view.Source.Grid, view.Range.Start, view.Count, Options(meta, view.Range.Start, view.Source.Count, did));

    private static long CoaddBytes(int pixels) =>
        (s_rowBytes * (long)pixels + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;

    private static readonly int s_rowBytes = new SdssLiteOptions { WavelengthColumn = true }.CoaddRowBytes;

    private static long Overhead(string instrument)
    {
        var meta = new SpectrumMeta { SpecObjId = 1, Plate = 1, Mjd = 50000, FiberId = 1, Ra = 0, Dec = 0, Instrument = instrument, Run2d = "26", Run1d = "26", ExpTime = 1, TMin = 1, TMax = 2 };
        return SdssSpecWriter.LiteLength(meta, new LogLinearGrid(3.5, 1e-4, 1), 0, 1, Options(meta, 0, 1, "ivo://x/y?1")) - CoaddBytes(1);
    }

    /// <summary>
    /// Writes the file as a response body with its Content-Length: built in memory (FitsWriter writes synchronously; a
    /// spectrum is a few hundred KB), then sent asynchronously.
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, SpectrumMeta meta, SpectrumCutout view, string did, CancellationToken ct)
    {
        // Sized from the per-instrument computation (cached): the exact one builds three headers, which a response need not.
        using var buffer = new MemoryStream(checked((int)Length(view.Count, meta.Instrument)));
        Write(meta, view, did, buffer);
        response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(response.Body, ct);
    }

    /// <summary>Writes the file to <paramref name="output"/> synchronously (callers buffer it for a response body).</summary>
    public static void Write(SpectrumMeta meta, SpectrumCutout view, string did, Stream output) =>
        SdssSpecWriter.WriteLite(meta, view.Source, view.Range.Start, view.Count, output, Options(meta, view.Range.Start, view.Source.Count, did));

    private static SdssLiteOptions Options(SpectrumMeta meta, int start, int total, string did)
    {
        var survey = SurveyFacts.Of(meta.Instrument);
        return new()
        {
            WavelengthColumn = true,
            Telescope = survey.Telescope,
            RelativeFlux = !survey.AbsoluteFlux,
            AddPrimaryCards = h => AddCards(h, start, total, did),
        };
    }

    // The publisher DID is too long for one card in general; the pixel range says what was cut out.
    private static void AddCards(FitsHeader h, int start, int total, string did)
    {
        h.Add("PIX0", (long)start, "first pixel of the archived spectrum (0-based)");
        h.Add("NPIXTOT", (long)total, "pixels in the archived spectrum");
        if (did.Length <= 68) h.Add("DID", did, "publisher dataset identifier");
    }
}
