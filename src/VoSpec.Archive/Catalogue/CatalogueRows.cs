using System.Globalization;
using VoSpec.Core.Schema;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// The values of one spectrum's rows in ivoa.obscore and spec.specobj, column by column as
/// schemas/ declares them. A column in schemas/ that nothing here fills is an error at start-up,
/// so the metadata and the rows cannot drift apart.
/// </summary>
public sealed class CatalogueRows(SpectrumMeta meta, WavelengthGrid grid, string collection, long specId, long estimatedBytes, ArchiveOptions options)
{
    public const string DataLinkFormat = "application/x-votable+xml;content=datalink";

    public string Did => _did ??= Identifiers.PublisherDid(options.Authority, collection, meta.SpecObjId);

    // Made once a row: obs_publisher_did and access_url both need it.
    private string? _did;

    private readonly SurveyFacts _survey = SurveyFacts.Of(meta.Instrument);

    public object? ObsCore(string column) => column switch
    {
        "dataproduct_type" => "spectrum",
        "dataproduct_subtype" => "coadd",
        "calib_level" => 2,
        "obs_collection" => collection,
        "obs_id" => meta.ObsId,
        "obs_title" => $"{meta.Instrument} spectrum {meta.ObsId} ({Title(meta)})",
        "obs_publisher_did" => Did,
        "obs_creator_did" => null,
        "publisher_id" => $"ivo://{options.Authority}",
        "data_rights" => "public",
        // Relative to the public URL, which answers put in front (schemas/: publicUrlRelative).
        "access_url" => Identifiers.DataLinkUrl("", Did),
        "access_format" => DataLinkFormat,
        "access_estsize" => (estimatedBytes + 1023) / 1024,
        "target_name" => Designation(meta.Ra, meta.Dec, _survey.Designation),
        "target_class" => NullIfEmpty(meta.Class),
        "s_ra" => meta.Ra,
        "s_dec" => meta.Dec,
        "s_fov" => meta.FiberDiameter / 3600.0,
        "s_region" => string.Create(CultureInfo.InvariantCulture, $"Circle ICRS {meta.Ra:R} {meta.Dec:R} {meta.FiberDiameter / 7200.0:R}"),
        "s_resolution" => 1.5,
        "s_xel1" => 1L,
        "s_xel2" => 1L,
        "t_min" => meta.TMin ?? meta.Mjd,
        "t_max" => meta.TMax ?? (meta.Mjd + (meta.ExpTime ?? 0) / 86400.0),
        "t_exptime" => meta.ExpTime,
        "t_resolution" => null,
        "t_xel" => 1L,
        "em_min" => grid.First * 1e-10,
        "em_max" => grid.Last * 1e-10,
        "em_res_power" => _survey.ResolvingPower,
        "em_xel" => (long)grid.Count,
        "em_ucd" => "em.wl",
        "em_unit" => "m",
        "o_ucd" => "phot.flux.density;em.wl",
        "o_unit" => _survey.VoFluxUnit,
        "pol_states" => null,
        "pol_xel" => 0L,
        "facility_name" => _survey.Facility,
        "instrument_name" => meta.Instrument,
        "spec_id" => specId,
        _ => throw new InvalidOperationException($"schemas/ivoa.obscore declares '{column}', which the archive does not fill"),
    };

    public object? SpecObj(string column) => column switch
    {
        "specobjid" => meta.SpecObjId,
        "collection" => collection,
        "plate" => meta.Plate,
        "mjd" => meta.Mjd,
        "fiberid" => meta.FiberId,
        "obs_id" => meta.ObsId,
        "run2d" => meta.Run2d,
        "run1d" => meta.Run1d,
        "ra" => meta.Ra,
        "dec" => meta.Dec,
        "z" => meta.Z,
        "zerr" => meta.ZErr,
        "zwarning" => meta.ZWarning,
        "class" => meta.Class,
        "subclass" => meta.Subclass,
        "survey" => meta.Survey,
        "programname" => meta.ProgramName,
        "instrument" => meta.Instrument,
        "sn_median" => meta.SnMedian,
        "wavemin" => grid.First,
        "wavemax" => grid.Last,
        "npix" => grid.Count,
        "exptime" => meta.ExpTime,
        "spec_id" => specId,
        _ => throw new InvalidOperationException($"schemas/spec.specobj declares '{column}', which the archive does not fill"),
    };

    /// <summary>Fails when schemas/ declares a column nothing fills (called once when an archive opens).</summary>
    public static void CheckSchemasAreFilled()
    {
        var probe = new CatalogueRows(
            new SpectrumMeta { SpecObjId = 1, Plate = 1, Mjd = 50000, FiberId = 1, Ra = 0, Dec = 0 },
            new LogLinearGrid(3.58, 1e-4, 2), "probe", 1, 0, new ArchiveOptions());
        foreach (var c in SchemaCatalog.ObsCore.Columns) probe.ObsCore(c.Name);
        foreach (var c in SchemaCatalog.SpecObj.Columns) probe.SpecObj(c.Name);
    }

    private static string Title(SpectrumMeta m) =>
        string.IsNullOrEmpty(m.Class) ? "unclassified" : string.Create(CultureInfo.InvariantCulture, $"{m.Class} z={m.Z:0.0000}");

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>The IAU-style designation, e.g. SDSS J094744.18-004013.4 (LAMOST writes its own the same way).</summary>
    public static string Designation(double ra, double dec, string survey = "SDSS")
    {
        double h = ra / 15.0;
        int hh = (int)h; double m = (h - hh) * 60; int mm = (int)m; double ss = Math.Floor((m - mm) * 60 * 100) / 100;
        char sign = dec < 0 ? '-' : '+';
        double ad = Math.Abs(dec); int dd = (int)ad; double dm = (ad - dd) * 60; int dmm = (int)dm; double ds = Math.Floor((dm - dmm) * 60 * 10) / 10;
        return string.Create(CultureInfo.InvariantCulture, $"{survey} J{hh:00}{mm:00}{ss:00.00}{sign}{dd:00}{dmm:00}{ds:00.0}");
    }
}
