using System.Data.Common;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// One spectrum's catalogue metadata (spec.specobj with ObsCore's aperture and times) as every backend reads it: the
/// columns in one SELECT (the caller appends its parameter for spec_id) and the <see cref="SpectrumMeta"/> made from them.
/// </summary>
internal static class MetaRow
{
    /// <summary>The columns <see cref="Read"/> reads, of specobj as s and ivoa_obscore as o (also read beside a dataset's, PostgresCatalogue).</summary>
    public const string Columns = """
        s.specobjid, s.plate, s.mjd, s.fiberid, s.run2d, s.run1d, s.ra, s.dec, s.z, s.zerr, s.zwarning, s.class, s.subclass,
               s.survey, s.programname, s.sn_median, s.instrument, o.s_fov, s.exptime, o.t_min, o.t_max, s.obs_id
        """;

    public const string Sql = "SELECT " + Columns + " FROM specobj s JOIN ivoa_obscore o ON o.spec_id = s.spec_id WHERE s.spec_id = ";

    /// <summary>The metadata from the row's <see cref="Columns"/>, which start at column <paramref name="o"/>.</summary>
    public static SpectrumMeta Read(DbDataReader r, int o = 0)
    {
        string Str(int i) => r.IsDBNull(o + i) ? "" : r.GetString(o + i);
        double? Opt(int i) => r.IsDBNull(o + i) ? null : r.GetDouble(o + i);
        int Int(int i) => r.GetInt32(o + i);
        double Dbl(int i) => r.GetDouble(o + i);
        var meta = new SpectrumMeta
        {
            SpecObjId = r.GetInt64(o), Plate = Int(1), Mjd = Int(2), FiberId = Int(3),
            Run2d = Str(4), Run1d = Str(5), Ra = Dbl(6), Dec = Dbl(7), Z = Dbl(8), ZErr = Dbl(9),
            ZWarning = Int(10), Class = Str(11), Subclass = Str(12), Survey = Str(13), ProgramName = Str(14),
            SnMedian = Dbl(15), Instrument = Str(16), FiberDiameter = Dbl(17) * 3600.0, ExpTime = Opt(18),
            TMin = Opt(19), TMax = Opt(20),
        };
        // DESI and LAMOST name their spectra their own way; their flux unit follows from the survey.
        string obsId = Str(21);
        var facts = SurveyFacts.Of(meta.Instrument);
        return meta with
        {
            SurveyObsId = obsId.Length > 0 && obsId != meta.ObsId ? obsId : null,
            FluxUnit = facts.FluxUnit ?? meta.FluxUnit,
        };
    }
}
