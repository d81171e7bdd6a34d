using System.Globalization;
using System.Text;
using VoSpec.Engine;

namespace VoSpec.Server.Formats;

/// <summary>
/// Spectra as CSV, every line ending with '\n' (the Data Lab client splits on it). One spectrum (SODA, DataLink): a
/// header line, then one line per pixel — wavelength (vacuum Å), flux, flux_error and the other vectors present.
/// getSpec's rows: long form, a header line, then one line per (spectrum, pixel) — specobjid and the requested
/// vectors; aligned spectra all have the common grid's length (zero-padded).
/// </summary>
public static class SpectrumCsv
{
    public const string ContentType = "text/csv";

    public static async Task WriteAsync(SpectrumCutout view, Stream output, CancellationToken ct)
    {
        var sb = new StringBuilder("wavelength,flux");
        if (view.HasIvar) sb.Append(",flux_error");
        if (view.HasAndMask) sb.Append(",and_mask");
        if (view.HasSky) sb.Append(",sky");
        if (view.HasModel) sb.Append(",model");
        sb.Append('\n');
        var inv = CultureInfo.InvariantCulture;
        for (int i = 0; i < view.Count; i++)
        {
            sb.Append(view.WavelengthAt(i).ToString("R", inv)).Append(',').Append(view.Flux[i].ToString("R", inv));
            if (view.HasIvar)
            {
                sb.Append(',');
                float iv = view.Ivar[i];
                if (iv > 0) sb.Append(((float)(1 / Math.Sqrt(iv))).ToString("R", inv));
            }
            if (view.HasAndMask) sb.Append(',').Append(view.AndMask[i].ToString(inv));
            if (view.HasSky) sb.Append(',').Append(view.Sky[i].ToString("R", inv));
            if (view.HasModel) sb.Append(',').Append(view.Model[i].ToString("R", inv));
            sb.Append('\n');
            if (sb.Length > 1 << 15) await Drain(sb, output, ct);
        }
        await Drain(sb, output, ct);
    }

    /// <summary>getSpec's rows (one or many spectra) in long form.</summary>
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
