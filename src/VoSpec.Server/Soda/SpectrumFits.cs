// Why this file exists: SdssSpecWriter's spec-lite layout has only a loglam axis, and clients that look for the
// spectral axis by column name (pyvo's scenarios, TOPCAT's SED heuristics) find none. This writes the same
// SDSS layout (specutils still identifies it: TELESCOP, FIBERID, TTYPE3=ivar) with one more COADD column,
// "wavelength" in vacuum Å as a double, and streams straight from a cutout view of the pixel store.
using System.Globalization;
using VoSpec.Core.Spectra;
using VoSpec.Engine;
using VoSpec.Fits;

namespace VoSpec.Server.Soda;

/// <summary>A spectrum (or a cutout of it) as an SDSS spec-lite style FITS file plus a wavelength column.</summary>
public static class SpectrumFits
{
    public const string ContentType = "application/fits";

    /// <summary>Bytes per COADD row: eight 4-byte columns (E/J) and the 8-byte wavelength.</summary>
    private const int RowWidth = 8 * 4 + 8;

    private static readonly Lazy<long> s_sdssOverhead = new(() => MeasureOverhead("SDSS"));
    private static readonly Lazy<long> s_bossOverhead = new(() => MeasureOverhead("BOSS"));

    /// <summary>
    /// The exact size of the file for <paramref name="pixels"/> pixels, without writing it: headers and the one-row
    /// catalogue HDU have a fixed number of blocks per instrument (measured once), the COADD data grows with the pixels.
    /// </summary>
    public static long Length(int pixels, string instrument) =>
        (instrument.Equals("BOSS", StringComparison.OrdinalIgnoreCase) ? s_bossOverhead : s_sdssOverhead).Value + Pad((long)RowWidth * pixels);

