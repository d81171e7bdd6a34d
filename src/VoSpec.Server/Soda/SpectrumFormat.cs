using VoSpec.Core.Faults;

namespace VoSpec.Server.Soda;

/// <summary>The forms a spectrum (whole or cut out) is served in.</summary>
public enum SpectrumFormat { Fits, VOTable, Csv, Npy }

public static class SpectrumFormats
{
    /// <summary>The MIME types offered in descriptors and links, in order of preference.</summary>
    public static readonly string[] MimeTypes = [SpectrumFits.ContentType, SpectrumVOTable.ContentType, SpectrumCsv.ContentType, SpectrumNpy.ContentType];

    public static string ContentType(SpectrumFormat f) => f switch
    {
        SpectrumFormat.VOTable => SpectrumVOTable.ContentType,
        SpectrumFormat.Csv => SpectrumCsv.ContentType + ";header=present",
        SpectrumFormat.Npy => SpectrumNpy.ContentType,
        _ => SpectrumFits.ContentType,
    };

    /// <summary>RESPONSEFORMAT as a MIME type (its parameters ignored) or a short name; absent or empty means FITS.</summary>
    public static SpectrumFormat Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return SpectrumFormat.Fits;
        var mime = text.Split(';')[0].Trim().ToLowerInvariant();
        return mime switch
        {
            "fits" or "application/fits" or "image/fits" => SpectrumFormat.Fits,
            "votable" or "application/x-votable+xml" or "text/xml" or "application/xml" or "votable/td" => SpectrumFormat.VOTable,
            "csv" or "text/csv" => SpectrumFormat.Csv,
            "npy" or "numpy" or "application/x-npy" => SpectrumFormat.Npy,
            _ => throw new UserInputException($"unsupported RESPONSEFORMAT '{text.Trim()}' (supported: {string.Join(", ", MimeTypes)})"),
        };
    }
}
