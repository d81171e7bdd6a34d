using System.Globalization;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using VoSpec.Adql.Query;
using G = VoSpec.Adql.Parsing.Generated;

namespace VoSpec.Adql.Parsing;

/// <summary>Visits ANTLR's parse tree and builds the typed ADQL tree (Query/).</summary>
internal sealed class TreeBuilder : G.AdqlBaseVisitor<Node>
{
    private static TextPosition At(ParserRuleContext c) => new(c.Start.Line, c.Start.Column + 1);
    private static TextPosition At(IToken t) => new(t.Line, t.Column + 1);

    /// <summary>Every recursive step checks the stack first (<see cref="NestingGuard"/>).</summary>
    private static T Guard<T>(T c) where T : ParserRuleContext
    {
        NestingGuard.Check(c.Start.Line, c.Start.Column + 1);
        return c;
    }

    public SelectStatement Query(G.AdqlParser.QueryContext c)
    {
        var statement = Select(c.selectExpression());
        if (c.withClause() is { } with)
        {
            // Each CTE may read the ones before it: checking and planning a long chain costs its square.
            var queries = with.withQuery();
            if (queries.Length > AdqlParser.MaxWithQueries)
                throw new AdqlException($"too many common table expressions in WITH ({queries.Length:N0}; at most {AdqlParser.MaxWithQueries})", At(queries[AdqlParser.MaxWithQueries]));
            statement = statement with { With = with.withQuery().Select(CommonTable).ToNodeList(), Position = At(c) };
        }
        return statement;
    }

    private CommonTableExpression CommonTable(G.AdqlParser.WithQueryContext c)
    {
        var ids = c.identifier();
        return new CommonTableExpression(Id(ids[0]), ids.Skip(1).Select(Id).ToNodeList(), Select(c.selectExpression())) { Position = At(c) };
    }

    private SelectStatement Select(G.AdqlParser.SelectExpressionContext c)
    {
        Guard(c);
        var order = c.orderByClause()?.orderByTerm().Select(t =>
            new OrderItem(Expr(t.expr()), t.dir?.Type == G.AdqlLexer.DESC) { Position = At(t) }).ToNodeList() ?? NodeList<OrderItem>.Empty;
        long? offset = c.offsetClause() is { } o ? Unsigned(o.UNSIGNED_INTEGER().Symbol, "OFFSET") : null;
        return new SelectStatement(NodeList<CommonTableExpression>.Empty, Body(c.setExpression()), order, offset) { Position = At(c) };
    }

    private QueryBody Body(G.AdqlParser.SetExpressionContext c) => Guard(c) switch
    {
        G.AdqlParser.SetExpressionTermContext t => Body(t.setTerm()),
        G.AdqlParser.SetExpressionUnionExceptContext u => new SetOperation(
            u.op.Type == G.AdqlLexer.UNION ? SetOperator.Union : SetOperator.Except, u.ALL() is not null,
            Body(u.setExpression()), Body(u.setTerm())) { Position = At(u.op) },
        _ => throw Unexpected(c),
    };

    private QueryBody Body(G.AdqlParser.SetTermContext c) => Guard(c) switch
    {
        G.AdqlParser.SetTermPrimaryContext p => Body(p.setPrimary()),
        G.AdqlParser.SetTermIntersectContext i => new SetOperation(SetOperator.Intersect, i.ALL() is not null,
            Body(i.setTerm()), Body(i.setPrimary())) { Position = At(i.INTERSECT().Symbol) },
        _ => throw Unexpected(c),
    };

    private QueryBody Body(G.AdqlParser.SetPrimaryContext c) => c switch
    {
        G.AdqlParser.SetPrimaryQueryContext q => Specification(q.selectQuery()),
        G.AdqlParser.SetPrimaryParenthesizedContext p => new ParenthesizedQuery(Select(p.selectExpression())) { Position = At(p) },
        _ => throw Unexpected(c),
    };

    private QuerySpecification Specification(G.AdqlParser.SelectQueryContext c)
    {
        bool distinct = c.setQuantifier()?.DISTINCT() is not null;
        long? top = c.topClause() is { } t ? Unsigned(t.UNSIGNED_INTEGER().Symbol, "TOP") : null;
        NodeList<SelectItem> items = c.selectList() switch
        {
            G.AdqlParser.SelectListAllContext a => NodeList.Of<SelectItem>(new AllColumns { Position = At(a) }),
            G.AdqlParser.SelectListItemsContext l => l.selectItem().Select(Item).ToNodeList(),
            var other => throw Unexpected(other),
        };
        var from = c.fromClause().tableReference().Select(From).ToNodeList();
        var where = c.whereClause() is { } w ? Cond(w.searchCondition()) : null;
        var group = c.groupByClause()?.expr().Select(Expr).ToNodeList() ?? NodeList<Expression>.Empty;
        var having = c.havingClause() is { } h ? Cond(h.searchCondition()) : null;
        return new QuerySpecification(distinct, top, items, from, where, group, having) { Position = At(c) };
    }

