using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace VoSpec.Server.Registry;

/// <summary>An OAI-PMH error: its code from the protocol's list and a message for people.</summary>
public sealed class OaiException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// An OAI-PMH 2.0 request, checked as §3.4 asks: the verb, its required, optional and exclusive arguments (names are
/// case-sensitive, none repeated, none unknown), datestamps at day or second granularity with both bounds alike, and
/// resumption tokens that carry the whole list request (stateless: a token stays valid across restarts and servers).
/// </summary>
public sealed record OaiRequest(string Verb, IReadOnlyDictionary<string, string> Arguments)
{
    public static readonly string[] Verbs = ["Identify", "ListMetadataFormats", "ListSets", "ListIdentifiers", "ListRecords", "GetRecord"];
    private static readonly Dictionary<string, (string[] Required, string[] Optional)> Grammar = new()
    {
        ["Identify"] = ([], []),
        ["ListMetadataFormats"] = ([], ["identifier"]),
        ["ListSets"] = ([], ["resumptionToken"]),
        ["ListIdentifiers"] = (["metadataPrefix"], ["from", "until", "set", "resumptionToken"]),
        ["ListRecords"] = (["metadataPrefix"], ["from", "until", "set", "resumptionToken"]),
        ["GetRecord"] = (["identifier", "metadataPrefix"], []),
    };

    public string? this[string name] => Arguments.GetValueOrDefault(name);

    /// <summary>Checks the arguments; throws <see cref="OaiException"/> with badVerb or badArgument.</summary>
    public static OaiRequest Parse(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var repeated = new List<string>();
        foreach (var (k, v) in parameters)
            if (!args.TryAdd(k, v)) repeated.Add(k);
        if (!args.Remove("verb", out var verb)) throw new OaiException("badVerb", "the request has no verb");
        if (repeated.Contains("verb")) throw new OaiException("badVerb", "the verb is given more than once");
        if (!Grammar.TryGetValue(verb, out var grammar)) throw new OaiException("badVerb", $"'{verb}' is not an OAI-PMH verb (they are {string.Join(", ", Verbs)})");
        if (repeated.Count > 0) throw new OaiException("badArgument", $"argument {repeated[0]} is given more than once");
        foreach (var name in args.Keys)
            if (!grammar.Required.Contains(name) && !grammar.Optional.Contains(name))
                throw new OaiException("badArgument", $"{verb} takes no argument '{name}'");
        if (args.ContainsKey("resumptionToken"))
        {
            if (args.Count > 1) throw new OaiException("badArgument", "resumptionToken is an exclusive argument: give it alone with the verb");
        }
        else
            foreach (var name in grammar.Required)
                if (!args.ContainsKey(name)) throw new OaiException("badArgument", $"{verb} needs the argument {name}");
        var request = new OaiRequest(verb, args);
        // Checked here so that every bad datestamp is badArgument, whatever the rest of the request.
        var (from, fromDay) = Datestamp(args.GetValueOrDefault("from"), "from", endOfDay: false);
        var (until, untilDay) = Datestamp(args.GetValueOrDefault("until"), "until", endOfDay: true);
        if (from is not null && until is not null)
        {
            if (fromDay != untilDay) throw new OaiException("badArgument", "from and until must have the same granularity");
            if (from > until) throw new OaiException("badArgument", "from is later than until");
        }
        return request;
    }

    public DateTimeOffset? From => Datestamp(this["from"], "from", endOfDay: false).Value;
    public DateTimeOffset? Until => Datestamp(this["until"], "until", endOfDay: true).Value;

    /// <summary>A datestamp at day (YYYY-MM-DD) or second (YYYY-MM-DDThh:mm:ssZ) granularity; an "until" day includes the whole day.</summary>
    private static (DateTimeOffset? Value, bool Day) Datestamp(string? text, string name, bool endOfDay)
    {
        if (text is null) return (null, false);
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day))
            return (endOfDay ? day.AddDays(1).AddSeconds(-1) : day, true);
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var second))
            return (second, false);
        throw new OaiException("badArgument", $"{name} '{text}' is not a datestamp (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)");
    }
}

/// <summary>
/// Where a long list stopped: the list request and the last identifier sent, as an opaque base64url string. The cursor
/// counts what was sent before, as OAI-PMH's resumptionToken attribute says.
/// </summary>
public sealed record ResumptionToken(string Verb, string Prefix, string? Set, string? From, string? Until, string After, int Cursor)
{
    public string Encode()
    {
        var text = string.Join('\n', "1", Verb, Prefix, Set ?? "", From ?? "", Until ?? "", After, Cursor.ToString(CultureInfo.InvariantCulture));
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The token for <paramref name="verb"/>; badResumptionToken when it is not one of ours or is for another verb.</summary>
    public static ResumptionToken Decode(string token, string verb)
    {
        string[] parts;
        try { parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n'); }
        catch (FormatException) { throw Bad(); }
        if (parts.Length != 8 || parts[0] != "1" || parts[1] != verb || parts[2].Length == 0 || parts[6].Length == 0
            || !int.TryParse(parts[7], NumberStyles.None, CultureInfo.InvariantCulture, out int cursor))
            throw Bad();
        var t = new ResumptionToken(parts[1], parts[2], Empty(parts[3]), Empty(parts[4]), Empty(parts[5]), parts[6], cursor);
        // The list request it carries is checked as the request itself would have been.
        try
        {
            var args = new List<KeyValuePair<string, string>> { new("verb", verb), new("metadataPrefix", t.Prefix) };
            if (t.Set is not null) args.Add(new("set", t.Set));
            if (t.From is not null) args.Add(new("from", t.From));
            if (t.Until is not null) args.Add(new("until", t.Until));
            OaiRequest.Parse(args);
        }
        catch (OaiException) { throw Bad(); }
        return t;

        static OaiException Bad() => new("badResumptionToken", "the resumption token is not one this registry issued for this verb");
        static string? Empty(string s) => s.Length == 0 ? null : s;
    }
}
