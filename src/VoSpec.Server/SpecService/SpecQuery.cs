using System.Text.RegularExpressions;
using VoSpec.Adql;
using VoSpec.Adql.Db;
using VoSpec.Adql.Query;
using VoSpec.Core.Faults;
using VoSpec.Core.Schema;

namespace VoSpec.Server.SpecService;

public enum QueryFormat { Csv, Json, VOTable }

/// <summary>
/// The query call: id, fields, catalog, cond, context → one ADQL query on spec.specobj, checked and translated by
/// VoSpec.Adql (so cones go through the spatial index). The catalog COLLECTION.specobj adds collection = 'COLLECTION'
/// in the tree, as a survey's own table (desi.fibermap) does for the collection that offers it; id adds specobjid = id (or plate/mjd/fiberid); LIMIT becomes TOP.
/// </summary>
public sealed partial record SpecQuery(SelectStatement Statement, QueryFormat Format)
{
    /// <summary>The tables the query call reads: spec.specobj and the surveys' own (desi.fibermap, lamost.lrs).</summary>
    public static readonly TableMetadata Metadata = new TableMetadata([SchemaCatalog.SpecObj, .. SchemaCatalog.SurveyTables]);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ColumnName();

    public static SpecQuery Parse(SpecParameters p, IReadOnlyList<SpecContext> contexts)
    {
        SpecContexts.CheckProfile(p.Get("profile"));
        var contextName = p.Get("context");
        var context = contextName is null ? contexts[0] : SpecContexts.Find(contexts, contextName)
            ?? throw new UserInputException($"unknown context '{contextName}' (known: {string.Join(", ", contexts.Select(c => c.Name))})");
        var catalogName = p.Get("catalog");
        // A survey's own table is read restricted to the collection whose context offers it.
        var surveyTable = catalogName is null ? null : contexts.FirstOrDefault(c => c.SurveyCatalog?.Equals(catalogName, StringComparison.OrdinalIgnoreCase) == true);
        var catalog = catalogName is null ? context : surveyTable ?? contexts.FirstOrDefault(c => c.Catalog.Equals(catalogName, StringComparison.OrdinalIgnoreCase))
            ?? throw new UserInputException($"unknown catalog '{catalogName}' (offered: {string.Join(", ", contexts.SelectMany(c => new[] { c.Catalog, c.SurveyCatalog }).OfType<string>().Distinct())})");
        string table = surveyTable?.SurveyCatalog ?? SpecContext.AllCatalog;

        var fields = (p.Get("fields") ?? SpecContext.IdMain).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0) fields = [SpecContext.IdMain];
        foreach (var f in fields)
            if (f != "*" && !ColumnName().IsMatch(f))
                throw new UserInputException($"fields: '{f}' is not a column name (give a comma-separated list of columns of {catalog.Catalog})");

        var cond = SpecCondition.Parse(p.Get("cond"));
        var adql = $"SELECT {string.Join(", ", fields)} FROM {table}";
        if (cond.Where.Count > 0) adql += " WHERE " + CondLexer.ToAdql(cond.Where);
        if (cond.OrderBy.Count > 0) adql += " ORDER BY " + CondLexer.ToAdql(cond.OrderBy);
        SelectStatement statement;
        try { statement = AdqlParser.Parse(adql); }
        catch (AdqlException e) { throw new UserInputException("cond: " + e.Detail); }
        if (statement.Body is not QuerySpecification spec) throw new UserInputException("cond: not a single search condition");

        var where = spec.Where;
        if (catalog.Collection is { } collection)
            where = And(where, new Comparison(ComparisonOperator.Equal, Column("collection"), new StringLiteral(collection)));
        if (p.Get("id") is { } idText)
        {
            var id = SpecId.Parse(idText);
            Condition idCond = id.SpecObjId is { } soid
                ? Equal("specobjid", soid)
                : new AndCondition(new AndCondition(Equal("plate", id.Plate), Equal("mjd", id.Mjd)), Equal("fiberid", id.FiberId));
            where = And(where, idCond);
        }
        statement = statement with { Body = spec with { Where = where, Top = cond.Limit }, Offset = cond.Offset };

        var format = p.Get("format")?.ToLowerInvariant() switch
        {
            null or "csv" or "text" => QueryFormat.Csv,
            "json" => QueryFormat.Json,
            "votable" or "xml" => QueryFormat.VOTable,
            var other => throw new UserInputException($"format '{other}' is not served by query (csv, json, votable)"),
        };
        return new SpecQuery(statement, format);
    }

    private static Condition And(Condition? a, Condition b) => a is null ? b : new AndCondition(a, b);
    private static ColumnReference Column(string name) => new(NodeList.Of(new Identifier(name, false)));
    private static Comparison Equal(string column, long value)
    {
        // ADQL literals are unsigned: a negative id (an unsigned SDSS id stored as signed) gets a minus sign.
        var magnitude = new NumericLiteral((value < 0 ? (ulong)(-(Int128)value) : (ulong)value).ToString(System.Globalization.CultureInfo.InvariantCulture), NumericKind.Integer);
        Expression literal = value < 0 ? new UnaryExpression(UnaryOperator.Minus, magnitude) : magnitude;
        return new(ComparisonOperator.Equal, Column(column), literal);
    }
}
