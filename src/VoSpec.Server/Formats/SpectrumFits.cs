// Why this file exists: SdssSpecWriter's plain spec-lite layout has only a loglam axis, and clients that look for
// the spectral axis by column name (pyvo's scenarios, TOPCAT's SED heuristics) find none. The server's FITS form
// is the same SDSS layout (specutils still identifies it: TELESCOP, FIBERID, TTYPE3=ivar), written by
// SdssSpecWriter straight from a cutout view of the pixel store, with the "wavelength" COADD column and cards
// saying which pixels were cut out; this adds those options and the exact file length.
using Microsoft.AspNetCore.Http;
using VoSpec.Core.Spectra;
using VoSpec.Engine;
using VoSpec.Fits;
using VoSpec.Fits.Sdss;

namespace VoSpec.Server.Formats;

/// <summary>A spectrum (or a cutout of it) as an SDSS spec-lite style FITS file plus a wavelength column.</summary>
public static class SpectrumFits
{
    public const string ContentType = "application/fits";

    private static readonly int s_rowWidth = new SdssLiteOptions { WavelengthColumn = true }.CoaddRowBytes;

    private static readonly Lazy<long> s_sdssOverhead = new(() => MeasureOverhead("SDSS"));
    private static readonly Lazy<long> s_bossOverhead = new(() => MeasureOverhead("BOSS"));

    /// <summary>
    /// The exact size of the file for <paramref name="pixels"/> pixels, without writing it: headers and the one-row
    /// catalogue HDU have a fixed number of blocks per instrument (measured once), the COADD data grows with the pixels.
    /// </summary>
    public static long Length(int pixels, string instrument) =>
        (instrument.Equals("BOSS", StringComparison.OrdinalIgnoreCase) ? s_bossOverhead : s_sdssOverhead).Value + Pad((long)s_rowWidth * pixels);

    private static long Pad(long n) => (n + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;

    private static long MeasureOverhead(string instrument)
    {
        var meta = new SpectrumMeta { SpecObjId = 1, Plate = 1, Mjd = 50000, FiberId = 1, Ra = 0, Dec = 0, Instrument = instrument, Run2d = "26", Run1d = "26", ExpTime = 1, TMin = 1, TMax = 2 };
        var arrays = new SpectrumArrays { Grid = new LogLinearGrid(3.5, 1e-4, 1), Flux = [0f] };
        using var counter = new MemoryStream();
        Write(meta, new SpectrumCutout(arrays, PixelRange.All(1)), "ivo://x/y?1", counter);
        return counter.Length - Pad(s_rowWidth);
    }

    /// <summary>
    /// Writes the file as a response body with its Content-Length: built in memory (FitsWriter writes synchronously; a
    /// spectrum is a few hundred KB), then sent asynchronously.
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, SpectrumMeta meta, SpectrumCutout view, string did, CancellationToken ct)
    {
        using var buffer = new MemoryStream(checked((int)Length(view.Count, meta.Instrument)));
        Write(meta, view, did, buffer);
        response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(response.Body, ct);
    }

    /// <summary>Writes the file to <paramref name="output"/> synchronously (callers buffer it for a response body).</summary>
    public static void Write(SpectrumMeta meta, SpectrumCutout view, string did, Stream output) =>
        SdssSpecWriter.WriteLite(meta, view.Source, view.Range.Start, view.Count, output, new SdssLiteOptions
        {
            WavelengthColumn = true,
            AddPrimaryCards = h =>
            {
                // The publisher DID is too long for one card in general; the pixel range says what was cut out.
                h.Add("PIX0", (long)view.Range.Start, "first pixel of the archived spectrum (0-based)");
                h.Add("NPIXTOT", (long)view.Source.Count, "pixels in the archived spectrum");
                if (did.Length <= 68) h.Add("DID", did, "publisher dataset identifier");
            },
        });
}
