using Antlr4.Runtime;
using VoSpec.Adql.Parsing;
using VoSpec.Adql.Query;
using G = VoSpec.Adql.Parsing.Generated;

namespace VoSpec.Adql;

/// <summary>ADQL text → <see cref="SelectStatement"/>. Syntax errors throw <see cref="AdqlException"/>.</summary>
public static class AdqlParser
{
    /// <summary>Longest query text accepted (characters); longer texts are refused before lexing.</summary>
    public const int MaxLength = 1_000_000;

    /// <summary>
    /// Deepest nesting of grammar rules accepted (see <see cref="NestingGuard"/>). Measured, that admits 123 nested
    /// sub-queries, 200 nested function calls, 328 nested CASEs, and chains of about 990 terms (a+b+…, … OR …,
    /// NOT NOT …, … UNION …); parentheses stop earlier, at <see cref="MaxParentheses"/>. SQLite's own parser
    /// stops at an expression depth of 1,000, so nothing deeper could run anyway.
    /// </summary>
    public const int MaxNesting = 1_000;

    /// <summary>
    /// Deepest nesting of parentheses accepted, checked on the tokens before parsing: at each parenthesis the parser
    /// looks ahead past the ones inside it (to tell a sub-query from an expression), so 200,000 of them would cost it
    /// minutes before <see cref="MaxNesting"/> stopped it.
    /// </summary>
    public const int MaxParentheses = 200;

    /// <summary>
    /// Longest length a CAST may give CHAR(n) or VARCHAR(n). A CHAR(n) value is written padded to n characters in
    /// BINARY2 and FITS, so an unbounded n would let one query ask for gigabytes per row; VARCHAR without a length
    /// keeps strings of any length.
    /// </summary>
    public const int MaxCharLength = 4096;

    /// <summary>Most common table expressions one WITH clause may define.</summary>
    public const int MaxWithQueries = 100;

    /// <summary>Parses run on this thread so far (the pipeline's tests count them).</summary>
    [ThreadStatic] internal static int RunsOnThisThread;

    public static SelectStatement Parse(string adql)
    {
        ArgumentNullException.ThrowIfNull(adql);
        RunsOnThisThread++;
        if (adql.Length > MaxLength) throw new AdqlException($"query too long ({adql.Length} characters; at most {MaxLength})", 0, 0);
        if (string.IsNullOrWhiteSpace(adql)) throw new AdqlException("empty query: expected SELECT or WITH", 1, 1);

        int nul = adql.IndexOf('\0');
        if (nul >= 0)
        {
            int line = 1 + adql.AsSpan(0, nul).Count('\n');
            throw new AdqlException("syntax error: NUL character in the query", line, nul - adql.LastIndexOf('\n', Math.Max(0, nul - 1)));
        }
        var lexer = new G.AdqlLexer(new AntlrInputStream(adql));
        lexer.RemoveErrorListeners();
        lexer.AddErrorListener(ThrowingErrorListener.Instance);
        var tokens = new CommonTokenStream(lexer);
        tokens.Fill();
        NestingGuard.CheckParentheses(tokens.GetTokens());
        var parser = new G.AdqlParser(tokens);
        parser.RemoveErrorListeners();
        parser.AddErrorListener(ThrowingErrorListener.Instance);
        parser.AddParseListener(new NestingGuard());
        // The listeners throw at the first error, so there is never a cascade of recovered errors.
        var tree = parser.query();
        NestingGuard.CheckTree(tree);
        return new TreeBuilder().Query(tree);
    }
}
