using System.Globalization;
using VoSpec.Archive.Catalogue;
using VoSpec.Core.Spectra;
using VoSpec.Engine;
using VoSpec.VOTable;

namespace VoSpec.Server.Formats;

/// <summary>
/// Spectra as VOTables. One spectrum (SODA, DataLink) in the spirit of the IVOA Spectrum Data Model: one row per
/// pixel, the spectral and flux axes marked by SDM utypes and UCDs (how TOPCAT, SPLAT and pyvo find them), the
/// source's metadata as PARAMs. getSpec's rows (BINARY2): aligned, one row per spectrum — specobjid and each
/// vector as a fixed-length array on the common grid; one spectrum, one row per pixel with its specobjid as a PARAM.
/// Flux-like fields carry the survey's flux unit (SurveyFacts); relative flux (LAMOST) has none and says so, and
/// aligned rows of surveys with different units carry none either (each row's survey follows from its collection).
/// </summary>
public static class SpectrumVOTable
{
    public const string ContentType = "application/x-votable+xml";

    private static readonly VOTableField Wavelength = new("wavelength", "double")
    { Unit = SpectrumUnits.Wavelength, Ucd = "em.wl", Utype = "spec:Spectrum.Data.SpectralAxis.Value", Description = "Vacuum wavelength of the pixel centre" };
    private static readonly VOTableField AndMask = new("and_mask", "int")
    { Ucd = "meta.code.qual", Utype = "spec:Spectrum.Data.FluxAxis.Quality", Description = "AND mask bits (the survey's own bit meanings)" };

    /// <summary>What flux-like fields say when the flux has no physical unit.</summary>
    private const string RelativeNote = " (relative flux: arbitrary scale, no physical unit)";

    private static string Note(string? unit) => unit is null ? RelativeNote : "";

    /// <summary>Writes the document, flushing asynchronously every few thousand rows.</summary>
    public static async Task WriteAsync(SpectrumMeta meta, SpectrumCutout view, string did, Stream output, CancellationToken ct)
    {
        string? unit = SurveyFacts.Of(meta.Instrument).VoFluxUnit;
        var fields = new List<VOTableField>
        {
            Wavelength,
            new("flux", "float") { Unit = unit, Ucd = "phot.flux.density;em.wl", Utype = "spec:Spectrum.Data.FluxAxis.Value", Description = (unit is null ? "Flux density" : "Calibrated flux density") + Note(unit) },
        };
        if (view.HasIvar) fields.Add(new("flux_error", "float") { Unit = unit, Ucd = "stat.error;phot.flux.density;em.wl", Utype = "spec:Spectrum.Data.FluxAxis.Accuracy.StatError", Description = "1-sigma flux error, 1/sqrt(ivar); null where ivar is 0" + Note(unit) });
        if (view.HasAndMask) fields.Add(AndMask);
        if (view.HasSky) fields.Add(new("sky", "float") { Unit = unit, Ucd = "phot.flux.density;em.wl;instr.skyLevel", Description = "Subtracted sky flux" + Note(unit) });
        if (view.HasModel) fields.Add(new("model", "float") { Unit = unit, Ucd = "phot.flux.density;em.wl;meta.modelled", Description = "Best-fit model spectrum" + Note(unit) });

        await using var w = new VOTableWriter(output, leaveOpen: true);
        w.BeginDocument();
        w.BeginResource("results", name: "spectrum", utype: "spec:Spectrum");
        w.WriteParam(VOTableParam.Text("publisher_did", did, "meta.ref.ivoid"));
        w.WriteParam(VOTableParam.Text("obs_id", meta.ObsId, "meta.id"));
        w.WriteParam(new VOTableParam(new VOTableField("ra", "double") { Unit = "deg", Ucd = "pos.eq.ra;meta.main" }, R(meta.Ra)));
        w.WriteParam(new VOTableParam(new VOTableField("dec", "double") { Unit = "deg", Ucd = "pos.eq.dec;meta.main" }, R(meta.Dec)));
        w.WriteParam(new VOTableParam(new VOTableField("z", "double") { Ucd = "src.redshift" }, R(meta.Z)));
        w.WriteParam(VOTableParam.Text("class", meta.Class, "src.class"));
        w.BeginTable(fields, Serialization.TableData, name: "spectrum", description: $"{meta.Instrument} spectrum {meta.ObsId}, pixels {view.Range.Start}..{view.Range.Last} of {view.Source.Count}");
        for (int i = 0; i < view.Count; i++)
        {
            w.WriteDouble(view.WavelengthAt(i));
            w.WriteSingle(view.Flux[i]);
            if (view.HasIvar)
            {
                float iv = view.Ivar[i];
                if (iv > 0) w.WriteSingle((float)(1 / Math.Sqrt(iv))); else w.WriteNull();
            }
            if (view.HasAndMask) w.WriteInt64(view.AndMask[i]);
            if (view.HasSky) w.WriteSingle(view.Sky[i]);
            if (view.HasModel) w.WriteSingle(view.Model[i]);
            w.EndRow();
            if (w.BytesPending > 1 << 16) await w.FlushAsync(ct);
        }
        w.EndTable();
        w.EndResource();
        w.EndDocument();
        await w.FlushAsync(ct);
    }

