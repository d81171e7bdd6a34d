using System.Globalization;
using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Sdss;

/// <summary>
/// SDSS DR8+ spec-PLATE-MJD-FIBER files (lite and full): pixels from HDU1 COADD (one row per pixel),
/// metadata from the one-row SPECOBJ (SDSS-I/II) or SPALL (BOSS) table, the rest from the primary header.
/// SDSS-V (v6) spec-FIELD-MJD-CATALOGID files share the COADD table; their SPALL row is read by <see cref="SdssV6"/>.
/// </summary>
internal static class SpecFileReader
{
    public static Spectrum Read(FitsFile file, BinaryTable coadd)
    {
        string name = file.Name;
        var primary = file.Primary.Header;
        if (coadd.RowCount == 0) throw new FitsFormatException($"{name}: the COADD table has zero pixels");
        if (!coadd.TryGetColumn("flux", out var fluxColumn)) throw new FitsFormatException($"{name}: the COADD table has no flux column");
        if (!coadd.TryGetColumn("loglam", out var loglamColumn)) throw new FitsFormatException($"{name}: the COADD table has no loglam column");
        if (fluxColumn.Form.Repeat != 1 || loglamColumn.Form.Repeat != 1)
            throw new FitsFormatException($"{name}: COADD flux/loglam are not one value per row ({fluxColumn.Form}, {loglamColumn.Form})");

        var loglam = coadd.ReadFloats(loglamColumn);
        WavelengthGrid grid;
        try { grid = LogLamGrid.FromLogLam(loglam, primary.GetDoubleOrNull("COEFF0"), primary.GetDoubleOrNull("COEFF1")); }
        catch (ArgumentException e) { throw new FitsFormatException($"{name}: the COADD loglam column does not increase ({e.Message})", e); }

        var arrays = new SpectrumArrays
        {
            Grid = grid,
            Flux = coadd.ReadFloats(fluxColumn),
            Ivar = Floats(coadd, "ivar"),
            AndMask = Ints(coadd, "and_mask"),
            OrMask = Ints(coadd, "or_mask"),
            WDisp = Floats(coadd, "wdisp"),
            Sky = Floats(coadd, "sky"),
            Model = Floats(coadd, "model"),
        };

        var catalog = file.Find("SPECOBJ") as BinaryTable ?? file.Find("SPALL") as BinaryTable;
        var meta = SdssV6.Recognises(file) ? SdssV6.Meta(file, primary)
            : catalog is { RowCount: > 0 } ? FromCatalog(catalog, primary, name) : FromPrimaryHeader(primary, name);
        return new Spectrum { Meta = meta, Arrays = arrays };
    }

    private static float[]? Floats(BinaryTable t, string column) =>
        t.TryGetColumn(column, out var c) && c.Form.Repeat == 1 ? t.ReadFloats(c) : null;

    private static int[]? Ints(BinaryTable t, string column) =>
        t.TryGetColumn(column, out var c) && c.Form.Repeat == 1 ? t.ReadInt32s(c) : null;

    private static SpectrumMeta FromCatalog(BinaryTable cat, FitsHeader primary, string name)
    {
        bool spall = cat.Name.Equals("SPALL", StringComparison.OrdinalIgnoreCase);
        int plate = Int(cat, "PLATE", name), mjd = Int(cat, "MJD", name), fiber = Int(cat, "FIBERID", name);
        string run2d = Str(cat, "RUN2D");
        bool boss = SdssConventions.IsBoss(run2d, plate, spall);
        return new SpectrumMeta
        {
            SpecObjId = SpecObjIdOf(cat, primary, plate, mjd, fiber, run2d, name),
            Plate = plate,
            Mjd = mjd,
            FiberId = fiber,
            Run2d = run2d,
            Run1d = Str(cat, "RUN1D"),
            Ra = Dbl(cat, "PLUG_RA") ?? primary.GetDoubleOrNull("PLUG_RA") ?? throw Missing(name, "PLUG_RA"),
            Dec = Dbl(cat, "PLUG_DEC") ?? primary.GetDoubleOrNull("PLUG_DEC") ?? throw Missing(name, "PLUG_DEC"),
            Z = Dbl(cat, "Z") ?? 0,
            ZErr = Dbl(cat, "Z_ERR") ?? 0,
            ZWarning = cat.TryGetColumn("ZWARNING", out var zw) ? (int)cat.GetLong(0, zw) : 0,
            Class = Str(cat, "CLASS"),
            Subclass = Str(cat, "SUBCLASS"),
            Survey = Str(cat, "SURVEY"),
            ProgramName = Str(cat, "PROGRAMNAME"),
            SnMedian = Dbl(cat, "SN_MEDIAN_ALL") ?? 0,
            Instrument = boss ? "BOSS" : "SDSS",
            FiberDiameter = boss ? SdssConventions.BossFiberDiameter : SdssConventions.SdssFiberDiameter,
            ExpTime = primary.GetDoubleOrNull("EXPTIME"),
            TMin = SdssConventions.MjdFromTai(primary, "TAI-BEG"),
            TMax = SdssConventions.MjdFromTai(primary, "TAI-END"),
            FluxUnit = primary.GetStringOrNull("BUNIT")?.Trim() ?? "1E-17 erg/cm^2/s/Ang",
        };
    }