    private static long Pad(long n) => (n + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;

    private static long MeasureOverhead(string instrument)
    {
        var meta = new SpectrumMeta { SpecObjId = 1, Plate = 1, Mjd = 50000, FiberId = 1, Ra = 0, Dec = 0, Instrument = instrument, Run2d = "26", Run1d = "26", ExpTime = 1, TMin = 1, TMax = 2 };
        var arrays = new SpectrumArrays { Grid = new LogLinearGrid(3.5, 1e-4, 1), Flux = [0f] };
        using var counter = new MemoryStream();
        Write(meta, new SpectrumCutout(arrays, PixelRange.All(1)), "ivo://x/y?1", counter);
        return counter.Length - Pad(RowWidth);
    }

    /// <summary>Writes the file to <paramref name="output"/> synchronously (callers buffer it for a response body).</summary>
    public static void Write(SpectrumMeta meta, SpectrumCutout view, string did, Stream output)
    {
        int n = view.Count;
        bool boss = meta.Instrument.Equals("BOSS", StringComparison.OrdinalIgnoreCase);
        using var w = new FitsWriter(output, leaveOpen: true);
        w.WritePrimaryHeader(PrimaryCards(meta, view, did));
        using (var t = w.BeginBinaryTable(CoaddColumns(meta.FluxUnit), n, extName: "COADD"))
        {
            for (int i = 0; i < n; i++)
            {
                t.WriteSingle(view.Flux[i]);
                t.WriteSingle((float)view.Log10WavelengthAt(i));
                t.WriteSingle(view.HasIvar ? view.Ivar[i] : 0f);
                t.WriteInt32(view.HasAndMask ? view.AndMask[i] : 0);
                t.WriteInt32(view.HasOrMask ? view.OrMask[i] : 0);
                t.WriteSingle(view.HasWDisp ? view.WDisp[i] : 0f);
                t.WriteSingle(view.HasSky ? view.Sky[i] : 0f);
                t.WriteSingle(view.HasModel ? view.Model[i] : 0f);
                t.WriteDouble(view.WavelengthAt(i));
                t.EndRow();
            }
            t.Complete();
        }
        WriteCatalogRow(w, meta, view, boss);
        w.Flush();
    }

    private static FitsHeader PrimaryCards(SpectrumMeta m, SpectrumCutout view, string did)
    {
        var h = new FitsHeader()
            .Add("TELESCOP", "SDSS 2.5-M", "Sloan Digital Sky Survey")
            .Add("PLATEID", (long)m.Plate, "Plate Id")
            .Add("MJD", (long)m.Mjd, "MJD of observation")
            .Add("FIBERID", (long)m.FiberId, "Fiber number")
            .Add("PLUG_RA", m.Ra, "RA of object [deg]")
            .Add("PLUG_DEC", m.Dec, "dec of object [deg]")
            .Add("RA", m.Ra, "fibre RA [deg]")
            .Add("DEC", m.Dec, "fibre Dec [deg]")
            .Add("RADECSYS", "ICRS")
            .Add("SPEC_ID", unchecked((ulong)m.SpecObjId).ToString(CultureInfo.InvariantCulture), "Unique object identifier");
        if (m.Run2d.Length > 0) h.Add("RUN2D", m.Run2d, "spectro-2D reduction name");
        if (m.Run1d.Length > 0) h.Add("RUN1D", m.Run1d, "spectro-1D reduction name");
        if (m.ExpTime is double t) h.Add("EXPTIME", t, "exposure time (seconds)");
        if (m.TMin is double b) h.Add("MJD-BEG", b, "start of the first exposure (MJD UTC)");
        if (m.TMax is double e) h.Add("MJD-END", e, "end of the last exposure (MJD UTC)");
        h.Add("VACUUM", true, "Wavelengths are in vacuum");
        if (view.Source.Grid is LogLinearGrid g)
        {
            h.Add("WFITTYPE", "LOG-LINEAR", "Linear-log10 dispersion")
             .Add("COEFF0", g.Log10At(view.Range.Start), "Center wavelength (log10) of first pixel")
             .Add("COEFF1", g.Log10Step, "Log10 dispersion per pixel")
             .Add("DC-FLAG", 1L, "Log-linear flag");
        }
        h.Add("BUNIT", m.FluxUnit);
        // The publisher DID is too long for one card in general; the pixel range says what was cut out.
        h.Add("PIX0", (long)view.Range.Start, "first pixel of the archived spectrum (0-based)");
        h.Add("NPIXTOT", (long)view.Source.Count, "pixels in the archived spectrum");
        if (did.Length <= 68) h.Add("DID", did, "publisher dataset identifier");
        return h;
    }

    private static TableColumn[] CoaddColumns(string fluxUnit) =>
    [
        new("flux", "E") { Unit = fluxUnit },
        new("loglam", "E") { Unit = "log(Angstrom)" },
        new("ivar", "E") { Unit = $"1/({fluxUnit})^2" },
        new("and_mask", "J"),
        new("or_mask", "J"),
        new("wdisp", "E") { Unit = "pixel" },
        new("sky", "E") { Unit = fluxUnit },
        new("model", "E") { Unit = fluxUnit },
        new("wavelength", "D") { Unit = "Angstrom" },
    ];

    private static void WriteCatalogRow(FitsWriter w, SpectrumMeta m, SpectrumCutout view, bool boss)
    {
        static string A(string value, int realWidth) => $"{Math.Max(Math.Max(realWidth, value.Length), 1)}A";
        string idText = unchecked((ulong)m.SpecObjId).ToString(CultureInfo.InvariantCulture).PadLeft(22);
        var columns = new TableColumn[]
        {
            boss ? TableColumn.UInt64("SPECOBJID") : new("SPECOBJID", "22A"),
            new("PLATE", "J"), new("MJD", "J"), new("FIBERID", "J"),
            new("PLUG_RA", "D") { Unit = "deg" }, new("PLUG_DEC", "D") { Unit = "deg" },
            new("Z", "D"), new("Z_ERR", "D"), new("ZWARNING", "J"),
            new("CLASS", A(m.Class, 6)), new("SUBCLASS", A(m.Subclass, 21)), new("SURVEY", A(m.Survey, 6)),
            new("PROGRAMNAME", A(m.ProgramName, boss ? 27 : 23)), new("RUN2D", A(m.Run2d, boss ? 7 : 3)), new("RUN1D", A(m.Run1d, boss ? 7 : 1)),
            new("SN_MEDIAN_ALL", "D"), new("WAVEMIN", "E") { Unit = "Angstrom" }, new("WAVEMAX", "E") { Unit = "Angstrom" },
        };
        using var t = w.BeginBinaryTable(columns, 1, extName: boss ? "SPALL" : "SPECOBJ");
        if (boss) t.WriteUInt64(unchecked((ulong)m.SpecObjId)); else t.WriteString(idText);
        t.WriteInt32(m.Plate); t.WriteInt32(m.Mjd); t.WriteInt32(m.FiberId);
        t.WriteDouble(m.Ra); t.WriteDouble(m.Dec);
        t.WriteDouble(m.Z); t.WriteDouble(m.ZErr); t.WriteInt32(m.ZWarning);
        t.WriteString(m.Class); t.WriteString(m.Subclass); t.WriteString(m.Survey);
        t.WriteString(m.ProgramName); t.WriteString(m.Run2d); t.WriteString(m.Run1d);
        t.WriteDouble(m.SnMedian);
        t.WriteSingle((float)view.WavelengthAt(0)); t.WriteSingle((float)view.WavelengthAt(view.Count - 1));
        t.EndRow();
        t.Complete();
    }
}
