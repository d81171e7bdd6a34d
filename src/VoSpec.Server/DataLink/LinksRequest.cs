using System.Globalization;
using VoSpec.Core.Faults;
using VoSpec.Server.Dali;
using VoSpec.VOTable;

namespace VoSpec.Server.DataLink;

/// <summary>A {links} request: the IDs in the order sent (repeats kept), MAXREC, and the table serialisation.</summary>
public sealed record LinksRequest
{
    /// <summary>IDs answered per request when MAXREC does not say less; the rest are left to the client (OVERFLOW).</summary>
    public const int MaxIds = 1000;

    public required IReadOnlyList<string> Ids { get; init; }
    public required int Limit { get; init; }
    public Serialization Serialization { get; init; } = Serialization.TableData;

    public bool Overflow => Ids.Count > Limit;
    public IEnumerable<string> Answered => Ids.Take(Limit);

    public static LinksRequest Parse(DaliParameters p)
    {
        int limit = MaxIds;
        if (p.GetSingle("MAXREC") is { } m && !string.IsNullOrWhiteSpace(m))
        {
            if (!int.TryParse(m.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int maxRec) || maxRec < 0)
                throw new UserInputException($"MAXREC must be a non-negative integer, not '{m}'");
            limit = Math.Min(limit, maxRec);
        }
        return new LinksRequest { Ids = p.GetAll("ID").ToList(), Limit = limit, Serialization = ParseFormat(p.GetSingle("RESPONSEFORMAT")) };
    }

    /// <summary>Absent, votable or the VOTable MIME type (with any parameters) → TABLEDATA; BINARY2 only when asked for by name.</summary>
    private static Serialization ParseFormat(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Serialization.TableData;
        var lower = text.Trim().ToLowerInvariant();
        var mime = lower.Split(';')[0].Trim();
        if (mime is not ("votable" or "votable/td" or "votable/b2" or "application/x-votable+xml" or "text/xml" or "application/xml"))
            throw new UserInputException($"unsupported RESPONSEFORMAT '{text.Trim()}' (a links table is a VOTable: use application/x-votable+xml)");
        return mime == "votable/b2" || lower.Contains("serialization=binary2") ? Serialization.Binary2 : Serialization.TableData;
    }
}
