using System.Globalization;
using VoSpec.Core.Faults;
using VoSpec.Server.Dali;

namespace VoSpec.Server.Tap;

/// <summary>The result formats a TAP query can be written in.</summary>
public enum TapFormat { VOTableBinary2, VOTableTableData, Csv, Tsv, Fits }

/// <summary>
/// A TAP query request, parsed and checked: LANG, QUERY, RESPONSEFORMAT (or FORMAT), MAXREC,
/// UPLOAD, RUNID. Parsing happens when the query runs (for async jobs: at run time, not creation).
/// </summary>
public sealed record TapRequest
{
    public required string Query { get; init; }
    public required TapFormat Format { get; init; }
    /// <summary>The Content-Type to answer with: the MIME type the client asked for, or ours.</summary>
    public required string ContentType { get; init; }
    public required long MaxRec { get; init; }
    public IReadOnlyList<(string Name, string Uri)> Uploads { get; init; } = [];
    public string? RunId { get; init; }

    public static readonly string[] Languages = ["ADQL", "ADQL-2.0", "ADQL-2.1"];

    public static TapRequest Parse(DaliParameters p, TapLimits limits)
    {
        var request = p.GetSingle("REQUEST");
        if (request is not null && !request.Equals("doQuery", StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"REQUEST={request} is not supported (TAP 1.1 needs no REQUEST; TAP 1.0 clients send doQuery)");
        var lang = p.GetSingle("LANG") ?? throw new UserInputException("missing LANG parameter (use LANG=ADQL)");
        if (!Languages.Contains(lang, StringComparer.OrdinalIgnoreCase))
            throw new UserInputException($"unknown query language '{lang}' (supported: {string.Join(", ", Languages)})");
        var query = p.GetSingle("QUERY");
        if (string.IsNullOrWhiteSpace(query)) throw new UserInputException("missing QUERY parameter");

        var formatText = p.GetSingle("RESPONSEFORMAT") ?? p.GetSingle("FORMAT");
        var (format, contentType) = ResolveFormat(formatText);

        long maxRec = limits.DefaultMaxRec;
        if (p.GetSingle("MAXREC") is { } m)
        {
            if (!long.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out maxRec) || maxRec < 0)
                throw new UserInputException($"MAXREC must be a non-negative integer, not '{m}'");
            maxRec = Math.Min(maxRec, limits.HardMaxRec);
        }

        var uploads = new List<(string, string)>();
        foreach (var u in p.GetAll("UPLOAD"))
            foreach (var part in u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int comma = part.IndexOf(',');
                if (comma <= 0 || comma == part.Length - 1) throw new UserInputException($"UPLOAD must be name,URI — not '{part}'");
                uploads.Add((part[..comma].Trim(), part[(comma + 1)..].Trim()));
            }

        var runId = p.GetSingle("RUNID");
        return new TapRequest { Query = query, Format = format, ContentType = contentType, MaxRec = maxRec, Uploads = uploads, RunId = runId };
    }

    /// <summary>RESPONSEFORMAT as a MIME type (parameters we don't know are ignored) or a short alias.</summary>
    public static (TapFormat Format, string ContentType) ResolveFormat(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (TapFormat.VOTableBinary2, "application/x-votable+xml");
        var t = text.Trim();
        var lower = t.ToLowerInvariant();
        var mime = lower.Split(';')[0].Trim();
        bool tableData = lower.Contains("serialization=tabledata") || lower is "votable/td" or "votable_td";
        TapFormat? f = mime switch
        {
            "votable" or "votable/b2" or "votable/binary2" or "application/x-votable+xml" or "text/xml" or "application/xml" =>
                tableData ? TapFormat.VOTableTableData : TapFormat.VOTableBinary2,
            "votable/td" or "votable_td" => TapFormat.VOTableTableData,
            "csv" or "text/csv" => TapFormat.Csv,
            "tsv" or "text/tab-separated-values" => TapFormat.Tsv,
            "fits" or "application/fits" => TapFormat.Fits,
            _ => null,
        };
        if (f is null) throw new UserInputException($"unsupported RESPONSEFORMAT '{t}' (supported: votable, votable/td, csv, tsv, fits or their MIME types)");
        // A client that asked with a MIME type gets exactly that type back.
        string contentType = t.Contains('/') && !lower.StartsWith("votable") ? t : f switch
        {
            TapFormat.VOTableTableData => "application/x-votable+xml;serialization=TABLEDATA",
            TapFormat.Csv => "text/csv;header=present",
            TapFormat.Tsv => "text/tab-separated-values",
            TapFormat.Fits => "application/fits",
            _ => "application/x-votable+xml",
        };
        return (f.Value, contentType);
    }
}