    private SelectItem Item(G.AdqlParser.SelectItemContext c) => c switch
    {
        G.AdqlParser.SelectItemTableAllContext t => new TableColumns(Names(t.qualifiedName())) { Position = At(t) },
        G.AdqlParser.SelectItemExprContext e => new ExpressionItem(Expr(e.expr()), e.identifier() is { } id ? Id(id) : null) { Position = At(e) },
        _ => throw Unexpected(c),
    };

    private FromItem From(G.AdqlParser.TableReferenceContext c)
    {
        switch (Guard(c))
        {
            case G.AdqlParser.TableReferencePrimaryContext p:
                return From(p.tablePrimary());
            case G.AdqlParser.TableReferenceCrossJoinContext x:
                return new Join(JoinKind.Cross, false, From(x.tableReference()), From(x.tablePrimary()), null, NodeList<Identifier>.Empty) { Position = At(x.CROSS().Symbol) };
            case G.AdqlParser.TableReferenceJoinContext j:
            {
                var type = j.joinType();
                var kind = type is null || type.INNER() is not null ? JoinKind.Inner
                    : type.kind.Type switch { G.AdqlLexer.LEFT => JoinKind.Left, G.AdqlLexer.RIGHT => JoinKind.Right, _ => JoinKind.Full };
                Condition? on = null;
                var usingColumns = NodeList<Identifier>.Empty;
                switch (j.joinSpecification())
                {
                    case G.AdqlParser.JoinOnContext o: on = Cond(o.searchCondition()); break;
                    case G.AdqlParser.JoinUsingContext u: usingColumns = u.identifier().Select(Id).ToNodeList(); break;
                }
                bool natural = j.NATURAL() is not null;
                var at = At(j.JOIN().Symbol);
                if (natural && j.joinSpecification() is not null)
                    throw new AdqlException("a NATURAL join takes neither ON nor USING", at);
                if (!natural && j.joinSpecification() is null)
                    throw new AdqlException("JOIN needs ON or USING (or write NATURAL JOIN or CROSS JOIN)", at);
                return new Join(kind, natural, From(j.tableReference()), From(j.tablePrimary()), on, usingColumns)
                {
                    Position = at,
                    ExplicitInner = type?.INNER() is not null,
                    ExplicitOuter = type?.OUTER() is not null,
                };
            }
            default:
                throw Unexpected(c);
        }
    }

    private FromItem From(G.AdqlParser.TablePrimaryContext c) => c switch
    {
        G.AdqlParser.TablePrimaryNamedContext n => new TableReference(Names(n.qualifiedName()), n.identifier() is { } a ? Id(a) : null) { Position = At(n) },
        G.AdqlParser.TablePrimaryDerivedContext d => new DerivedTable(Select(d.selectExpression()), Id(d.identifier())) { Position = At(d) },
        G.AdqlParser.TablePrimaryParenthesizedContext p => From(p.tableReference()),
        _ => throw Unexpected(c),
    };

    private Condition Cond(G.AdqlParser.SearchConditionContext c) => Guard(c) switch
    {
        G.AdqlParser.ConditionPredicateContext p => Predicate(p.predicate()),
        G.AdqlParser.ConditionParenthesizedContext p => Cond(p.searchCondition()),
        G.AdqlParser.ConditionNotContext n => new NotCondition(Cond(n.searchCondition())) { Position = At(n) },
        G.AdqlParser.ConditionAndContext a => new AndCondition(Cond(a.searchCondition(0)), Cond(a.searchCondition(1))) { Position = At(a) },
        G.AdqlParser.ConditionOrContext o => new OrCondition(Cond(o.searchCondition(0)), Cond(o.searchCondition(1))) { Position = At(o) },
        _ => throw Unexpected(c),
    };

