using System.Globalization;
using System.Numerics;
using System.Text;

namespace VoSpec.Fits;

/// <summary>
/// One logical header card: keyword, value and comment. A long string read from several
/// CONTINUE cards is one HeaderCard. Values keep their text, so integers larger than
/// a long (TZERO = 9223372036854775808) lose nothing; the typed getters parse on demand.
/// </summary>
public sealed class HeaderCard
{
    public const int Length = 80;

    private HeaderCard(string keyword, HeaderValueKind kind, string valueText, string? comment, bool isHierarch)
    {
        Keyword = keyword; Kind = kind; ValueText = valueText; Comment = comment; IsHierarch = isHierarch;
    }

    /// <summary>Upper-case keyword; for HIERARCH cards the words after "HIERARCH" ("ESO DET CHIP").</summary>
    public string Keyword { get; }
    public HeaderValueKind Kind { get; }
    /// <summary>The value as written (numbers, T/F, "(re, im)"), the unquoted string, or a commentary card's text.</summary>
    public string ValueText { get; }
    public string? Comment { get; }
    public bool IsHierarch { get; }

    public bool IsCommentary => Kind == HeaderValueKind.Commentary;

    // ---- factories (for writing) ----

    public static HeaderCard String(string keyword, string value, string? comment = null) =>
        Create(keyword, HeaderValueKind.String, CheckText(value, keyword), comment);

    public static HeaderCard Logical(string keyword, bool value, string? comment = null) =>
        Create(keyword, HeaderValueKind.Logical, value ? "T" : "F", comment);

    public static HeaderCard Integer(string keyword, long value, string? comment = null) =>
        Create(keyword, HeaderValueKind.Integer, value.ToString(CultureInfo.InvariantCulture), comment);

    public static HeaderCard Integer(string keyword, ulong value, string? comment = null) =>
        Create(keyword, HeaderValueKind.Integer, value.ToString(CultureInfo.InvariantCulture), comment);

    public static HeaderCard Float(string keyword, double value, string? comment = null) =>
        Create(keyword, HeaderValueKind.Float, FormatDouble(value, keyword), comment);

    /// <summary>A real value given as exact decimal text (e.g. TAI seconds with more digits than a double).</summary>
    public static HeaderCard Float(string keyword, decimal value, string? comment = null) =>
        Create(keyword, HeaderValueKind.Float, EnsureDecimalPoint(value.ToString(CultureInfo.InvariantCulture)), comment);

    public static HeaderCard ComplexValue(string keyword, Complex value, string? comment = null) =>
        Create(keyword, HeaderValueKind.Complex,
            $"({FormatDouble(value.Real, keyword)}, {FormatDouble(value.Imaginary, keyword)})", comment);

    public static HeaderCard Undefined(string keyword, string? comment = null) =>
        Create(keyword, HeaderValueKind.Undefined, "", comment);

    /// <summary>COMMENT, HISTORY or a blank-keyword card (keyword "").</summary>
    public static HeaderCard Commentary(string keyword, string text)
    {
        if (keyword.Length > 8) throw new ArgumentException($"commentary keyword '{keyword}' is longer than 8 characters", nameof(keyword));
        return new HeaderCard(CheckKeyword(keyword), HeaderValueKind.Commentary, CheckText(text, keyword), null, false);
    }

    private static HeaderCard Create(string keyword, HeaderValueKind kind, string valueText, string? comment)
    {
        if (comment is not null) CheckText(comment, keyword);
        bool hierarch = keyword.Length > 8 || keyword.Contains(' ');
        if (keyword.StartsWith("HIERARCH ", StringComparison.Ordinal)) { keyword = keyword[9..].Trim(); hierarch = true; }
        if (keyword.Length == 0) throw new ArgumentException("a value card needs a keyword", nameof(keyword));
        return new HeaderCard(hierarch ? CheckText(keyword, keyword) : CheckKeyword(keyword), kind, valueText, comment, hierarch);
    }

    private static string CheckKeyword(string keyword)
    {
        foreach (char c in keyword)
            if (!(c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_'))
                throw new ArgumentException($"keyword '{keyword}' may only hold A-Z, 0-9, '-' and '_'", nameof(keyword));
        return keyword;
    }

    private static string CheckText(string text, string keyword)
    {
        foreach (char c in text)
            if (c < ' ' || c > '~')
                throw new ArgumentException($"card '{keyword}': FITS headers hold printable ASCII only (found U+{(int)c:X4})");
        return text;
    }

    /// <summary>Shortest round-trip form, always with a decimal point so readers see a real, not an integer.</summary>
    internal static string FormatDouble(double value, string keyword)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"card '{keyword}': FITS headers cannot hold {value}");
        return EnsureDecimalPoint(value.ToString("R", CultureInfo.InvariantCulture));
    }

