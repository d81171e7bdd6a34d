using System.Globalization;
using System.Text;

namespace VoSpec.VOTable;

/// <summary>
/// VOTable/DALI lexical forms: shortest round-trip reals with NaN/+Inf/-Inf, T/F booleans, decimal or 0x integers,
/// space-separated arrays, timestamps, and the characters XML 1.0 cannot carry.
/// </summary>
public static class Lexical
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Room for any formatted scalar (a double's "R" form is at most 24 chars).</summary>
    public const int MaxScalarChars = 32;

    public static int FormatDouble(double v, Span<char> dest)
    {
        if (double.IsNaN(v)) return Copy("NaN", dest);
        if (double.IsPositiveInfinity(v)) return Copy("+Inf", dest);
        if (double.IsNegativeInfinity(v)) return Copy("-Inf", dest);
        // "R" is the shortest form that parses back to the same double (.NET Core 3.0+).
        v.TryFormat(dest, out int n, "R", Inv);
        return n;
    }

    public static int FormatFloat(float v, Span<char> dest)
    {
        if (float.IsNaN(v)) return Copy("NaN", dest);
        if (float.IsPositiveInfinity(v)) return Copy("+Inf", dest);
        if (float.IsNegativeInfinity(v)) return Copy("-Inf", dest);
        v.TryFormat(dest, out int n, "R", Inv);
        return n;
    }

    public static int FormatInt64(long v, Span<char> dest)
    {
        v.TryFormat(dest, out int n, default, Inv);
        return n;
    }

    public static string FormatDouble(double v) { Span<char> b = stackalloc char[MaxScalarChars]; return new string(b[..FormatDouble(v, b)]); }

    public static string FormatFloat(float v) { Span<char> b = stackalloc char[MaxScalarChars]; return new string(b[..FormatFloat(v, b)]); }

    /// <summary>DALI timestamp, no zone (UTC implied); milliseconds only when present.</summary>
    public static string FormatTimestamp(DateTime t) =>
        t.Millisecond == 0 && t.Ticks % TimeSpan.TicksPerSecond == 0
            ? t.ToString("yyyy-MM-dd'T'HH:mm:ss", Inv)
            : t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", Inv);

    private static int Copy(string s, Span<char> dest) { s.CopyTo(dest); return s.Length; }

    // ---- parsing ----

    /// <summary>Booleans as VOTable allows: T/F, true/false (any case), 1/0; '?', blank or empty = null.</summary>
    public static bool TryParseBoolean(ReadOnlySpan<char> s, out bool? value)
    {
        s = s.Trim();
        value = null;
        if (s.IsEmpty || s is "?") return true;
        if (s.Length == 1)
        {
            switch (s[0])
            {
                case 'T' or 't' or '1': value = true; return true;
                case 'F' or 'f' or '0': value = false; return true;
            }
            return false;
        }
        if (s.Equals("true", StringComparison.OrdinalIgnoreCase)) { value = true; return true; }
        if (s.Equals("false", StringComparison.OrdinalIgnoreCase)) { value = false; return true; }
        return false;
    }

    /// <summary>Decimal or 0x-hexadecimal integers (a leading + is accepted).</summary>
    public static bool TryParseInteger(ReadOnlySpan<char> s, out long value)
    {
        if (s.Length > 2 && s[0] == '0' && (s[1] is 'x' or 'X'))
        {
            bool ok = ulong.TryParse(s[2..], NumberStyles.AllowHexSpecifier, Inv, out ulong u);
            value = unchecked((long)u);
            return ok;
        }
        return long.TryParse(s, NumberStyles.AllowLeadingSign, Inv, out value);
    }

    /// <summary>Reals, including NaN, +Inf/-Inf/Inf and the spellings other writers use (Infinity, inf).</summary>
    public static bool TryParseReal(ReadOnlySpan<char> s, out double value)
    {
        if (double.TryParse(s, NumberStyles.Float, Inv, out value)) return true;
        var t = s;
        bool neg = false;
        if (t.Length > 0 && (t[0] == '+' || t[0] == '-')) { neg = t[0] == '-'; t = t[1..]; }
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = neg ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase)) { value = double.NaN; return true; }
        return false;
    }

    /// <summary>Counts whitespace-separated tokens.</summary>
    public static int CountTokens(ReadOnlySpan<char> s)
    {
        int n = 0;
        bool inToken = false;
        foreach (char c in s)
        {
            bool ws = char.IsWhiteSpace(c);
            if (!ws && !inToken) n++;
            inToken = !ws;
        }
        return n;
    }

    /// <summary>The next whitespace-separated token at or after <paramref name="pos"/>; false at the end.</summary>
    public static bool NextToken(ReadOnlySpan<char> s, ref int pos, out ReadOnlySpan<char> token)
    {
        while (pos < s.Length && char.IsWhiteSpace(s[pos])) pos++;
        int start = pos;
        while (pos < s.Length && !char.IsWhiteSpace(s[pos])) pos++;
        token = s[start..pos];
        return pos > start;
    }

    // ---- XML safety ----

    /// <summary>
    /// XML 1.0 cannot carry control characters other than TAB/LF/CR, U+FFFE/U+FFFF or lone surrogates: one stray byte
    /// from a database would break the whole document, so controls are dropped and lone surrogates become U+FFFD.
    /// </summary>
    public static string XmlSafe(string s)
    {
        int i = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c < 0x20 ? c is not ('\t' or '\n' or '\r') : c >= 0xD800 && (c >= 0xFFFE || char.IsSurrogate(c)))
            {
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                break;
            }
        }
        if (i == s.Length) return s;
        var sb = new StringBuilder(s.Length);
        sb.Append(s, 0, i);
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c < 0x20) { if (c is '\t' or '\n' or '\r') sb.Append(c); continue; }
            if (c is '\uFFFE' or '\uFFFF') continue;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { sb.Append(c).Append(s[++i]); continue; }
            sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        return sb.ToString();
    }
}