    private Condition Predicate(G.AdqlParser.PredicateContext c) => c switch
    {
        G.AdqlParser.PredicateComparisonContext p => new Comparison(p.compOp().Start.Type switch
        {
            G.AdqlLexer.EQ => ComparisonOperator.Equal,
            G.AdqlLexer.NE or G.AdqlLexer.NE2 => ComparisonOperator.NotEqual,
            G.AdqlLexer.LT => ComparisonOperator.Less,
            G.AdqlLexer.GT => ComparisonOperator.Greater,
            G.AdqlLexer.LE => ComparisonOperator.LessOrEqual,
            _ => ComparisonOperator.GreaterOrEqual,
        }, Expr(p.expr(0)), Expr(p.expr(1))) { Position = At(p) },
        G.AdqlParser.PredicateBetweenContext b => new Between(Expr(b.expr(0)), Expr(b.expr(1)), Expr(b.expr(2)), b.NOT() is not null) { Position = At(b) },
        G.AdqlParser.PredicateInSubqueryContext i => new InSubquery(Expr(i.expr()), Select(i.selectExpression()), i.NOT() is not null) { Position = At(i) },
        G.AdqlParser.PredicateInListContext i => new InList(Expr(i.expr(0)), i.expr().Skip(1).Select(Expr).ToNodeList(), i.NOT() is not null) { Position = At(i) },
        G.AdqlParser.PredicateLikeContext l => new Like(Expr(l.expr(0)), Expr(l.expr(1)), l.NOT() is not null, l.op.Type == G.AdqlLexer.ILIKE) { Position = At(l) },
        G.AdqlParser.PredicateNullContext n => new IsNull(Expr(n.expr()), n.NOT() is not null) { Position = At(n) },
        G.AdqlParser.PredicateExistsContext e => new Exists(Select(e.selectExpression())) { Position = At(e) },
        _ => throw Unexpected(c),
    };

    private Expression Expr(G.AdqlParser.ExprContext c) => Guard(c) switch
    {
        G.AdqlParser.ExprPrimaryContext p => Primary(p.primary()),
        G.AdqlParser.ExprUnaryContext u => new UnaryExpression(u.op.Type switch
        {
            G.AdqlLexer.PLUS => UnaryOperator.Plus,
            G.AdqlLexer.MINUS => UnaryOperator.Minus,
            _ => UnaryOperator.BitNot,
        }, Expr(u.expr())) { Position = At(u) },
        G.AdqlParser.ExprMultiplicativeContext m => Binary(m.op.Type == G.AdqlLexer.ASTERISK ? BinaryOperator.Multiply : BinaryOperator.Divide, m.expr(0), m.expr(1), m.op),
        G.AdqlParser.ExprAdditiveContext a => Binary(a.op.Type == G.AdqlLexer.PLUS ? BinaryOperator.Add : BinaryOperator.Subtract, a.expr(0), a.expr(1), a.op),
        G.AdqlParser.ExprConcatContext x => Binary(BinaryOperator.Concat, x.expr(0), x.expr(1), x.CONCAT().Symbol),
        G.AdqlParser.ExprBitAndContext x => Binary(BinaryOperator.BitAnd, x.expr(0), x.expr(1), x.AMPERSAND().Symbol),
        G.AdqlParser.ExprBitXorContext x => Binary(BinaryOperator.BitXor, x.expr(0), x.expr(1), x.CIRCUMFLEX().Symbol),
        G.AdqlParser.ExprBitOrContext x => Binary(BinaryOperator.BitOr, x.expr(0), x.expr(1), x.VERTICAL_BAR().Symbol),
        _ => throw Unexpected(c),
    };

    private BinaryExpression Binary(BinaryOperator op, G.AdqlParser.ExprContext left, G.AdqlParser.ExprContext right, IToken at)
        => new(op, Expr(left), Expr(right)) { Position = At(at) };

    private Expression Primary(G.AdqlParser.PrimaryContext c)
    {
        switch (c)
        {
            case G.AdqlParser.PrimaryLiteralContext l:
                return Literal(l.literal());
            case G.AdqlParser.PrimaryCountAllContext:
                return new Aggregate(AggregateFunction.Count, null, false) { Position = At(c) };
            case G.AdqlParser.PrimaryAggregateContext a:
            {
                var fn = a.fn.Type switch
                {
                    G.AdqlLexer.AVG => AggregateFunction.Avg,
                    G.AdqlLexer.MAX => AggregateFunction.Max,
                    G.AdqlLexer.MIN => AggregateFunction.Min,
                    G.AdqlLexer.SUM => AggregateFunction.Sum,
                    _ => AggregateFunction.Count,
                };
                var q = a.setQuantifier();
                return new Aggregate(fn, Expr(a.expr()), q?.DISTINCT() is not null) { Position = At(c), ExplicitAll = q?.ALL() is not null };
            }
            case G.AdqlParser.PrimaryCastContext k:
                return new CastExpression(Expr(k.expr()), CastTarget(k.castTarget())) { Position = At(c) };
            case G.AdqlParser.PrimarySimpleCaseContext s:
                return new CaseExpression(Expr(s.expr()),
                    s.caseWhenValue().Select(w => new WhenClause(null, Expr(w.expr(0)), Expr(w.expr(1))) { Position = At(w) }).ToNodeList(),
                    s.caseElse() is { } e1 ? Expr(e1.expr()) : null) { Position = At(c) };
            case G.AdqlParser.PrimarySearchedCaseContext s:
                return new CaseExpression(null,
                    s.caseWhenCondition().Select(w => new WhenClause(Cond(w.searchCondition()), null, Expr(w.expr())) { Position = At(w) }).ToNodeList(),
                    s.caseElse() is { } e2 ? Expr(e2.expr()) : null) { Position = At(c) };
            case G.AdqlParser.PrimaryFunctionContext f:
            {
                var nameToken = f.functionName().Start;
                bool udf = nameToken.Type == G.AdqlLexer.REGULAR_IDENTIFIER;
                string name = udf ? nameToken.Text : nameToken.Text.ToUpperInvariant();
                return new FunctionCall(name, f.expr().Select(Expr).ToNodeList(), udf) { Position = At(c) };
            }
            case G.AdqlParser.PrimaryColumnContext col:
                return new ColumnReference(Names(col.qualifiedName())) { Position = At(c) };
            case G.AdqlParser.PrimarySubqueryContext sub:
                return new ScalarSubquery(Select(sub.selectExpression())) { Position = At(c) };
            case G.AdqlParser.PrimaryParenthesizedContext p:
                return Expr(p.expr());
            default:
                throw Unexpected(c);
        }
    }