    /// <summary>A spec file without a catalogue HDU: what the primary header knows.</summary>
    private static SpectrumMeta FromPrimaryHeader(FitsHeader h, string name)
    {
        int plate = h.TryGetInt("PLATEID", out var p) ? p : throw Missing(name, "PLATEID");
        int mjd = h.TryGetInt("MJD", out var m) ? m : throw Missing(name, "MJD");
        int fiber = h.TryGetInt("FIBERID", out var f) ? f : throw Missing(name, "FIBERID");
        string run2d = h.GetStringOrNull("RUN2D")?.Trim() ?? "";
        bool boss = SdssConventions.IsBoss(run2d, plate, false);
        long id = (h.TryGetString("SPEC_ID", out var s) ? ParseId(s.Trim()) : null)
            ?? SpecObjId.Pack(plate, mjd, fiber, SdssConventions.Run2dCode(run2d));
        return new SpectrumMeta
        {
            SpecObjId = id, Plate = plate, Mjd = mjd, FiberId = fiber, Run2d = run2d,
            Ra = h.GetDoubleOrNull("PLUG_RA") ?? throw Missing(name, "PLUG_RA"),
            Dec = h.GetDoubleOrNull("PLUG_DEC") ?? throw Missing(name, "PLUG_DEC"),
            Instrument = boss ? "BOSS" : "SDSS",
            FiberDiameter = boss ? SdssConventions.BossFiberDiameter : SdssConventions.SdssFiberDiameter,
            ExpTime = h.GetDoubleOrNull("EXPTIME"),
            TMin = SdssConventions.MjdFromTai(h, "TAI-BEG"),
            TMax = SdssConventions.MjdFromTai(h, "TAI-END"),
            FluxUnit = h.GetStringOrNull("BUNIT")?.Trim() ?? "1E-17 erg/cm^2/s/Ang",
        };
    }

    /// <summary>
    /// SPECOBJ stores the id as blank-padded text, SPALL as an unsigned 64-bit integer (K with TZERO 2^63).
    /// Ids are unsigned; ids of 2^63 and above wrap to negative longs, as <see cref="SpecObjId.Pack"/> makes them.
    /// </summary>
    private static long SpecObjIdOf(BinaryTable cat, FitsHeader primary, int plate, int mjd, int fiber, string run2d, string name)
    {
        if (cat.TryGetColumn("SPECOBJID", out var c))
        {
            if (c.Form.Type == 'A')
            {
                string text = cat.GetString(0, c).Trim();
                return ParseId(text) ?? throw new FitsFormatException($"{name}: SPECOBJID '{text}' is not an integer");
            }
            return cat.GetValue(0, c) switch
            {
                ulong u => unchecked((long)u),
                long l => l,
                var v => throw new FitsFormatException($"{name}: SPECOBJID column {c.Form} holds {v?.GetType().Name ?? "null"}, not a 64-bit integer"),
            };
        }
        if (primary.TryGetString("SPEC_ID", out var s) && ParseId(s.Trim()) is long id) return id;
        return SpecObjId.Pack(plate, mjd, fiber, SdssConventions.Run2dCode(run2d));
    }

    internal static long? ParseId(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u) ? unchecked((long)u)
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? l : null;

    internal static int Int(BinaryTable t, string column, string name) =>
        t.TryGetColumn(column, out var c) ? checked((int)t.GetLong(0, c)) : throw Missing(name, column);

    internal static double? Dbl(BinaryTable t, string column) =>
        t.TryGetColumn(column, out var c) ? t.GetDouble(0, c) : null;

    internal static string Str(BinaryTable t, string column) =>
        t.TryGetColumn(column, out var c) && c.Form.Type == 'A' ? t.GetString(0, c).Trim() : "";

    private static FitsFormatException Missing(string name, string what) => new($"{name}: no {what} in the SPECOBJ/SPALL table or primary header");
}
