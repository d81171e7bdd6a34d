using System.Globalization;
using System.Text;
using VoSpec.Engine;

namespace VoSpec.Server.Soda;

/// <summary>A spectrum as CSV with a header line: wavelength (vacuum Å), flux, flux_error and the other vectors present.</summary>
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

    private static async Task Drain(StringBuilder sb, Stream output, CancellationToken ct)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
        sb.Clear();
    }
}