    private static string EnsureDecimalPoint(string s)
    {
        if (s.Contains('.')) return s;
        int e = s.IndexOf('E');
        return e < 0 ? s + ".0" : s[..e] + ".0" + s[e..];
    }

    // ---- typed access ----

    public string GetString() => Kind == HeaderValueKind.String ? ValueText : throw WrongType("a string");

    public bool TryGetLong(out long value)
    {
        value = 0;
        return Kind == HeaderValueKind.Integer && long.TryParse(ValueText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Integers and reals (D exponents allowed) as a double.</summary>
    public bool TryGetDouble(out double value)
    {
        value = 0;
        return Kind is HeaderValueKind.Integer or HeaderValueKind.Float && ParseReal(ValueText, out value);
    }

    public bool TryGetBool(out bool value)
    {
        value = Kind == HeaderValueKind.Logical && ValueText == "T";
        return Kind == HeaderValueKind.Logical;
    }

    public bool TryGetComplex(out Complex value)
    {
        value = default;
        if (Kind != HeaderValueKind.Complex) return false;
        var parts = ValueText.Trim('(', ')').Split(',');
        if (parts.Length != 2 || !ParseReal(parts[0].Trim(), out double re) || !ParseReal(parts[1].Trim(), out double im)) return false;
        value = new Complex(re, im);
        return true;
    }

    /// <summary>True when an integer card's exact text is <paramref name="text"/> (for 2^63, which no long holds).</summary>
    internal bool IntegerTextIs(string text) => Kind == HeaderValueKind.Integer && ValueText.TrimStart('+') == text;

    internal FitsFormatException WrongType(string expected) =>
        new($"header keyword {Keyword} should be {expected} but is {Describe()}");

    private string Describe() => Kind switch
    {
        HeaderValueKind.Undefined => "undefined",
        HeaderValueKind.String => $"the string '{ValueText}'",
        _ => $"{Kind.ToString().ToLowerInvariant()} {ValueText}",
    };

    private static bool ParseReal(string text, out double value) =>
        double.TryParse(text.Replace('D', 'E').Replace('d', 'e'), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public override string ToString() => string.Concat(FormatImages());

    // ---- parsing one 80-byte card ----

    /// <summary>Parses one 80-character card image (CONTINUE cards come back as Kind String with keyword CONTINUE).</summary>
    public static HeaderCard Parse(string card)
    {
        if (card.Length > Length) throw new FitsFormatException($"header card is {card.Length} characters long, not 80");
        card = card.PadRight(Length);
        string key8 = card[..8].TrimEnd();

        if (key8 == "HIERARCH" && card.IndexOf('=', 9) is int eq and > 0)
        {
            var (kind, text, comment) = ParseValue(card[(eq + 1)..], card[9..eq].Trim());
            return new HeaderCard(card[9..eq].Trim(), kind, text, comment, true);
        }
        if (key8 == "CONTINUE")
        {
            var (kind, text, comment) = ParseValue(card[8..], key8);
            return new HeaderCard(key8, kind == HeaderValueKind.String ? kind : HeaderValueKind.Commentary, kind == HeaderValueKind.String ? text : card[8..].TrimEnd(), comment, false);
        }
        // A value card has "=" in column 9; COMMENT/HISTORY/blank never do.
        if (card[8] == '=' && key8 is not ("COMMENT" or "HISTORY" or ""))
        {
            var (kind, text, comment) = ParseValue(card[9..], key8);
            return new HeaderCard(key8, kind, text, comment, false);
        }
        return new HeaderCard(key8, HeaderValueKind.Commentary, card[8..].TrimEnd(), null, false);
    }

    internal static HeaderCard Parse(ReadOnlySpan<byte> card) => Parse(Encoding.Latin1.GetString(card));

    internal HeaderCard WithContinuation(string more, string? moreComment) =>
        new(Keyword, Kind, ValueText[..^1] + more,
            moreComment is null ? Comment : Comment is null ? moreComment : Comment + " " + moreComment, IsHierarch);

    private static (HeaderValueKind, string, string?) ParseValue(string field, string keyword)
    {
        int i = 0;
        while (i < field.Length && field[i] == ' ') i++;
        if (i == field.Length) return (HeaderValueKind.Undefined, "", null);
        if (field[i] == '/') return (HeaderValueKind.Undefined, "", CommentFrom(field, i));

        if (field[i] == '\'')
        {
            var sb = new StringBuilder();
            for (i++; ; i++)
            {
                if (i >= field.Length) throw new FitsFormatException($"header keyword {keyword}: string value has no closing quote");
                if (field[i] == '\'')
                {
                    if (i + 1 < field.Length && field[i + 1] == '\'') { sb.Append('\''); i++; continue; }
                    break;
                }
                sb.Append(field[i]);
            }
            // Trailing blanks inside the quotes are not significant; leading ones are.
            return (HeaderValueKind.String, sb.ToString().TrimEnd(' '), CommentAfter(field, i + 1));
        }

        if (field[i] == '(')
        {
            int close = field.IndexOf(')', i);
            if (close < 0) throw new FitsFormatException($"header keyword {keyword}: complex value has no closing ')'");
            return (HeaderValueKind.Complex, field[i..(close + 1)], CommentAfter(field, close + 1));
        }

        int slash = field.IndexOf('/', i);
        int end = slash < 0 ? field.Length : slash;
        string token = field[i..end].Trim();
        string? comment = slash < 0 ? null : CommentFrom(field, slash);
        if (token is "T" or "F") return (HeaderValueKind.Logical, token, comment);
        if (IsInteger(token)) return (HeaderValueKind.Integer, token, comment);
        if (ParseReal(token, out _)) return (HeaderValueKind.Float, token, comment);
        throw new FitsFormatException($"header keyword {keyword}: cannot read the value '{token}'");
    }

    private static bool IsInteger(string token)
    {
        int start = token.Length > 0 && token[0] is '+' or '-' ? 1 : 0;
        if (start == token.Length) return false;
        for (int k = start; k < token.Length; k++) if (!char.IsAsciiDigit(token[k])) return false;
        return true;
    }

    private static string? CommentAfter(string field, int from)
    {
        int slash = field.IndexOf('/', from);
        return slash < 0 ? null : CommentFrom(field, slash);
    }

    private static string? CommentFrom(string field, int slash)
    {
        string c = field[(slash + 1)..].Trim();
        return c.Length == 0 ? null : c;
    }

    // ---- formatting (writing) ----

    /// <summary>The 80-character card images of this card: one, or several for a long string (CONTINUE) or long commentary text.</summary>
    public IEnumerable<string> FormatImages()
    {
        if (Kind == HeaderValueKind.Commentary)
        {
            string text = ValueText;
            do
            {
                string part = text.Length > 72 ? text[..72] : text;
                text = text[part.Length..];
                yield return (Keyword.PadRight(8) + part).PadRight(Length);
            } while (text.Length > 0);
            yield break;
        }

        string prefix = IsHierarch ? $"HIERARCH {Keyword} = " : Keyword.PadRight(8) + "= ";
        if (prefix.Length > 78) throw new ArgumentException($"HIERARCH keyword '{Keyword}' is too long");

        if (Kind == HeaderValueKind.String)
        {
            foreach (var image in FormatString(prefix)) yield return image;
            yield break;
        }

        string value = Kind == HeaderValueKind.Undefined ? "" : ValueText;
        // Fixed format: right-justified so the value ends in column 30.
        string body = prefix + (IsHierarch || value.Length > 20 ? value : value.PadLeft(20));
        if (body.Length > Length) throw new ArgumentException($"card '{Keyword}': value '{value}' does not fit in one card");
        yield return WithComment(body, Comment);
    }

    private IEnumerable<string> FormatString(string prefix)
    {
        string quotedWhole = "'" + ValueText.Replace("'", "''").PadRight(8) + "'";
        if (prefix.Length + quotedWhole.Length <= Length)
        {
            // Short strings: comment after column 30, like the fixed-format values.
            yield return WithComment((prefix + quotedWhole).PadRight(IsHierarch ? 0 : 30), Comment);
            yield break;
        }
        // Long string (OGIP 1.0 LONGSTRN convention): pieces end in '&', continued on CONTINUE cards.
        // A piece never splits a doubled quote.
        int room = Length - prefix.Length - 3;
        var chunks = new List<string>();
        var sb = new StringBuilder();
        foreach (char c in ValueText)
        {
            string enc = c == '\'' ? "''" : c.ToString();
            if (sb.Length + enc.Length > room) { chunks.Add(sb.ToString()); sb.Clear(); room = Length - 10 - 3; }
            sb.Append(enc);
        }
        chunks.Add(sb.ToString());
        for (int k = 0; k < chunks.Count; k++)
        {
            bool last = k == chunks.Count - 1;
            string head = k == 0 ? prefix : "CONTINUE  ";
            string body = head + "'" + chunks[k] + (last ? "" : "&") + "'";
            yield return last ? WithComment(body, Comment) : body.PadRight(Length);
        }
    }

    private static string WithComment(string body, string? comment)
    {
        if (comment is not null && body.Length + 3 < Length)
        {
            body += " / " + comment;
            if (body.Length > Length) body = body[..Length];
        }
        return body.PadRight(Length);
    }
}
