using VoSpec.Adql.Db;
using VoSpec.Adql.Query;

namespace VoSpec.Adql.Translator;

/// <summary>
/// A cone on a spatially indexed table: the position columns of <see cref="Source"/> within <see cref="Radius"/> degrees
/// of a constant centre — or, when <see cref="OnRegion"/>, the table's region column (a circle around the position)
/// meeting that cone.
/// </summary>
public sealed record IndexedCone(Source Source, SpatialIndexTable Table, double Lon, double Lat, double Radius, bool OnRegion);

/// <summary>
/// Finds the conditions that are cones on an indexed position, in any dialect: CONTAINS(POINT(ra, dec), CIRCLE(const))
/// = 1, INTERSECTS either way round (or with the region column), and DISTANCE(...) &lt; r in its spellings. Each dialect
/// then writes the condition that lets its own index answer (SQLite's R*Tree box, PostgreSQL's Q3C key ranges).
/// </summary>
public sealed class IndexedCones(CheckedQuery Q, IReadOnlyList<SpatialIndexTable> tables)
{
    public static IEnumerable<Condition> Conjuncts(Condition c) =>
        c is AndCondition a ? Conjuncts(a.Left).Concat(Conjuncts(a.Right)) : [c];

    public IndexedCone? Cone(Condition c)
    {
        if (c is not Comparison cmp) return null;
        // CONTAINS(...) = 1, 1 = CONTAINS(...), likewise INTERSECTS.
        if (cmp.Operator == ComparisonOperator.Equal)
        {
            var (call, one) = cmp.Left is FunctionCall ? (cmp.Left as FunctionCall, cmp.Right) : (cmp.Right as FunctionCall, cmp.Left);
            if (call is null || Fold(one) != 1) return null;
            if (call.Name == "CONTAINS" && call.Arguments.Count == 2)
                return PointInCircle(call.Arguments[0], call.Arguments[1]);
            if (call.Name == "INTERSECTS" && call.Arguments.Count == 2)
                return PointInCircle(call.Arguments[0], call.Arguments[1]) ?? PointInCircle(call.Arguments[1], call.Arguments[0])
                    ?? RegionCircle(call.Arguments[0], call.Arguments[1]) ?? RegionCircle(call.Arguments[1], call.Arguments[0]);
            return null;
        }
        // DISTANCE(...) < r, <= r; r > DISTANCE(...), r >= DISTANCE(...).
        FunctionCall? distance; Expression limit;
        if (cmp.Operator is ComparisonOperator.Less or ComparisonOperator.LessOrEqual) (distance, limit) = (cmp.Left as FunctionCall, cmp.Right);
        else if (cmp.Operator is ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual) (distance, limit) = (cmp.Right as FunctionCall, cmp.Left);
        else return null;
        if (distance?.Name != "DISTANCE" || Fold(limit) is not { } r) return null;
        var a = distance.Arguments;
        if (a.Count == 2)
            return PointAndConstant(a[0], a[1], r) ?? PointAndConstant(a[1], a[0], r);
        if (a.Count == 4)
            return Position(a[0], a[1]) is { } p1 && Fold(a[2]) is { } lon && Fold(a[3]) is { } lat ? new IndexedCone(p1.Source, p1.Table, lon, lat, r, false)
                : Position(a[2], a[3]) is { } p2 && Fold(a[0]) is { } lon2 && Fold(a[1]) is { } lat2 ? new IndexedCone(p2.Source, p2.Table, lon2, lat2, r, false)
                : null;
        return null;
    }

    private IndexedCone? PointAndConstant(Expression point, Expression other, double r)
    {
        if (IndexedPoint(point) is not { } p) return null;
        if (ConstantPoint(other) is not { } c) return null;
        return new IndexedCone(p.Source, p.Table, c.Lon, c.Lat, r, false);
    }

    private IndexedCone? PointInCircle(Expression point, Expression circle)
    {
        if (IndexedPoint(point) is not { } p || ConstantCircle(circle) is not { } c) return null;
        return new IndexedCone(p.Source, p.Table, c.Lon, c.Lat, c.Radius, false);
    }

    private IndexedCone? RegionCircle(Expression region, Expression circle)
    {
        if (region is not ColumnReference col || Q.BindingOf(col) is not SourceColumnBinding { Source: TableSource ts } b) return null;
        var table = Indexed(ts);
        if (table?.RegionColumn is null || table.RegionDiameterColumn is null || !string.Equals(b.Column.Name, table.RegionColumn, StringComparison.Ordinal)) return null;
        if (ConstantCircle(circle) is not { } c) return null;
        return new IndexedCone(ts, table, c.Lon, c.Lat, c.Radius, OnRegion: true);
    }

    private SpatialIndexTable? Indexed(TableSource ts) =>
        tables.FirstOrDefault(t => string.Equals(t.Table, ts.Table.QualifiedName, StringComparison.OrdinalIgnoreCase));

    /// <summary>POINT([sys,] ra, dec) over the position columns of one spatially indexed table.</summary>
    private (Source Source, SpatialIndexTable Table)? IndexedPoint(Expression e)
    {
        if (e is not FunctionCall { Name: "POINT" } f) return null;
        int s = AdqlChecker.CoordSys(f, f.Arguments.Select(Q.TypeOf).ToList());
        return f.Arguments.Count - s == 2 ? Position(f.Arguments[s], f.Arguments[s + 1]) : null;
    }

    private (Source Source, SpatialIndexTable Table)? Position(Expression ra, Expression dec)
    {
        if (ra is not ColumnReference r || dec is not ColumnReference d) return null;
        if (Q.BindingOf(r) is not SourceColumnBinding { Source: TableSource ts } rb || Q.BindingOf(d) is not SourceColumnBinding db) return null;
        if (!ReferenceEquals(rb.Source, db.Source)) return null;
        var table = Indexed(ts);
        if (table is null || rb.Column.Name != table.RaColumn || db.Column.Name != table.DecColumn) return null;
        return (ts, table);
    }

    private (double Lon, double Lat)? ConstantPoint(Expression e)
    {
        if (e is not FunctionCall { Name: "POINT" } f) return null;
        int s = AdqlChecker.CoordSys(f, f.Arguments.Select(Q.TypeOf).ToList());
        if (f.Arguments.Count - s != 2) return null;
        return Fold(f.Arguments[s]) is { } lon && Fold(f.Arguments[s + 1]) is { } lat ? (lon, lat) : null;
    }

    private (double Lon, double Lat, double Radius)? ConstantCircle(Expression e)
    {
        if (e is not FunctionCall { Name: "CIRCLE" } f) return null;
        var args = f.Arguments.Skip(AdqlChecker.CoordSys(f, f.Arguments.Select(Q.TypeOf).ToList())).ToList();
        if (args.Count == 3 && Fold(args[0]) is { } lon && Fold(args[1]) is { } lat && Fold(args[2]) is { } r) return (lon, lat, r);
        if (args.Count == 2 && ConstantPoint(args[0]) is { } p && Fold(args[1]) is { } r2) return (p.Lon, p.Lat, r2);
        return null;
    }


    /// <summary>The value of a constant numeric expression (as the checker folds it).</summary>
    private static double? Fold(Expression e) => ConstantFolding.Fold(e);
}
