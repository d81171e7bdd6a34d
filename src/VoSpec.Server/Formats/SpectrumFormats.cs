using VoSpec.Core.Faults;

namespace VoSpec.Server.Formats;

/// <summary>The forms a spectrum (whole, cut out, or many aligned) is served in.</summary>
public enum SpectrumFormat { Fits, VOTable, Csv, Npy }

/// <summary>
/// One way of asking for a <see cref="SpectrumFormat"/>: the parameter a protocol reads, the names it accepts for each
/// format (MIME types or short names), the MIME type it answers with, its default and its refusal. SODA and DataLink's
/// dataset links share <see cref="Dali"/> (RESPONSEFORMAT); the /spec service has its own (format=, Data Lab's names).
/// </summary>
public sealed class SpectrumNegotiation
{
    private readonly Dictionary<string, SpectrumFormat> _names;
    private readonly Func<string, string> _normalise;
    private readonly Func<string, string> _refusal;
    private readonly IReadOnlyDictionary<SpectrumFormat, string> _contentTypes;

    private SpectrumNegotiation(SpectrumFormat @default, IEnumerable<(SpectrumFormat Format, string[] Names)> names, Func<string, string> normalise,
        Func<string, string> refusal, IReadOnlyDictionary<SpectrumFormat, string> contentTypes)
    {
        Default = @default;
        _names = names.SelectMany(n => n.Names.Select(name => (name, n.Format))).ToDictionary(x => x.name, x => x.Format, StringComparer.Ordinal);
        _normalise = normalise;
        _refusal = refusal;
        _contentTypes = contentTypes;
    }

    public SpectrumFormat Default { get; }

    /// <summary>The format asked for; absent means the default; anything unknown is a user error naming what is served.</summary>
    public SpectrumFormat Parse(string? text)
    {
        if (text is null || (this == Dali && string.IsNullOrWhiteSpace(text))) return Default;
        return _names.TryGetValue(_normalise(text), out var f) ? f : throw new UserInputException(_refusal(text));
    }

    /// <summary>The Content-Type of an answer in <paramref name="format"/>.</summary>
    public string ContentType(SpectrumFormat format) => _contentTypes[format];

    /// <summary>
    /// DALI's RESPONSEFORMAT for SODA cutouts and DataLink's dataset links: a MIME type (its parameters ignored) or a
    /// short name, any case; absent or empty means FITS.
    /// </summary>
    public static readonly SpectrumNegotiation Dali = new(SpectrumFormat.Fits,
        [
            (SpectrumFormat.Fits, ["fits", SpectrumFits.ContentType, "image/fits"]),
            (SpectrumFormat.VOTable, ["votable", SpectrumVOTable.ContentType, "text/xml", "application/xml", "votable/td"]),
            (SpectrumFormat.Csv, ["csv", SpectrumCsv.ContentType]),
            (SpectrumFormat.Npy, ["npy", "numpy", SpectrumNpy.ContentType]),
        ],
        text => text.Split(';')[0].Trim().ToLowerInvariant(),
        text => $"unsupported RESPONSEFORMAT '{text.Trim()}' (supported: {string.Join(", ", SpectrumFormats.MimeTypes)})",
        new Dictionary<SpectrumFormat, string>
        {
            [SpectrumFormat.Fits] = SpectrumFits.ContentType, [SpectrumFormat.VOTable] = SpectrumVOTable.ContentType,
            [SpectrumFormat.Csv] = SpectrumCsv.ContentType + ";header=present", [SpectrumFormat.Npy] = SpectrumNpy.ContentType,
        });

    /// <summary>
    /// The /spec service's format= (getSpec): numpy and the forms Data Lab's client builds from numpy on its side
    /// (pandas, Spectrum1D, SpectrumCollection, tables); FITS (one spectrum); VOTable and CSV for other clients. The
    /// client reads numpy as application/octet-stream.
    /// </summary>
    public static readonly SpectrumNegotiation SpecService = new(SpectrumFormat.Npy,
        [
            (SpectrumFormat.Npy, ["numpy", "npy", "pandas", "spectrum1d", "spectrumcollection", "tables", "table"]),
            (SpectrumFormat.Fits, ["fits"]),
            (SpectrumFormat.VOTable, ["votable", "vot", "xml"]),
            (SpectrumFormat.Csv, ["csv"]),
        ],
        text => text.ToLowerInvariant(),
        text => $"format '{text}' is not served (numpy, pandas, Spectrum1D, SpectrumCollection, tables, FITS, VOTable, CSV)",
        new Dictionary<SpectrumFormat, string>
        {
            [SpectrumFormat.Fits] = SpectrumFits.ContentType, [SpectrumFormat.VOTable] = SpectrumVOTable.ContentType,
            [SpectrumFormat.Csv] = SpectrumCsv.ContentType, [SpectrumFormat.Npy] = "application/octet-stream",
        });
}

/// <summary>What every protocol shares about the formats: the MIME types offered in descriptors and links, and file names.</summary>
public static class SpectrumFormats
{
    /// <summary>The MIME types offered in descriptors and links, in order of preference.</summary>
    public static readonly string[] MimeTypes = [SpectrumFits.ContentType, SpectrumVOTable.ContentType, SpectrumCsv.ContentType, SpectrumNpy.ContentType];

    /// <summary>The file name extension of a download in <paramref name="format"/>.</summary>
    public static string Extension(SpectrumFormat format) => format switch
    {
        SpectrumFormat.VOTable => ".vot", SpectrumFormat.Csv => ".csv", SpectrumFormat.Npy => ".npy", _ => ".fits",
    };
}