    private static CastType CastTarget(G.AdqlParser.CastTargetContext c)
    {
        string name = c.name.Type == G.AdqlLexer.DOUBLE ? "DOUBLE PRECISION" : c.name.Text.ToUpperInvariant();
        int? length = null;
        if (c.UNSIGNED_INTEGER() is { } n)
        {
            if (!int.TryParse(n.GetText(), NumberStyles.None, CultureInfo.InvariantCulture, out int len) || len < 1)
                throw new AdqlException($"bad length {n.GetText()} in CAST to {name}", At(n.Symbol));
            if (len > AdqlParser.MaxCharLength)
                throw new AdqlException($"length {len:N0} in CAST to {name} is over this service's limit of {AdqlParser.MaxCharLength:N0} characters (VARCHAR without a length keeps any length)", At(n.Symbol));
            length = len;
        }
        return new CastType(name, length) { Position = At(c) };
    }

    private static Expression Literal(G.AdqlParser.LiteralContext c)
    {
        var at = At(c);
        return c switch
        {
            G.AdqlParser.LiteralStringContext s => new StringLiteral(Unquote(s.GetText(), '\'')) { Position = at },
            G.AdqlParser.LiteralIntegerContext i => new NumericLiteral(i.GetText(), NumericKind.Integer) { Position = at },
            G.AdqlParser.LiteralDecimalContext d => new NumericLiteral(d.GetText(), NumericKind.Decimal) { Position = at },
            G.AdqlParser.LiteralApproximateContext a => new NumericLiteral(a.GetText(), NumericKind.Approximate) { Position = at },
            G.AdqlParser.LiteralHexContext h => Hex(h, at),
            G.AdqlParser.LiteralNullContext => new NullLiteral { Position = at },
            _ => throw Unexpected(c),
        };
    }

    private static NumericLiteral Hex(G.AdqlParser.LiteralHexContext h, TextPosition at)
    {
        var text = "0x" + h.GetText()[2..].ToUpperInvariant();
        if (text.Length > 18) throw new AdqlException($"hexadecimal literal {h.GetText()} does not fit 64 bits", at);
        return new NumericLiteral(text, NumericKind.Hexadecimal) { Position = at };
    }

    private static NodeList<Identifier> Names(G.AdqlParser.QualifiedNameContext c) => c.identifier().Select(Id).ToNodeList();

    private static Identifier Id(G.AdqlParser.IdentifierContext c)
    {
        var token = c.Start;
        switch (token.Type)
        {
            case G.AdqlLexer.DELIMITED_IDENTIFIER:
                return new Identifier(Unquote(token.Text, '"'), true) { Position = At(token) };
            case G.AdqlLexer.RESERVED_WORD:
                throw new AdqlException($"'{token.Text}' is a reserved word; write it as a delimited identifier (\"{token.Text.ToLowerInvariant()}\") to use it as a name", At(token));
            default:
                return new Identifier(token.Text, false) { Position = At(token) };
        }
    }

    private static string Unquote(string text, char quote) =>
        text[1..^1].Replace(new string(quote, 2), quote.ToString());

    private static long Unsigned(IToken token, string clause)
    {
        if (!long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            throw new AdqlException($"{clause} {token.Text} is too large", At(token));
        return v;
    }

    private static InvalidOperationException Unexpected(IParseTree c) => new($"parse tree node {c.GetType().Name} not handled");
}
