using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Sdss;

/// <summary>
/// Writes a spectrum in the SDSS-V (idlspec2d v6) spec file layout <see cref="SdssV6"/> describes, lite or full, so
/// that tests and demos have v6 files where no real one is at hand: PRIMARY (VERS2D/RUN2D, FIELDID, MJD, TAI-BEG/END,
/// the log-linear grid), COADD (upper-case columns, with WRESL), a one-row SPALL, ZALL (the best fit first, then
/// alternatives), ZLINE (a few emission-line fits) and, for a full file, one MJD_EXP_ table per exposure.
/// <see cref="SdssSpectrumReader"/> reads the file back to the same spectrum: <paramref name="spectrum"/>'s
/// Plate is the field, SpecObjId and SurveyObsId are derived on reading from field, MJD and CATALOGID.
/// Numbers are written as doubles where the reader keeps them so that every value survives exactly.
/// </summary>
public static class SdssV6SpecWriter
{
    public static void Write(Spectrum spectrum, SdssV6Target target, Stream output, bool full)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        ArgumentNullException.ThrowIfNull(target);
        var m = spectrum.Meta;
        var a = spectrum.Arrays;
        a.Validate();
        if (a.Grid is not LogLinearGrid grid) throw new ArgumentException("v6 spec files hold a log-linear grid", nameof(spectrum));
        if (a.Count == 0) throw new ArgumentException("a spectrum with zero pixels cannot be written", nameof(spectrum));
        if (full && target.Exposures < 1) throw new ArgumentException("a full file needs at least one exposure", nameof(target));

        using var w = new FitsWriter(output, leaveOpen: true);
        w.WritePrimaryHeader(Primary(m, grid, target, full));

