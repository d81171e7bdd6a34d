using System.Globalization;
using VoSpec.Core.Faults;

namespace VoSpec.Server.SpecService;

/// <summary>One requested spectrum: a specobjid, or a (plate, mjd, fiberid) tuple.</summary>
public readonly record struct SpecId(long? SpecObjId, int Plate, int Mjd, int FiberId)
{
    public static SpecId Of(long specObjId) => new(specObjId, 0, 0, 0);
    public static SpecId Of(int plate, int mjd, int fiberId) => new(null, plate, mjd, fiberId);

    public bool IsTuple => SpecObjId is null;

    public override string ToString() => SpecObjId is { } id
        ? id.ToString(CultureInfo.InvariantCulture)
        : $"({Plate}, {Mjd}, {FiberId})";

    /// <summary>
    /// Every id in <paramref name="texts"/>: each text holds one or more ids separated by commas, whitespace or
    /// newlines (a Python list's brackets and quotes are tolerated); a tuple is "(plate, mjd, fiberid)".
    /// </summary>
    public static List<SpecId> ParseList(IEnumerable<string> texts, int maxIds)
    {
        var ids = new List<SpecId>();
        foreach (var text in texts)
        {
            int i = 0;
            while (true)
            {
                while (i < text.Length && IsSeparator(text[i])) i++;
                if (i >= text.Length) break;
                if (ids.Count >= maxIds) throw SpecServiceException.TooManyIds(maxIds);
                if (text[i] == '(')
                {
                    int close = text.IndexOf(')', i);
                    if (close < 0) throw new UserInputException($"id list: unclosed tuple at '{Excerpt(text, i)}'");
                    ids.Add(ParseTuple(text[(i + 1)..close]));
                    i = close + 1;
                }
                else
                {
                    int start = i;
                    while (i < text.Length && !IsSeparator(text[i]) && text[i] != '(') i++;
                    ids.Add(ParseOne(text[start..i]));
                }
            }
        }
        return ids;
    }

    /// <summary>One id as the query call's id parameter carries it.</summary>
    public static SpecId Parse(string text)
    {
        var list = ParseList([text], 2);
        if (list.Count != 1) throw new UserInputException($"id must be one specobjid or (plate, mjd, fiberid), not '{Excerpt(text, 0)}'");
        return list[0];
    }

    private static bool IsSeparator(char c) => c is ',' or '[' or ']' or '\'' or '"' || char.IsWhiteSpace(c);

    private static SpecId ParseOne(string token)
    {
        // numpy prints int64 scalars plainly; tolerate a trailing 'L' or '.0' from other clients.
        var t = token.EndsWith(".0", StringComparison.Ordinal) ? token[..^2] : token.TrimEnd('L');
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
            return Of(id);
        if (ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var u))
            return Of(unchecked((long)u)); // SDSS specObjIDs are unsigned 64-bit: the catalogue stores the same bits
        throw new UserInputException($"'{Excerpt(token, 0)}' is not a specobjid (an integer) or a (plate, mjd, fiberid) tuple");
    }

    private static SpecId ParseTuple(string inner)
    {
        var parts = inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var n = new int[3];
        if (parts.Length != 3 || !parts.Select((p, k) => int.TryParse(p.Trim('\'', '"'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n[k])).All(ok => ok))
            throw new UserInputException($"'({Excerpt(inner, 0)})' is not a (plate, mjd, fiberid) tuple of three integers");
        return Of(n[0], n[1], n[2]);
    }

    private static string Excerpt(string s, int from) => s.Length - from > 40 ? s.Substring(from, 40) + "…" : s[from..];
}
