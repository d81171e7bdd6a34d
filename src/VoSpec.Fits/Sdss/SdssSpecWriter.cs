using System.Globalization;
using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Sdss;

/// <summary>
/// Writes a <see cref="Spectrum"/> as an SDSS spec-lite file: primary header, HDU1 COADD (one row per pixel,
/// the 8 standard columns) and HDU2 SPECOBJ (SDSS: SPECOBJID as text) or SPALL (BOSS: SPECOBJID as unsigned K),
/// one row. <see cref="SdssSpectrumReader"/> reads it back to an equal spectrum, with two caveats: vectors the
/// spectrum lacks (null) are written as zeros and so come back as zero arrays; instrument and fibre diameter are
/// derived on reading (BOSS from RUN2D 'v…', plate ≥ 3510 or SPALL). Z, Z_ERR and SN_MEDIAN_ALL are written as
/// doubles (real files use floats) so that any value survives exactly.
/// </summary>
public static class SdssSpecWriter
{
    public static void WriteLite(Spectrum spectrum, string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.SequentialScan);
        WriteLite(spectrum, file);
    }

    /// <summary>Writes the file to <paramref name="output"/> (left open; need not be seekable).</summary>
    public static void WriteLite(Spectrum spectrum, Stream output)
    {
        var meta = spectrum.Meta;
        var a = spectrum.Arrays;
        a.Validate();
        int n = a.Count;
        if (n == 0) throw new ArgumentException("a spectrum with zero pixels cannot be written", nameof(spectrum));
        bool boss = meta.Instrument.Equals("BOSS", StringComparison.OrdinalIgnoreCase);

        using var w = new FitsWriter(output, leaveOpen: true);
        w.WritePrimaryHeader(PrimaryCards(meta, a.Grid));

        using (var coadd = w.BeginBinaryTable(CoaddColumns(meta.FluxUnit), n, extName: "COADD"))
        {
            coadd.WriteColumns(a.Flux, LogLamGrid.ToLogLam(a.Grid), a.Ivar ?? new float[n], a.AndMask ?? new int[n], a.OrMask ?? new int[n],
                a.WDisp ?? new float[n], a.Sky ?? new float[n], a.Model ?? new float[n]);
            coadd.Complete();
        }

        WriteCatalogRow(w, meta, a.Grid, boss);
        w.Flush();
    }

    private static FitsHeader PrimaryCards(SpectrumMeta m, WavelengthGrid grid)
    {
        var h = new FitsHeader()
            .Add("TELESCOP", "SDSS 2.5-M", "Sloan Digital Sky Survey")
            .Add("PLATEID", (long)m.Plate, "Plate Id")
            .Add("MJD", (long)m.Mjd, "MJD of observation")
            .Add("FIBERID", (long)m.FiberId, "Fiber number")
            .Add("PLUG_RA", m.Ra, "RA of object [deg]")
            .Add("PLUG_DEC", m.Dec, "dec of object [deg]")
            // Real files put the plate centre here; only the fibre position is known.
            .Add("RA", m.Ra, "fibre RA [deg] (plate centre unknown)")
            .Add("DEC", m.Dec, "fibre Dec [deg] (plate centre unknown)")
            .Add("RADECSYS", "ICRS")
            .Add("SPEC_ID", unchecked((ulong)m.SpecObjId).ToString(CultureInfo.InvariantCulture), "Unique object identifier");
        if (m.Run2d.Length > 0) h.Add("RUN2D", m.Run2d, "spectro-2D reduction name");
        if (m.Run1d.Length > 0) h.Add("RUN1D", m.Run1d, "spectro-1D reduction name");
        if (m.ExpTime is double t) h.Add("EXPTIME", t, "exposure time (seconds)");
        if (m.TMin is double b) h.Add(HeaderCard.Float("TAI-BEG", SdssConventions.TaiSeconds(b), "Exposure start time (TAI seconds)"));
        if (m.TMax is double e) h.Add(HeaderCard.Float("TAI-END", SdssConventions.TaiSeconds(e), "Exposure end time (TAI seconds)"));
        h.Add("VACUUM", true, "Wavelengths are in vacuum");
        if (grid is LogLinearGrid g)
        {
            h.Add("WFITTYPE", "LOG-LINEAR", "Linear-log10 dispersion")
             .Add("COEFF0", g.Log10Start, "Center wavelength (log10) of first pixel")
             .Add("COEFF1", g.Log10Step, "Log10 dispersion per pixel")
             .Add("DC-FLAG", 1L, "Log-linear flag");
        }
        h.Add("BUNIT", m.FluxUnit);
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
    ];

    private static void WriteCatalogRow(FitsWriter w, SpectrumMeta m, WavelengthGrid grid, bool boss)
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
        t.WriteDouble(m.SnMedian); t.WriteSingle((float)grid.First); t.WriteSingle((float)grid.Last);
        t.EndRow();
        t.Complete();
    }
}
