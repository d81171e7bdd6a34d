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

    public static SelectStatement Parse(string adql)
    {
        ArgumentNullException.ThrowIfNull(adql);
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
        var parser = new G.AdqlParser(new CommonTokenStream(lexer));
        parser.RemoveErrorListeners();
        parser.AddErrorListener(ThrowingErrorListener.Instance);
        // The listeners throw at the first error, so there is never a cascade of recovered errors.
        var tree = parser.query();
        return new TreeBuilder().Query(tree);
    }
}
