using VoSpec.Core.Spectra;
using VoSpec.Fits.Sdss;

namespace VoSpec.Fits.Lamost;

/// <summary>
/// Reads LAMOST low-resolution spectrum files (usually .fits.gz; the gzip is undone by <see cref="FitsReader"/>
/// from the magic bytes): the older layout, a 5 × N float32 primary image with rows flux, ivar, wavelength,
/// andmask, ormask, and the newer one, a one-row COADD table of vector columns. Metadata comes from the primary
/// header in both (OBSID, RA/DEC, MJD, FIBERID, CLASS, Z…). Other files throw <see cref="FitsFormatException"/>.
/// </summary>
public static class LamostReader
{
    private const int ImageRows = 5;

    public static LamostSpectrum Read(string path) => Read(FitsReader.Open(path));

    public static LamostSpectrum Read(ReadOnlyMemory<byte> fileBytes, string nameForErrors) => Read(FitsReader.Parse(fileBytes, nameForErrors));

    /// <summary>A file the LAMOST pipeline wrote: TELESCOP 'LAMOST' and an OBSID in the primary header.</summary>
    public static bool Recognises(FitsFile file) =>
        file.Primary.Header.GetStringOrNull("TELESCOP")?.Trim().Equals("LAMOST", StringComparison.OrdinalIgnoreCase) == true
        && file.Primary.Header.Contains("OBSID");

