using System.Runtime.CompilerServices;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using VoSpec.Adql.Query;
using G = VoSpec.Adql.Parsing.Generated;

namespace VoSpec.Adql.Parsing;

/// <summary>
/// Bounds how deeply a query may nest, so that no query text can overflow the stack of the thread that
/// parses, checks or translates it (a stack overflow ends the whole process, for every user). The parser
/// counts the grammar rules it is inside (a parenthesis, a sub-query, a NOT, one more term of a `+` or
/// `OR` chain each add one or more) and stops at <see cref="AdqlParser.MaxNesting"/>; every walker of
/// the tree also checks, at each level, that the thread has stack left (<see cref="Check"/>), which
/// turns a stack that is smaller than expected into the same clear error instead of a crash.
/// </summary>
internal sealed class NestingGuard : IParseTreeListener
{
    private int _depth;

    public void EnterEveryRule(ParserRuleContext ctx)
    {
        if (++_depth > AdqlParser.MaxNesting)
            throw TooDeep(ctx.Start.Line, ctx.Start.Column + 1, Levels);
        Check(ctx.Start.Line, ctx.Start.Column + 1);
    }

    public void ExitEveryRule(ParserRuleContext ctx) => _depth--;

    /// <summary>
    /// The parser does not recurse for a chain of left-associative terms (a + b + …, … AND …, … UNION …), so the
    /// listener does not see those levels: they are counted here, on the finished tree, without recursion.
    /// </summary>
    public static void CheckTree(IParseTree root)
    {
        var stack = new Stack<(IParseTree Node, int Depth)>();
        stack.Push((root, 1));
        while (stack.TryPop(out var item))
        {
            if (item.Node is not ParserRuleContext rule) continue;
            if (item.Depth > AdqlParser.MaxNesting) throw TooDeep(rule.Start.Line, rule.Start.Column + 1, Levels);
            for (int i = 0; i < rule.ChildCount; i++)
                if (rule.GetChild(i) is ParserRuleContext child) stack.Push((child, item.Depth + 1));
        }
    }

    /// <summary>Refuses text that opens more than <see cref="AdqlParser.MaxParentheses"/> parentheses inside each other.</summary>
    public static void CheckParentheses(IList<IToken> tokens)
    {
        int depth = 0;
        foreach (var t in tokens)
        {
            if (t.Type == G.AdqlLexer.RPAREN) depth--;
            else if (t.Type == G.AdqlLexer.LPAREN && ++depth > AdqlParser.MaxParentheses)
                throw TooDeep(t.Line, t.Column + 1, $"more than {AdqlParser.MaxParentheses} parentheses inside each other");
        }
    }

    private static string Levels => $"more than {AdqlParser.MaxNesting:N0} levels of parentheses, sub-queries, operators or conditions";
    public void VisitTerminal(ITerminalNode node) { }
    public void VisitErrorNode(IErrorNode node) { }

    /// <summary>Throws the nesting error when the calling thread is close to the end of its stack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(TextPosition at) => Check(at.Line, at.Column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(int line, int column)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw TooDeep(line, column, "too deep for this service's stack");
    }

    private static AdqlException TooDeep(int line, int column, string why) =>
        new($"query nested too deeply ({why}); write it with fewer levels, e.g. IN (…) instead of a long OR chain", line, column);
}
