using System.Globalization;
using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Sdss;

/// <summary>
/// SDSS-V BOSS spec files (idlspec2d v6, DR19 on: spec-FIELD-MJD-CATALOGID.fits, lite and full). What differs from
/// the v5 (BOSS/eBOSS) layout the rest of the SDSS reader handles: the HDUs are PRIMARY, COADD, SPALL, ZALL (every
/// redshift template fit), ZLINE (emission-line fits) and, in full files only, one MJD_EXP_… table per exposure; COADD
/// gains WRESL (resolution in Å); SPALL names the field FIELD (not PLATE) and the target CATALOGID and SDSS_ID, and
/// gives the fibre's measured position as FIBER_RA/FIBER_DEC beside the catalogue's RACAT/DECCAT. A field number
/// does not fit specObjID's 14-bit plate field and a target is observed on many fields and nights, so a spectrum is
/// named FIELD-MJD-CATALOGID (the file's name) and its id is the hash of that name (<see cref="SurveyIds.Hash"/>).
/// </summary>
public static class SdssV6
{
    public const string SpallHdu = "SPALL";
    public const string ZallHdu = "ZALL";
    public const string ZlineHdu = "ZLINE";
    /// <summary>Per-exposure tables of full files: MJD_EXP_ then the exposure's MJD and index.</summary>
    public const string ExposureHduPrefix = "MJD_EXP_";

    /// <summary>
    /// True for a v6 spec file: a COADD table and either a v6 2D reduction (VERS2D starting "v6") or a SPALL table
    /// with FIELD and CATALOGID columns (the layout, should a file lack the version card).
    /// </summary>
    public static bool Recognises(FitsFile file)
    {
        if (file.Find("COADD") is not BinaryTable) return false;
        // Not RUN2D: VoSpec's own spec-lite files of a v6 spectrum (DataLink #this) carry RUN2D v6_… in the v5 layout.
        if (IsV6Version(file.Primary.Header.GetStringOrNull("VERS2D"))) return true;
        return file.Find(SpallHdu) is BinaryTable spall && spall.TryGetColumn("FIELD", out _) && spall.TryGetColumn("CATALOGID", out _);
    }

    private static bool IsV6Version(string? text) => text is not null && text.Trim().StartsWith("v6", StringComparison.OrdinalIgnoreCase);

    /// <summary>The spectrum's name as the file name spells it: FIELD (6 digits), MJD, CATALOGID.</summary>
    public static string ObsId(int field, int mjd, long catalogId) =>
        string.Create(CultureInfo.InvariantCulture, $"{field:D6}-{mjd}-{catalogId}");

    /// <summary>The 63-bit spectrum id: unique per field, MJD and target.</summary>
    public static long SpecObjId(int field, int mjd, long catalogId) => SurveyIds.Hash("sdss-v:" + ObsId(field, mjd, catalogId));

    /// <summary>The metadata of a v6 file from its one-row SPALL table (and the primary header for times).</summary>
    internal static SpectrumMeta Meta(FitsFile file, FitsHeader primary)
    {
        string name = file.Name;
        if (file.Find(SpallHdu) is not BinaryTable { RowCount: > 0 } cat)
            throw new FitsFormatException($"{name}: an SDSS-V (v6) spec file without a one-row SPALL table");
        int field = SpecFileReader.Int(cat, "FIELD", name), mjd = SpecFileReader.Int(cat, "MJD", name), fiber = cat.TryGetColumn("FIBERID", out var fc) ? checked((int)cat.GetLong(0, fc)) : 0;
        long catalogId = cat.TryGetColumn("CATALOGID", out var cc) ? cat.GetLong(0, cc) : throw Missing(name, "CATALOGID");
        if (field < 0 || mjd <= 0 || catalogId <= 0) throw new FitsFormatException($"{name}: SPALL names no spectrum (FIELD {field}, MJD {mjd}, CATALOGID {catalogId})");
        // The fibre's measured position first (what the spectrum saw), then the catalogue's, then the plug map's.
        var (ra, dec) = Position(cat, "FIBER_RA", "FIBER_DEC") ?? Position(cat, "RACAT", "DECCAT") ?? Position(cat, "PLUG_RA", "PLUG_DEC")
            ?? throw Missing(name, "FIBER_RA/FIBER_DEC, RACAT/DECCAT or PLUG_RA/PLUG_DEC");
        string obsId = ObsId(field, mjd, catalogId);
        return new SpectrumMeta
        {
            SpecObjId = SpecObjId(field, mjd, catalogId),
            SurveyObsId = obsId,
            Plate = field,
            Mjd = mjd,
            FiberId = fiber,
            Run2d = SpecFileReader.Str(cat, "RUN2D"),
            Run1d = SpecFileReader.Str(cat, "RUN1D"),
            Ra = ra,
            Dec = dec,
            Z = SpecFileReader.Dbl(cat, "Z") ?? 0,
            ZErr = SpecFileReader.Dbl(cat, "Z_ERR") ?? 0,
            ZWarning = cat.TryGetColumn("ZWARNING", out var zw) ? (int)cat.GetLong(0, zw) : 0,
            Class = SpecFileReader.Str(cat, "CLASS"),
            Subclass = SpecFileReader.Str(cat, "SUBCLASS"),
            Survey = SpecFileReader.Str(cat, "SURVEY"),
            ProgramName = SpecFileReader.Str(cat, "PROGRAMNAME"),
            SnMedian = SpecFileReader.Dbl(cat, "SN_MEDIAN_ALL") ?? 0,
            Instrument = "BOSS",
            FiberDiameter = SdssConventions.BossFiberDiameter,
            ExpTime = primary.GetDoubleOrNull("EXPTIME"),
            TMin = SdssConventions.MjdFromTai(primary, "TAI-BEG"),
            TMax = SdssConventions.MjdFromTai(primary, "TAI-END"),
            FluxUnit = primary.GetStringOrNull("BUNIT")?.Trim() ?? "1E-17 erg/cm^2/s/Ang",
        };
    }

    private static (double, double)? Position(BinaryTable t, string raColumn, string decColumn)
    {
        if (!t.TryGetColumn(raColumn, out var r) || !t.TryGetColumn(decColumn, out var d)) return null;
        double ra = t.GetDouble(0, r), dec = t.GetDouble(0, d);
        return double.IsFinite(ra) && double.IsFinite(dec) && ra is >= 0 and < 360 && dec is >= -90 and <= 90 ? (ra, dec) : null;
    }

    private static FitsFormatException Missing(string name, string what) => new($"{name}: an SDSS-V (v6) spec file with no {what} in its SPALL table");
}
