using System.Globalization;
using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Sdss;

/// <summary>
/// Writes a <see cref="Spectrum"/> as an SDSS spec-lite file: primary header, HDU1 COADD (one row per pixel,
/// the 8 standard columns) and HDU2 SPECOBJ (SDSS: SPECOBJID as text) or SPALL (BOSS: SPECOBJID as unsigned K),
/// one row. <see cref="SdssSpectrumReader"/> reads it back to an equal spectrum, with two caveats: vectors the
/// spectrum lacks (null) are written as zeros and so come back as zero arrays; instrument and fibre diameter are
/// derived on reading (BOSS from RUN2D 'v…', plate ≥ 3510 or SPALL). Z, Z_ERR and SN_MEDIAN_ALL are written as
/// doubles (real files use floats) so that any value survives exactly. With <see cref="SdssLiteOptions"/> it also
/// writes a pixel range of a spectrum (a cutout), a "wavelength" COADD column and extra primary cards — the form the
/// server's DataLink/SODA FITS responses use (one implementation of the layout for both).
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
        var a = spectrum.Arrays;
        a.Validate();
        if (a.Count == 0) throw new ArgumentException("a spectrum with zero pixels cannot be written", nameof(spectrum));
        WriteLite(spectrum.Meta, a, 0, a.Count, output);
    }

    /// <summary>
    /// Writes pixels [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of
    /// <paramref name="arrays"/> (already validated by the caller) as a spec-lite file to <paramref name="output"/>
    /// (left open; need not be seekable): COEFF0, WAVEMIN and WAVEMAX describe the range written.
    /// </summary>
    public static void WriteLite(SpectrumMeta meta, SpectrumArrays arrays, int start, int count, Stream output, SdssLiteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(arrays);
        if (count <= 0) throw new ArgumentException("a spectrum with zero pixels cannot be written", nameof(count));
        if (start < 0 || start > arrays.Count - count) throw new ArgumentOutOfRangeException(nameof(start), $"pixels [{start}, {start + count}) are outside the spectrum's {arrays.Count}");
        options ??= SdssLiteOptions.Default;
        bool boss = meta.Instrument.Equals("BOSS", StringComparison.OrdinalIgnoreCase);
        var grid = arrays.Grid;

        using var w = new FitsWriter(output, leaveOpen: true);
        var primary = PrimaryCards(meta, grid, start, options.Telescope);
        options.AddPrimaryCards?.Invoke(primary);
        w.WritePrimaryHeader(primary);

        using (var t = w.BeginBinaryTable(CoaddColumns(options.RelativeFlux ? null : meta.FluxUnit, options.WavelengthColumn), count, extName: "COADD"))
        {
            var g = grid as LogLinearGrid;
            for (int i = start; i < start + count; i++)
            {
                t.WriteSingle(arrays.Flux[i]);
                t.WriteSingle((float)(g is not null ? g.Log10At(i) : Math.Log10(grid[i])));
                t.WriteSingle(arrays.Ivar is { } ivar ? ivar[i] : 0f);
                t.WriteInt32(arrays.AndMask is { } and ? and[i] : 0);
                t.WriteInt32(arrays.OrMask is { } or ? or[i] : 0);
                t.WriteSingle(arrays.WDisp is { } wdisp ? wdisp[i] : 0f);
                t.WriteSingle(arrays.Sky is { } sky ? sky[i] : 0f);
                t.WriteSingle(arrays.Model is { } model ? model[i] : 0f);
                if (options.WavelengthColumn) t.WriteDouble(grid[i]);
                t.EndRow();
            }
            t.Complete();
        }

        WriteCatalogRow(w, meta, grid[start], grid[start + count - 1], boss);
        w.Flush();
    }

    private static FitsHeader PrimaryCards(SpectrumMeta m, WavelengthGrid grid, int start, string telescope)
    {
        var h = new FitsHeader()
            .Add("TELESCOP", telescope, telescope == SdssLiteOptions.SdssTelescope ? "Sloan Digital Sky Survey" : null)
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
             .Add("COEFF0", g.Log10At(start), "Center wavelength (log10) of first pixel")
             .Add("COEFF1", g.Log10Step, "Log10 dispersion per pixel")
             .Add("DC-FLAG", 1L, "Log-linear flag");
        }
        h.Add("BUNIT", m.FluxUnit);
        return h;
    }

    /// <summary>The COADD columns; a null <paramref name="fluxUnit"/> (relative flux) leaves the flux-like columns without TUNIT.</summary>
    private static TableColumn[] CoaddColumns(string? fluxUnit, bool wavelength)
    {
        TableColumn[] standard =
        [
            new("flux", "E") { Unit = fluxUnit },
            new("loglam", "E") { Unit = "log(Angstrom)" },
            new("ivar", "E") { Unit = fluxUnit is null ? null : $"1/({fluxUnit})^2" },
            new("and_mask", "J"),
            new("or_mask", "J"),
            new("wdisp", "E") { Unit = "pixel" },
            new("sky", "E") { Unit = fluxUnit },
            new("model", "E") { Unit = fluxUnit },
        ];
        return wavelength ? [.. standard, new("wavelength", "D") { Unit = "Angstrom" }] : standard;
    }

    /// <summary>
    /// The exact size of the file <see cref="WriteLite(SpectrumMeta, SpectrumArrays, int, int, Stream, SdssLiteOptions?)"/>
    /// writes for these arguments, computed from the headers it would write and the width of its rows, without writing it.
    /// </summary>
    public static long LiteLength(SpectrumMeta meta, WavelengthGrid grid, int start, int count, SdssLiteOptions? options = null)
    {
        options ??= SdssLiteOptions.Default;
        bool boss = meta.Instrument.Equals("BOSS", StringComparison.OrdinalIgnoreCase);
        var primary = PrimaryCards(meta, grid, start, options.Telescope);
        options.AddPrimaryCards?.Invoke(primary);
        var coadd = CoaddColumns(options.RelativeFlux ? null : meta.FluxUnit, options.WavelengthColumn);
        var (catalog, catalogName) = CatalogColumns(meta, boss);
        return FitsWriter.PrimaryHeader(primary).ToBytes().Length
            + BinaryTableWriter.Header(coadd, count, extName: "COADD").ToBytes().Length + Pad((long)BinaryTableWriter.RowBytes(coadd) * count)
            + BinaryTableWriter.Header(catalog, 1, extName: catalogName).ToBytes().Length + Pad(BinaryTableWriter.RowBytes(catalog));
    }

    private static long Pad(long n) => (n + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;

    private static (TableColumn[] Columns, string ExtName) CatalogColumns(SpectrumMeta m, bool boss)
    {
        static string A(string value, int realWidth) => $"{Math.Max(Math.Max(realWidth, value.Length), 1)}A";
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
        return (columns, boss ? "SPALL" : "SPECOBJ");
    }

    private static void WriteCatalogRow(FitsWriter w, SpectrumMeta m, double waveMin, double waveMax, bool boss)
    {
        string idText = unchecked((ulong)m.SpecObjId).ToString(CultureInfo.InvariantCulture).PadLeft(22);
        var (columns, extName) = CatalogColumns(m, boss);
        using var t = w.BeginBinaryTable(columns, 1, extName: extName);
        if (boss) t.WriteUInt64(unchecked((ulong)m.SpecObjId)); else t.WriteString(idText);
        t.WriteInt32(m.Plate); t.WriteInt32(m.Mjd); t.WriteInt32(m.FiberId);
        t.WriteDouble(m.Ra); t.WriteDouble(m.Dec);
        t.WriteDouble(m.Z); t.WriteDouble(m.ZErr); t.WriteInt32(m.ZWarning);
        t.WriteString(m.Class); t.WriteString(m.Subclass); t.WriteString(m.Survey);
        t.WriteString(m.ProgramName); t.WriteString(m.Run2d); t.WriteString(m.Run1d);
        t.WriteDouble(m.SnMedian); t.WriteSingle((float)waveMin); t.WriteSingle((float)waveMax);
        t.EndRow();
        t.Complete();
    }
}

