using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.OData;
using Microsoft.OData.UriParser;
using VoSpec.Adql;
using VoSpec.Adql.Query;

namespace VoSpec.Server.OData;

/// <summary>
/// One request to an entity set, parsed: the columns to write, the ADQL statements of its page (TOP = page + 1, to know
/// whether a next page exists; ORDER BY the asked order then the key, so pages never overlap) and of its count, and
/// where the next page starts. Every system query option is parsed by Microsoft.OData.Core; unknown ones are refused.
/// </summary>
public sealed record ODataQuery(SelectStatement Statement, SelectStatement CountStatement, IReadOnlyList<string> Columns, bool Position,
    long Skip, long? Top, int Page, bool Count)
{
    private static readonly string[] Known = ["$filter", "$select", "$orderby", "$top", "$skip", "$count", "$format"];

    public static ODataQuery Parse(ODataSet set, IQueryCollection query, int pageSize, bool countOnly)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (!name.StartsWith('$')) continue;
            if (!Known.Contains(name)) throw new ODataQueryError(name, $"the query option {name} is not supported (supported: {string.Join(", ", Known)})");
            if (values.Count != 1) throw new ODataQueryError(name, $"{name} may be given once");
            options[name] = values[0] ?? "";
        }
        if (options.TryGetValue("$format", out var format) && !format.StartsWith("json", StringComparison.OrdinalIgnoreCase) && !format.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new ODataQueryError("$format", $"$format={format}: this feed answers JSON only");
        var parser = new ODataQueryOptionParser(ODataModel.Model, set.Type, set.EntitySet, options)
        {
            Resolver = new ODataUriResolver { EnableCaseInsensitive = false },
        };
        var translate = new ODataToAdql(set);
        Condition? where = Clause("$filter", () => parser.ParseFilter() is { } f ? translate.Condition(f.Expression) : null);
        var order = Clause("$orderby", () => Order(parser.ParseOrderBy(), translate));
        var (columns, position) = Clause("$select", () => Select(set, parser.ParseSelectAndExpand()));
        long? top = Clause("$top", parser.ParseTop);
        long skip = Clause("$skip", parser.ParseSkip) ?? 0;
        bool count = countOnly || (Clause("$count", parser.ParseCount) ?? false);
        if (top < 0) throw new ODataQueryError("$top", "$top must not be negative");
        if (skip < 0) throw new ODataQueryError("$skip", "$skip must not be negative");

        int page = (int)Math.Min(pageSize, top ?? long.MaxValue);
        // Keys last: a total order, so that $skip pages neither repeat nor miss rows. An answer that cannot have a next
        // page ($top within one page, no $skip) needs no order the client did not ask for, and the database may stop
        // at $top rows instead of sorting all that match.
        bool paged = top is null || top > pageSize || skip > 0;
        var orderBy = order.Concat(paged ? set.Key.Where(k => !order.Any(o => o.Expression is ColumnReference c && c.Parts[^1].Name == k))
            .Select(k => new OrderItem(ODataToAdql.Column(k), false)) : []).ToNodeList();
        var selected = columns.Concat(position ? [set.Ra, set.Dec] : []).Distinct().ToList();
        var statement = Skeleton(set, string.Join(", ", selected));
        statement = statement with
        {
            Body = ((QuerySpecification)statement.Body) with { Where = where, Top = page + 1L },
            OrderBy = orderBy,
            Offset = skip > 0 ? skip : null,
        };
        var countStatement = Skeleton(set, "COUNT(*)");
        countStatement = countStatement with { Body = ((QuerySpecification)countStatement.Body) with { Where = where } };
        return new ODataQuery(statement, countStatement, columns, position, skip, top, page, count);
    }

    /// <summary>
    /// SELECT columns FROM table: names from schemas/ only (the user's parts are nodes added to it), parsed once per
    /// column list (a parse of 40 columns costs more than the rest of a small request).
    /// </summary>
    private static SelectStatement Skeleton(ODataSet set, string items) =>
        Skeletons.Count < 1024 ? Skeletons.GetOrAdd((set.Name, items), k => AdqlParser.Parse($"SELECT {k.Items} FROM {set.Table.QualifiedName}"))
            : Skeletons.TryGetValue((set.Name, items), out var known) ? known : AdqlParser.Parse($"SELECT {items} FROM {set.Table.QualifiedName}");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Set, string Items), SelectStatement> Skeletons = new();

    private static T Clause<T>(string option, Func<T> parse)
    {
        try { return parse(); }
        catch (ODataException e) { throw new ODataQueryError(option, $"{option}: {e.Message}"); }
    }

    private static List<OrderItem> Order(OrderByClause? clause, ODataToAdql translate)
    {
        var items = new List<OrderItem>();
        for (var c = clause; c is not null; c = c.ThenBy)
            items.Add(new OrderItem(translate.Expression(c.Expression), c.Direction == OrderByDirection.Descending));
        return items;
    }

    private static (List<string> Columns, bool Position) Select(ODataSet set, SelectExpandClause? clause)
    {
        var all = set.Columns.Select(c => c.Name).ToList();
        if (clause is null || clause.AllSelected) return (all, true);
        var names = new List<string>();
        foreach (var item in clause.SelectedItems)
        {
            if (item is not PathSelectItem { SelectedPath.FirstSegment: PropertySegment p })
                throw new ODataException("only properties can be selected ($expand is not offered)");
            names.Add(p.Property.Name);
        }
        bool position = names.Remove(ODataSet.Position);
        // The key is always written: a client identifies each row by it.
        return (set.Key.Concat(names).Distinct().ToList(), position);
    }
}
