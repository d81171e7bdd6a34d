using System.Data.Common;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// One spectrum's catalogue metadata (spec.specobj with ObsCore's aperture and times) as every backend reads it: the
/// columns in one SELECT (the caller appends its parameter for spec_id) and the <see cref="SpectrumMeta"/> made from them.
/// </summary>
internal static class MetaRow
{
    public const string Sql = """
        SELECT s.specobjid, s.plate, s.mjd, s.fiberid, s.run2d, s.run1d, s.ra, s.dec, s.z, s.zerr, s.zwarning, s.class, s.subclass,
               s.survey, s.programname, s.sn_median, s.instrument, o.s_fov, s.exptime, o.t_min, o.t_max, s.obs_id
        FROM specobj s JOIN ivoa_obscore o ON o.spec_id = s.spec_id WHERE s.spec_id = 
        """;

    public static SpectrumMeta Read(DbDataReader r)
    {
        string Str(int i) => r.IsDBNull(i) ? "" : r.GetString(i);
        double? Opt(int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
        var meta = new SpectrumMeta
        {
            SpecObjId = r.GetInt64(0), Plate = r.GetInt32(1), Mjd = r.GetInt32(2), FiberId = r.GetInt32(3),
            Run2d = Str(4), Run1d = Str(5), Ra = r.GetDouble(6), Dec = r.GetDouble(7), Z = r.GetDouble(8), ZErr = r.GetDouble(9),
            ZWarning = r.GetInt32(10), Class = Str(11), Subclass = Str(12), Survey = Str(13), ProgramName = Str(14),
            SnMedian = r.GetDouble(15), Instrument = Str(16), FiberDiameter = r.GetDouble(17) * 3600.0, ExpTime = Opt(18),
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