        var wresl = Wresl(grid, a.WDisp);
        using (var t = w.BeginBinaryTable(PixelColumns(m.FluxUnit, model: true), a.Count, extName: "COADD"))
        {
            for (int i = 0; i < a.Count; i++)
            {
                PixelRow(t, a, grid, wresl, i, a.Ivar is { } iv ? iv[i] : 0f);
                t.WriteSingle(a.Model is { } model ? model[i] : 0f);
                t.EndRow();
            }
            t.Complete();
        }
        Spall(w, m, target, grid);
        Zall(w, m, target);
        Zline(w, m, target);
        if (!full) { w.Flush(); return; }
        for (int e = 0; e < target.Exposures; e++)
        {
            // Each exposure carries the coadd's flux with 1/N of its inverse variance (the demo's stand-in for real exposures).
            using var t = w.BeginBinaryTable(PixelColumns(m.FluxUnit, model: false), a.Count, extName: $"{SdssV6.ExposureHduPrefix}{m.Mjd}-{e:D2}");
            for (int i = 0; i < a.Count; i++)
            {
                PixelRow(t, a, grid, wresl, i, a.Ivar is { } iv ? iv[i] / target.Exposures : 0f);
                t.EndRow();
            }
            t.Complete();
        }
        w.Flush();
    }

    private static FitsHeader Primary(SpectrumMeta m, LogLinearGrid g, SdssV6Target target, bool full)
    {
        var h = new FitsHeader()
            .Add("TELESCOP", SdssLiteOptions.SdssTelescope, "Sloan Digital Sky Survey")
            .Add("OBSERVAT", target.Observatory, "Observatory")
            .Add("FIELDID", (long)m.Plate, "Field id")
            .Add("MJD", (long)m.Mjd, "MJD of the last night coadded")
            .Add("PLUG_RA", m.Ra, "RA of the fibre [deg]")
            .Add("PLUG_DEC", m.Dec, "Dec of the fibre [deg]")
            .Add("VERS2D", m.Run2d, "idlspec2d version of the 2D reduction")
            .Add("RUN2D", m.Run2d, "Spectro-2D reduction name")
            .Add("NEXP", (long)target.Exposures, full ? "Exposures (one MJD_EXP_ HDU each)" : "Exposures coadded");
        if (m.ExpTime is double t) h.Add("EXPTIME", t, "exposure time (seconds)");
        if (m.TMin is double b) h.Add(HeaderCard.Float("TAI-BEG", SdssConventions.TaiSeconds(b), "MJD(TAI) seconds at start of integration"));
        if (m.TMax is double e) h.Add(HeaderCard.Float("TAI-END", SdssConventions.TaiSeconds(e), "MJD(TAI) seconds at end of integration"));
        return h.Add("VACUUM", true, "Wavelengths are in vacuum")
            .Add("COEFF0", g.Log10Start, "Central wavelength (log10) of first pixel")
            .Add("COEFF1", g.Log10Step, "Log10 dispersion per pixel")
            .Add("DC-FLAG", 1L, "Log-linear flag")
            .Add("BUNIT", m.FluxUnit);
    }

    private static TableColumn[] PixelColumns(string fluxUnit, bool model)
    {
        TableColumn[] pixels =
        [
            new("FLUX", "E") { Unit = fluxUnit },
            new("LOGLAM", "E") { Unit = "log(Angstrom)" },
            new("IVAR", "E") { Unit = $"1/({fluxUnit})^2" },
            new("AND_MASK", "J"),
            new("OR_MASK", "J"),
            new("WDISP", "E") { Unit = "pixel" },
            new("SKY", "E") { Unit = fluxUnit },
            new("WRESL", "E") { Unit = "Angstrom" },
        ];
        return model ? [.. pixels, new("MODEL", "E") { Unit = fluxUnit }] : pixels;
    }

    private static void PixelRow(BinaryTableWriter t, SpectrumArrays a, LogLinearGrid g, float[] wresl, int i, float ivar)
    {
        t.WriteSingle(a.Flux[i]);
        t.WriteSingle((float)g.Log10At(i));
        t.WriteSingle(ivar);
        t.WriteInt32(a.AndMask is { } and ? and[i] : 0);
        t.WriteInt32(a.OrMask is { } or ? or[i] : 0);
        t.WriteSingle(a.WDisp is { } wdisp ? wdisp[i] : 0f);
        t.WriteSingle(a.Sky is { } sky ? sky[i] : 0f);
        t.WriteSingle(wresl[i]);
    }

    /// <summary>FWHM resolution in Å from the Gaussian dispersion in pixels: 2.3548·σ·λ·ln10·Δlog10λ.</summary>
    private static float[] Wresl(LogLinearGrid g, float[]? wdisp)
    {
        var r = new float[g.Count];
        if (wdisp is null) return r;
        for (int i = 0; i < r.Length; i++) r[i] = (float)(2.3548 * wdisp[i] * g[i] * Math.Log(10) * g.Log10Step);
        return r;
    }

    private static string A(string value, int width) => $"{Math.Max(Math.Max(width, value.Length), 1)}A";

    private static void Spall(FitsWriter w, SpectrumMeta m, SdssV6Target x, LogLinearGrid g)
    {
        TableColumn[] columns =
        [
            new("FIELD", "J"), new("MJD", "J"), new("MJD_FINAL", "D"), new("CATALOGID", "K"), new("SDSS_ID", "K"), new("FIBERID", "J"),
            new("OBS", A(x.Observatory, 3)),
            new("FIBER_RA", "D") { Unit = "deg" }, new("FIBER_DEC", "D") { Unit = "deg" },
            new("RACAT", "D") { Unit = "deg" }, new("DECCAT", "D") { Unit = "deg" },
            new("PLUG_RA", "D") { Unit = "deg" }, new("PLUG_DEC", "D") { Unit = "deg" },
            new("Z", "D"), new("Z_ERR", "D"), new("ZWARNING", "J"),
            new("CLASS", A(m.Class, 6)), new("SUBCLASS", A(m.Subclass, 21)), new("SURVEY", A(m.Survey, 4)),
            new("PROGRAMNAME", A(m.ProgramName, 16)), new("RUN2D", A(m.Run2d, 6)), new("RUN1D", A(m.Run1d, 6)),
            new("SN_MEDIAN_ALL", "D"), new("NEXP", "I"), new("WAVEMIN", "E") { Unit = "Angstrom" }, new("WAVEMAX", "E") { Unit = "Angstrom" },
        ];
        using var t = w.BeginBinaryTable(columns, 1, extName: SdssV6.SpallHdu);
        t.WriteInt32(m.Plate); t.WriteInt32(m.Mjd);
        t.WriteDouble(m.TMin is double b && m.TMax is double e ? (b + e) / 2 : m.Mjd);
        t.WriteInt64(x.CatalogId); t.WriteInt64(x.SdssId); t.WriteInt32(m.FiberId);
        t.WriteString(x.Observatory);
        t.WriteDouble(m.Ra); t.WriteDouble(m.Dec);
        t.WriteDouble(x.RaCat); t.WriteDouble(x.DecCat);
        t.WriteDouble(x.RaCat); t.WriteDouble(x.DecCat);
        t.WriteDouble(m.Z); t.WriteDouble(m.ZErr); t.WriteInt32(m.ZWarning);
        t.WriteString(m.Class); t.WriteString(m.Subclass); t.WriteString(m.Survey);
        t.WriteString(m.ProgramName); t.WriteString(m.Run2d); t.WriteString(m.Run1d);
        t.WriteDouble(m.SnMedian); t.WriteInt16((short)x.Exposures);
        t.WriteSingle((float)g.First); t.WriteSingle((float)g.Last);
        t.EndRow();
        t.Complete();
    }

    /// <summary>ZALL: the best fit (the SPALL values) then four poorer alternatives, as redshift pipelines list them.</summary>
    private static void Zall(FitsWriter w, SpectrumMeta m, SdssV6Target x)
    {
        const int fits = 5;
        TableColumn[] columns =
        [
            new("FIELD", "J"), new("MJD", "J"), new("CATALOGID", "K"), new("FIBERID", "J"),
            new("CLASS", A(m.Class, 6)), new("SUBCLASS", A(m.Subclass, 21)),
            new("Z", "D"), new("Z_ERR", "D"), new("RCHI2", "E"), new("ZWARNING", "J"),
        ];
        using var t = w.BeginBinaryTable(columns, fits, extName: SdssV6.ZallHdu);
        for (int k = 0; k < fits; k++)
        {
            t.WriteInt32(m.Plate); t.WriteInt32(m.Mjd); t.WriteInt64(x.CatalogId); t.WriteInt32(m.FiberId);
            t.WriteString(m.Class); t.WriteString(k == 0 ? m.Subclass : "");
            t.WriteDouble(k == 0 ? m.Z : m.Z + 0.05 * k); t.WriteDouble(m.ZErr * (k + 1));
            t.WriteSingle(1f + 0.1f * k); t.WriteInt32(k == 0 ? m.ZWarning : 0);
            t.EndRow();
        }
        t.Complete();
    }

    /// <summary>ZLINE: Hβ, [O III] 5007 and Hα at the spectrum's redshift (areas left at zero).</summary>
    private static void Zline(FitsWriter w, SpectrumMeta m, SdssV6Target x)
    {
        (string Name, double Wave)[] lines = [("H_beta", 4862.683), ("[O_III] 5007", 5008.240), ("H_alpha", 6564.610)];
        TableColumn[] columns =
        [
            new("FIELD", "J"), new("MJD", "J"), new("CATALOGID", "K"), new("LINENAME", "13A"),
            new("LINEWAVE", "D") { Unit = "Angstrom" }, new("LINEZ", "E"), new("LINEAREA", "E"), new("LINEEW", "E") { Unit = "Angstrom" },
        ];
        using var t = w.BeginBinaryTable(columns, lines.Length, extName: SdssV6.ZlineHdu);
        foreach (var (name, wave) in lines)
        {
            t.WriteInt32(m.Plate); t.WriteInt32(m.Mjd); t.WriteInt64(x.CatalogId); t.WriteString(name);
            t.WriteDouble(wave); t.WriteSingle((float)m.Z); t.WriteSingle(0f); t.WriteSingle(0f);
            t.EndRow();
        }
        t.Complete();
    }
}

/// <summary>What a v6 spec file says that <see cref="SpectrumMeta"/> does not hold: the target's ids, the observatory, the catalogue position and the exposures.</summary>
public sealed record SdssV6Target(long CatalogId, long SdssId, double RaCat, double DecCat, int Exposures, string Observatory = "APO");
