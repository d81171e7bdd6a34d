using System.Globalization;
using System.Text;

namespace VoSpec.Server.SpecService;

/// <summary>
/// getSpec as CSV in long form: a header line, then one line per (spectrum, pixel) — specobjid and the requested
/// vectors — each ending with '\n'. Aligned spectra all have the common grid's length (zero-padded).
/// </summary>
public static class GetSpecCsv
{
    public const string ContentType = "text/csv";

    public static async Task WriteAsync(SpectrumRows rows, Stream output, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("specobjid");
        foreach (var v in rows.Values) sb.Append(',').Append(SpecVectors.Name(v));
        sb.Append('\n');
        var b = rows.NewBuffers();
        for (int i = 0; i < rows.Count; i++)
        {
            rows.Fill(i, b);
            var id = rows.Locations[i].SpecObjId.ToString(inv);
            for (int k = 0; k < rows.Length; k++)
            {
                sb.Append(id);
                foreach (var v in rows.Values)
                {
                    sb.Append(',');
                    if (v == SpecVector.Loglam) sb.Append(b.Loglam[k].ToString("R", inv));
                    else if (SpecVectors.IsMask(v)) sb.Append(b.Ints[(int)v]![k].ToString(inv));
                    else sb.Append(b.Floats[(int)v]![k].ToString("R", inv));
                }
                sb.Append('\n');
                if (sb.Length > 1 << 16) await Drain(sb, output, ct);
            }
        }
        await Drain(sb, output, ct);
    }

    private static async Task Drain(StringBuilder sb, Stream output, CancellationToken ct)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
        sb.Clear();
    }
}
