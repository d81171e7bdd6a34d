using System.Globalization;
using VoSpec.VOTable;

namespace VoSpec.Server.SpecService;

/// <summary>
/// getSpec as a VOTable (BINARY2). Aligned: one row per spectrum — specobjid and each vector as a fixed-length array
/// on the common grid. One spectrum: one row per pixel, scalar columns, its specobjid as a PARAM.
/// </summary>
public static class GetSpecVOTable
{
    public const string ContentType = "application/x-votable+xml";
    private const string FluxUnit = "1e-17erg/s/cm2/Angstrom";

    public static async Task WriteAsync(SpectrumRows rows, Stream output, CancellationToken ct)
    {
        string? size = rows.Aligned ? rows.Length.ToString(CultureInfo.InvariantCulture) : null;
        var fields = new List<VOTableField>();
        if (rows.Aligned) fields.Add(new VOTableField("specobjid", "long") { Ucd = "meta.id;meta.main" });
        foreach (var v in rows.Values) fields.Add(Field(v, size));

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

    private static VOTableField Field(SpecVector v, string? size) => v switch
    {
        SpecVector.Loglam => new VOTableField("loglam", size is null ? "float" : "double") { Arraysize = size, Unit = "log(Angstrom)", Ucd = "em.wl", Description = "log10 of the vacuum wavelength in Angstrom" },
        SpecVector.Flux => new VOTableField("flux", "float") { Arraysize = size, Unit = FluxUnit, Ucd = "phot.flux.density;em.wl" },
        SpecVector.Ivar => new VOTableField("ivar", "float") { Arraysize = size, Unit = "1e+34cm4.s2.Angstrom2/erg2", Ucd = "stat.weight;phot.flux.density", Description = "inverse variance of flux" },
        SpecVector.AndMask => new VOTableField("and_mask", "int") { Arraysize = size, Ucd = "meta.code.qual" },
        SpecVector.OrMask => new VOTableField("or_mask", "int") { Arraysize = size, Ucd = "meta.code.qual" },
        SpecVector.WDisp => new VOTableField("wdisp", "float") { Arraysize = size, Description = "wavelength dispersion in pixels (log-lambda units)" },
        SpecVector.Sky => new VOTableField("sky", "float") { Arraysize = size, Unit = FluxUnit, Ucd = "phot.flux.density;em.wl;instr.skyLevel" },
        _ => new VOTableField("model", "float") { Arraysize = size, Unit = FluxUnit, Ucd = "phot.flux.density;em.wl;meta.modelled" },
    };
}