/// <summary>What a spec-lite file written by <see cref="SdssSpecWriter"/> adds to the standard layout.</summary>
public sealed record SdssLiteOptions
{
    public static readonly SdssLiteOptions Default = new();

    /// <summary>SDSS's TELESCOP, the one specutils' SDSS loader looks for.</summary>
    public const string SdssTelescope = "SDSS 2.5-M";

    /// <summary>The primary TELESCOP card: the survey's telescope when the spectrum is not SDSS's.</summary>
    public string Telescope { get; init; } = SdssTelescope;

    /// <summary>Relative flux (no physical unit, LAMOST): the flux, ivar, sky and model columns get no TUNIT; BUNIT still says what the survey says.</summary>
    public bool RelativeFlux { get; init; }

    /// <summary>A ninth COADD column "wavelength": vacuum Å as a double (for clients that look for the spectral axis by name).</summary>
    public bool WavelengthColumn { get; init; }

    /// <summary>Adds cards at the end of the primary header (after BUNIT).</summary>
    public Action<FitsHeader>? AddPrimaryCards { get; init; }

    /// <summary>Bytes per COADD row: eight 4-byte columns (E/J), plus 8 for the wavelength column.</summary>
    public int CoaddRowBytes => 8 * 4 + (WavelengthColumn ? 8 : 0);
}