    public static LamostSpectrum Read(FitsFile file)
    {
        try { return ReadChecked(file); }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            throw new FitsFormatException($"{file.Name}: not a readable LAMOST spectrum: {e.Message}", e);
        }
    }

    private static LamostSpectrum ReadChecked(FitsFile file)
    {
        string name = file.Name;
        if (!Recognises(file)) throw new FitsFormatException($"{name}: not a LAMOST spectrum: the primary header has no TELESCOP = 'LAMOST' and OBSID");
        var h = file.Primary.Header;
        float[] flux, ivar, wave, andMask, orMask;
        float[]? normalization = null;
        LamostLayout layout;
        if (file.Find("COADD") is BinaryTable coadd)
        {
            layout = LamostLayout.CoaddTable;
            if (coadd.RowCount != 1) throw new FitsFormatException($"{name}: the COADD table has {coadd.RowCount} rows, not 1");
            flux = Column(coadd, "FLUX", name)!;
            ivar = Column(coadd, "IVAR", name)!;
            wave = Column(coadd, "WAVELENGTH", name)!;
            andMask = Column(coadd, "ANDMASK", name)!;
            orMask = Column(coadd, "ORMASK", name)!;
            normalization = Column(coadd, "NORMALIZATION", name, required: false);
        }
        else if (file.Primary is ImageHdu { Axes.Count: 2 } image && image.Axes[1] == ImageRows)
        {
            layout = LamostLayout.PrimaryImage;
            int n = image.Axes[0];
            var all = image.ReadFloats();
            float[] Row(int r) => all.AsSpan(r * n, n).ToArray();
            (flux, ivar, wave, andMask, orMask) = (Row(0), Row(1), Row(2), Row(3), Row(4));
        }
        else throw new FitsFormatException($"{name}: a LAMOST header but neither a COADD table nor a 5-row primary image");

        int count = flux.Length;
        if (count < 2) throw new FitsFormatException($"{name}: {count} pixels");
        foreach (var (v, what) in new[] { (ivar, "IVAR"), (wave, "WAVELENGTH"), (andMask, "ANDMASK"), (orMask, "ORMASK") })
            if (v.Length != count) throw new FitsFormatException($"{name}: {what} has {v.Length} pixels but FLUX {count}");
        if (normalization is not null && normalization.Length != count) throw new FitsFormatException($"{name}: NORMALIZATION has {normalization.Length} pixels but FLUX {count}");

        var arrays = new SpectrumArrays
        {
            Grid = Grid(wave, h, name),
            Flux = flux,
            Ivar = ivar,
            AndMask = Mask(andMask, "ANDMASK", name),
            OrMask = Mask(orMask, "ORMASK", name),
        };
        return new LamostSpectrum(new Spectrum { Meta = Meta(h, name), Arrays = arrays }, layout, wave, normalization);
    }

    private static float[]? Column(BinaryTable t, string column, string name, bool required = true)
    {
        if (!t.TryGetColumn(column, out var c)) return required ? throw new FitsFormatException($"{name}: the COADD table has no {column} column") : null;
        return t.ReadFloats(c);
    }

    /// <summary>
    /// The stored wavelengths are float32 values of 10^(COEFF0 + i·COEFF1) (Å, vacuum); within float precision
    /// they are that log-linear grid, which is what lets the archive align spectra by whole pixels.
    /// </summary>
    private static WavelengthGrid Grid(float[] wave, FitsHeader h, string name)
    {
        var loglam = new float[wave.Length];
        for (int i = 0; i < wave.Length; i++)
            loglam[i] = wave[i] > 0 ? (float)Math.Log10(wave[i]) : throw new FitsFormatException($"{name}: wavelength {wave[i]} at pixel {i} is not positive");
        try { return LogLamGrid.FromLogLam(loglam, h.GetDoubleOrNull("COEFF0"), h.GetDoubleOrNull("COEFF1")); }
        catch (ArgumentException e) { throw new FitsFormatException($"{name}: the wavelengths do not increase ({e.Message})", e); }
    }

    /// <summary>LAMOST stores its bit masks as floats: each must be a whole number that fits 32 bits.</summary>
    private static int[] Mask(float[] values, string what, string name)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!(v >= int.MinValue && v <= uint.MaxValue) || v != MathF.Floor(v))
                throw new FitsFormatException($"{name}: {what} value {v} at pixel {i} is not a 32-bit mask");
            bits[i] = v < 0 ? (int)v : unchecked((int)(uint)v);
        }
        return bits;
    }

    private static SpectrumMeta Meta(FitsHeader h, string name)
    {
        long obsId = h.TryGetLong("OBSID", out long o) ? o : throw Missing(name, "OBSID");
        return new SpectrumMeta
        {
            SpecObjId = obsId,
            SurveyObsId = obsId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Plate = h.TryGetInt("SPID", out int sp) ? sp : 0,
            Mjd = h.TryGetInt("MJD", out int mjd) ? mjd : throw Missing(name, "MJD"),
            FiberId = h.TryGetInt("FIBERID", out int f) ? f : throw Missing(name, "FIBERID"),
            Run2d = h.GetStringOrNull("VERSPIPE")?.Trim() ?? "",
            Ra = h.GetDoubleOrNull("RA") ?? throw Missing(name, "RA"),
            Dec = h.GetDoubleOrNull("DEC") ?? throw Missing(name, "DEC"),
            Z = h.GetDoubleOrNull("Z") ?? 0,
            ZErr = h.GetDoubleOrNull("Z_ERR") ?? 0,
            Class = h.GetStringOrNull("CLASS")?.Trim() ?? "",
            Subclass = h.GetStringOrNull("SUBCLASS")?.Trim() ?? "",
            Survey = h.GetStringOrNull("DATA_V")?.Trim() ?? "",
            ProgramName = h.GetStringOrNull("PLANID")?.Trim() ?? "",
            Instrument = LamostConventions.Instrument,
            FiberDiameter = LamostConventions.FiberDiameter,
            ExpTime = h.GetDoubleOrNull("EXPTIME"),
            FluxUnit = LamostConventions.FluxUnit,
            SurveyColumns = SurveyColumns(h, obsId),
        };
    }

    /// <summary>The values of the lamost.lrs table (schemas/lamost.lrs.json), from the primary header.</summary>
    private static Dictionary<string, object?> SurveyColumns(FitsHeader h, long obsId)
    {
        string? Text(string keyword) => h.GetStringOrNull(keyword)?.Trim();
        int? Int(string keyword) => h.TryGetInt(keyword, out int v) ? v : null;
        return new Dictionary<string, object?>
        {
            ["obsid"] = obsId,
            ["designation"] = Text("DESIG"),
            ["planid"] = Text("PLANID"),
            ["lmjd"] = Int("LMJD"),
            ["mjd"] = Int("MJD"),
            ["spid"] = Int("SPID"),
            ["fiberid"] = Int("FIBERID"),
            ["ra"] = h.GetDoubleOrNull("RA"),
            ["dec"] = h.GetDoubleOrNull("DEC"),
            ["objtype"] = Text("OBJTYPE"),
            ["tsource"] = Text("TSOURCE"),
            ["class"] = Text("CLASS"),
            ["subclass"] = Text("SUBCLASS"),
            ["z"] = h.GetDoubleOrNull("Z"),
            ["z_err"] = h.GetDoubleOrNull("Z_ERR"),
            ["zflag"] = Text("ZFLAG"),
            ["snru"] = h.GetDoubleOrNull("SNRU"),
            ["snrg"] = h.GetDoubleOrNull("SNRG"),
            ["snrr"] = h.GetDoubleOrNull("SNRR"),
            ["snri"] = h.GetDoubleOrNull("SNRI"),
            ["snrz"] = h.GetDoubleOrNull("SNRZ"),
            ["exptime"] = h.GetDoubleOrNull("EXPTIME"),
            ["data_v"] = Text("DATA_V"),
            ["verspipe"] = Text("VERSPIPE"),
        };
    }

    private static FitsFormatException Missing(string name, string keyword) => new($"{name}: the primary header has no {keyword}");
}
