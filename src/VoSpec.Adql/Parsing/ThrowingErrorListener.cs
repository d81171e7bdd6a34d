using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using G = VoSpec.Adql.Parsing.Generated;

namespace VoSpec.Adql.Parsing;

/// <summary>Turns ANTLR's syntax errors into <see cref="AdqlException"/>s; nothing is printed.</summary>
internal sealed class ThrowingErrorListener : IAntlrErrorListener<IToken>, IAntlrErrorListener<int>
{
    public static readonly ThrowingErrorListener Instance = new();

    public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
        => throw Describe(recognizer as Parser, offendingSymbol, e, line, charPositionInLine);

    public void SyntaxError(TextWriter output, IRecognizer recognizer, int offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
        => throw new AdqlException($"syntax error: unexpected character ({msg})", line, charPositionInLine + 1);

    public static AdqlException Describe(Parser? parser, IToken? token, RecognitionException? e, int line = 0, int column = -1)
    {
        if (token is not null) { line = token.Line; column = token.Column; }
        string found = token is null ? "?" : token.Type == TokenConstants.EOF ? "end of query" : $"'{token.Text}'";
        if (token?.Type == G.AdqlLexer.UNEXPECTED_CHARACTER)
        {
            string what = token.Text switch
            {
                "'" => "unterminated string literal",
                "\"" => "unterminated or empty delimited identifier",
                ";" => "';' is not part of ADQL (one query, no statement separators)",
                _ => $"unexpected character '{token.Text}'",
            };
            return new AdqlException("syntax error: " + what, line, column + 1);
        }
        if (token?.Type == G.AdqlLexer.RESERVED_WORD)
            return new AdqlException($"syntax error: {found} is a reserved word; write it as a delimited identifier (\"{token.Text.ToLowerInvariant()}\") to use it as a name", line, column + 1);

        var expected = Expected(parser, e);
        return new AdqlException($"syntax error at {found}" + (expected.Length > 0 ? $": expected {expected}" : ""), line, column + 1);
    }

    private static string Expected(Parser? parser, RecognitionException? e)
    {
        IntervalSet? set = null;
        try { set = e?.GetExpectedTokens() ?? parser?.GetExpectedTokens(); } catch (Exception) { }
        if (set is null || parser is null) return "";
        var names = set.ToList().Select(t => Name(parser.Vocabulary, t)).Where(n => n is not null).Distinct().ToList();
        if (names.Count == 0) return "";
        const int Max = 12;
        string list = string.Join(", ", names.Take(Max)) + (names.Count > Max ? ", …" : "");
        return names.Count == 1 ? list : "one of " + list;
    }

    private static string? Name(IVocabulary vocabulary, int type)
    {
        if (type == TokenConstants.EOF) return "end of query";
        return type switch
        {
            G.AdqlLexer.REGULAR_IDENTIFIER or G.AdqlLexer.DELIMITED_IDENTIFIER => "identifier",
            G.AdqlLexer.RESERVED_WORD or G.AdqlLexer.UNEXPECTED_CHARACTER => null,
            G.AdqlLexer.STRING => "string literal",
            G.AdqlLexer.UNSIGNED_INTEGER => "integer",
            G.AdqlLexer.EXACT_DECIMAL or G.AdqlLexer.APPROXIMATE or G.AdqlLexer.HEX_INTEGER => "number",
            _ => vocabulary.GetLiteralName(type) ?? vocabulary.GetSymbolicName(type),
        };
    }
}
