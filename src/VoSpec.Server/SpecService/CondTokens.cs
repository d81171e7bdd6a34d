using System.Text;
using VoSpec.Core.Faults;

namespace VoSpec.Server.SpecService;

public enum CondTokenKind { Identifier, DelimitedIdentifier, Number, String, Symbol }

/// <summary>A token of a query call's cond: what it is, and its text (a string's or delimited identifier's value unquoted).</summary>
public readonly record struct CondToken(CondTokenKind Kind, string Text)
{
    public bool Is(string word) => Kind == CondTokenKind.Identifier && Text.Equals(word, StringComparison.OrdinalIgnoreCase);
    public bool IsSymbol(string s) => Kind == CondTokenKind.Symbol && Text == s;

    /// <summary>The token as ADQL text: strings and delimited identifiers re-quoted, != as &lt;&gt;.</summary>
    public string ToAdql() => Kind switch
    {
        CondTokenKind.String => "'" + Text.Replace("'", "''") + "'",
        CondTokenKind.DelimitedIdentifier => "\"" + Text.Replace("\"", "\"\"") + "\"",
        CondTokenKind.Symbol when Text == "!=" => "<>",
        _ => Text,
    };

    public override string ToString() => ToAdql();
}

/// <summary>
/// The lexer of cond: identifiers, numbers, 'strings', "delimited identifiers" and operator symbols. Anything else —
/// semicolons, comments, stray characters — is refused here, before any parsing.
/// </summary>
public static class CondLexer
{
    private static readonly string[] TwoCharSymbols = ["<=", ">=", "<>", "!=", "||"];
    private const string OneCharSymbols = "()[],.+-*/=<>";

    public static List<CondToken> Tokenize(string text)
    {
        var tokens = new List<CondToken>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == ';') throw new UserInputException("cond: semicolons are not allowed (cond is one search condition)");
            if (c == '-' && At(text, i + 1) == '-' || c == '/' && At(text, i + 1) == '*')
                throw new UserInputException("cond: comments are not allowed");
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int s = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new(CondTokenKind.Identifier, text[s..i]));
            }
            else if (char.IsAsciiDigit(c) || c == '.' && char.IsAsciiDigit(At(text, i + 1)))
            {
                int s = i;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (At(text, i) == '.') { i++; while (i < text.Length && char.IsAsciiDigit(text[i])) i++; }
                if (At(text, i) is 'e' or 'E' && (char.IsAsciiDigit(At(text, i + 1)) || At(text, i + 1) is '+' or '-' && char.IsAsciiDigit(At(text, i + 2))))
                {
                    i += 2;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                if (char.IsAsciiLetter(At(text, i)) || At(text, i) == '_')
                    throw new UserInputException($"cond: malformed number '{text[s..(i + 1)]}'");
                tokens.Add(new(CondTokenKind.Number, text[s..i]));
            }
            else if (c is '\'' or '"')
            {
                var sb = new StringBuilder();
                int s = i++;
                while (true)
                {
                    if (i >= text.Length) throw new UserInputException($"cond: unterminated {(c == '\'' ? "string" : "quoted identifier")} starting at character {s + 1}");
                    if (text[i] == c)
                    {
                        if (At(text, i + 1) == c) { sb.Append(c); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                tokens.Add(new(c == '\'' ? CondTokenKind.String : CondTokenKind.DelimitedIdentifier, sb.ToString()));
            }
            else if (i + 1 < text.Length && TwoCharSymbols.Contains(text.Substring(i, 2)))
            {
                tokens.Add(new(CondTokenKind.Symbol, text.Substring(i, 2)));
                i += 2;
            }
            else if (OneCharSymbols.Contains(c))
            {
                tokens.Add(new(CondTokenKind.Symbol, c.ToString()));
                i++;
            }
            else throw new UserInputException($"cond: unexpected character '{c}' at position {i + 1}");
        }
        return tokens;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    public static string ToAdql(IEnumerable<CondToken> tokens) => string.Join(' ', tokens.Select(t => t.ToAdql()));
}
