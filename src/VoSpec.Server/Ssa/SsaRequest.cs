using System.Globalization;
using VoSpec.Core.Faults;
using VoSpec.Core.Sky;
using VoSpec.Server.Dali;

namespace VoSpec.Server.Ssa;

/// <summary>
/// An SSA 1.1 queryData request, parsed: POS/SIZE (cone diameter), BAND (metres), TIME (ISO 8601 → MJD),
/// FORMAT, REDSHIFT, TARGETNAME, TARGETCLASS, COLLECTION, PUBDID, SNR, TOP, MAXREC. Standard
/// parameters we don't constrain on are accepted and ignored; a supported one with a bad value is an error.
/// </summary>
public sealed record SsaRequest
{
    /// <summary>Cone diameter when POS comes without SIZE (degrees): the fibre-matching scale.</summary>
    public const double DefaultSize = 0.01;

    public bool Metadata { get; init; }
    /// <summary>The constraints, as the archive's search takes them (POS and SIZE as a centre and a radius).</summary>
    public SpectrumSearch Search { get; init; } = new();
    public long MaxRec { get; init; }

    public static SsaRequest Parse(DaliParameters p, long defaultMaxRec, long hardMaxRec)
    {
        var request = p.GetSingle("REQUEST");
        if (request is not null && !request.Equals("queryData", StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"REQUEST={request} is not supported (use queryData)");
        var version = p.GetSingle("VERSION");
        if (version is not null && !version.StartsWith("1", StringComparison.Ordinal))
            throw new UserInputException($"VERSION={version} is not supported (SSA 1.1)");
        var format = p.GetSingle("FORMAT");
        if (format is not null && format.Trim().Equals("metadata", StringComparison.OrdinalIgnoreCase))
            return new SsaRequest { Metadata = true, MaxRec = 0 };

        long maxRec = defaultMaxRec;
        if (p.GetSingle("MAXREC") is { } m)
        {
            if (!long.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out maxRec) || maxRec < 0)
                throw new UserInputException($"MAXREC must be a non-negative integer, not '{m}'");
        }
        if (p.GetSingle("TOP") is { } top)
        {
            if (!long.TryParse(top, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) || t < 0)
                throw new UserInputException($"TOP must be a non-negative integer, not '{top}'");
            maxRec = Math.Min(maxRec, t);
        }
        return new SsaRequest
        {
            Search = new SpectrumSearch
            {
                Position = p.GetSingle("POS") is { } pos ? ParsePos(pos) : null,
                RadiusDeg = (p.GetSingle("SIZE") is { } size ? ParsePositive(size, "SIZE") : DefaultSize) / 2,
                Bands = p.GetSingle("BAND") is { } band ? ParseRanges(band, "BAND", ParseNumber) : [],
                Times = p.GetSingle("TIME") is { } time ? ParseRanges(time, "TIME", ParseMjd) : [],
                FormatServed = format is null || FormatMatches(format),
                Redshift = p.GetSingle("REDSHIFT") is { } z ? ParseRanges(z, "REDSHIFT", ParseNumber)[0] : null,
                TargetName = NullIfEmpty(p.GetSingle("TARGETNAME")),
                TargetClasses = p.GetSingle("TARGETCLASS") is { } tc ? tc.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
                Collection = NullIfEmpty(p.GetSingle("COLLECTION")),
                PubDid = NullIfEmpty(p.GetSingle("PUBDID")),
                MinSnr = p.GetSingle("SNR") is { } snr ? ParseNumber(snr, "SNR") : null,
            },
            MaxRec = Math.Min(maxRec, hardMaxRec),
        };
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>POS=ra,dec[;frame] in decimal degrees; only ICRS.</summary>
    private static (double, double) ParsePos(string text)
    {
        var parts = text.Split(';');
        if (parts.Length > 1 && !parts[1].Trim().Equals("ICRS", StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"POS frame '{parts[1]}' is not supported (use ICRS)");
        var xy = parts[0].Split(',');
        if (xy.Length != 2 || !double.TryParse(xy[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ra)
            || !double.TryParse(xy[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var dec))
            throw new UserInputException($"POS must be 'ra,dec' in decimal degrees (0≤ra≤360, −90≤dec≤90), not '{text}'");
        try { SkyRules.CheckPosition(ra, dec); }
        catch (InvalidSkyGeometryException e) { throw new UserInputException($"POS '{text}': {e.Message}"); }
        if (ra < 0 || ra > 360) throw new UserInputException($"POS '{text}': right ascension must lie in [0, 360] degrees");
        return (ra, dec);
    }

    private static double ParsePositive(string text, string name)
    {
        if (!TryNumber(text, out var v) || v <= 0 || v > 180) throw new UserInputException($"{name} must be a diameter in degrees in (0, 180], not '{text}'");
        return v;
    }

    private static double ParseNumber(string text, string name) =>
        TryNumber(text, out var v) ? v : throw new UserInputException($"{name}: '{text}' is not a number");

    private static bool TryNumber(string s, out double v) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);

    /// <summary>A range list: items `lo/hi`, `lo/`, `/hi`, `/` or a single value, comma-separated; `;qualifier` ignored.</summary>
    private static List<(double, double)> ParseRanges(string text, string name, Func<string, string, double> value)
    {
        var list = new List<(double, double)>();
        foreach (var item in text.Split(';')[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int slash = item.IndexOf('/');
            double lo, hi;
            if (slash < 0) lo = hi = value(item, name);
            else
            {
                lo = slash == 0 ? double.NegativeInfinity : value(item[..slash], name);
                hi = slash == item.Length - 1 ? double.PositiveInfinity : value(item[(slash + 1)..], name);
            }
            if (lo > hi) throw new UserInputException($"{name}: range '{item}' is reversed");
            list.Add((lo, hi));
        }
        if (list.Count == 0) throw new UserInputException($"{name} is empty");
        return list;
    }

    /// <summary>ISO 8601 (yyyy, yyyy-mm, yyyy-mm-dd, or with a time) as MJD; a partial date stands for its whole period's start.</summary>
    private static double ParseMjd(string text, string name)
    {
        var t = text.Trim();
        string[] formats = ["yyyy", "yyyy-MM", "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'"];
        if (!DateTime.TryParseExact(t, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d))
            throw new UserInputException($"{name}: '{text}' is not an ISO 8601 date");
        return (d - new DateTime(1858, 11, 17, 0, 0, 0, DateTimeKind.Utc)).TotalDays;
    }

    /// <summary>FORMAT values we serve datasets in: FITS (what Access.Reference returns).</summary>
    private static bool FormatMatches(string format) =>
        format.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(f => f.ToLowerInvariant() is "all" or "compliant" or "native" or "fits" or "application/fits" or "image/fits");
}