    private static string R(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>getSpec's rows, aligned or one spectrum.</summary>
    public static async Task WriteAsync(SpectrumRows rows, Stream output, CancellationToken ct)
    {
        string? size = rows.Aligned ? rows.Length.ToString(CultureInfo.InvariantCulture) : null;
        var fields = new List<VOTableField>();
        if (rows.Aligned) fields.Add(new VOTableField("specobjid", "long") { Ucd = "meta.id;meta.main" });
        var units = rows.Locations.Select(l => SurveyFacts.OfCollection(l.Collection).VoFluxUnit).Distinct().ToList();
        string? unit = units.Count == 1 ? units[0] : null;
        string note = units.Count == 1 ? Note(unit) : " (rows of surveys with different flux units: each row in its own survey's unit, " +
            string.Join(" or ", units.Select(u => u ?? "relative")) + ")";
        foreach (var v in rows.Values) fields.Add(Field(v, size, unit, note));

        await using var w = new VOTableWriter(output, leaveOpen: true);
        w.BeginDocument();
        w.BeginResource("results");
        w.WriteInfo("QUERY_STATUS", "OK");
        if (!rows.Aligned)
            w.WriteParam(new VOTableParam(new VOTableField("specobjid", "long") { Ucd = "meta.id;meta.main" },
                rows.Locations[0].SpecObjId.ToString(CultureInfo.InvariantCulture)));
        w.BeginTable(fields, Serialization.Binary2, name: rows.Aligned ? "aligned" : "spectrum");
        var b = rows.NewBuffers();
        if (rows.Aligned)
        {
            for (int i = 0; i < rows.Count; i++)
            {
                rows.Fill(i, b);
                w.WriteInt64(rows.Locations[i].SpecObjId);
                foreach (var v in rows.Values)
                {
                    if (v == SpecVector.Loglam) w.WriteArray(b.Loglam.AsSpan());
                    else if (SpecVectors.IsMask(v)) w.WriteArray(b.Ints[(int)v].AsSpan());
                    else w.WriteArray(b.Floats[(int)v].AsSpan());
                }
                w.EndRow();
                if (w.BytesPending > 1 << 16) await w.FlushAsync(ct);
            }
        }
        else
        {
            rows.Fill(0, b);
            for (int k = 0; k < rows.Length; k++)
            {
                foreach (var v in rows.Values)
                {
                    if (v == SpecVector.Loglam) w.WriteSingle((float)b.Loglam[k]);
                    else if (SpecVectors.IsMask(v)) w.WriteInt64(b.Ints[(int)v]![k]);
                    else w.WriteSingle(b.Floats[(int)v]![k]);
                }
                w.EndRow();
                if (w.BytesPending > 1 << 16) await w.FlushAsync(ct);
            }
        }
        w.EndTable();
        w.EndResource();
        w.EndDocument();
        await w.FlushAsync(ct);
    }

    private static VOTableField Field(SpecVector v, string? size, string? fluxUnit, string note) => v switch
    {
        SpecVector.Loglam => new VOTableField("loglam", size is null ? "float" : "double") { Arraysize = size, Unit = "log(Angstrom)", Ucd = "em.wl", Description = "log10 of the vacuum wavelength in Angstrom" },
        SpecVector.Flux => new VOTableField("flux", "float") { Arraysize = size, Unit = fluxUnit, Ucd = "phot.flux.density;em.wl", Description = note.Length == 0 ? null : "flux" + note },
        SpecVector.Ivar => new VOTableField("ivar", "float") { Arraysize = size, Unit = fluxUnit == SpectrumUnits.Flux ? SpectrumUnits.InverseVariance : null, Ucd = "stat.weight;phot.flux.density", Description = "inverse variance of flux" + note },
        SpecVector.AndMask => new VOTableField("and_mask", "int") { Arraysize = size, Ucd = "meta.code.qual" },
        SpecVector.OrMask => new VOTableField("or_mask", "int") { Arraysize = size, Ucd = "meta.code.qual" },
        SpecVector.WDisp => new VOTableField("wdisp", "float") { Arraysize = size, Description = "wavelength dispersion in pixels (log-lambda units)" },
        SpecVector.Sky => new VOTableField("sky", "float") { Arraysize = size, Unit = fluxUnit, Ucd = "phot.flux.density;em.wl;instr.skyLevel", Description = note.Length == 0 ? null : "sky" + note },
        _ => new VOTableField("model", "float") { Arraysize = size, Unit = fluxUnit, Ucd = "phot.flux.density;em.wl;meta.modelled", Description = note.Length == 0 ? null : "model" + note },
    };
}
