using System.Globalization;
using System.Text;
using CsCheck;
using VoSpec.Core.Schema;
using VoSpec.Server.Tap;

namespace VoSpec.Fuzzing;

/// <summary>
/// ADQL queries for fuzzing, in three mixes: walks of the ADQL 2.1 grammar over the real published tables
/// (schemas/: ivoa.obscore, spec.specobj, ssa.spectra, TAP_SCHEMA), so most of them parse and many pass the
/// checker; those same queries mutated at the text level; and mutations of the DALI examples the TAP service serves.
/// </summary>
public static class AdqlGenerator
{
    private static readonly IReadOnlyList<TableSchema> Tables = SchemaCatalog.Published;
    private static readonly IReadOnlyList<TableSchema> SpectrumTables = Tables.Where(t => t.Schema is "ivoa" or "spec" or "ssa").ToList();

    /// <summary>Valid-looking queries (grammar), mutated ones, and mutated examples.</summary>
    public static Gen<string> Queries => new PcgGen<string>(r => r.Int(10) switch
    {
        < 5 => Query(r),
        < 8 => Mutator.Text(r, Query(r), Vocabulary!),
        _ => Mutator.Text(r, r.Pick(Corpus!), Vocabulary!),
    });

    /// <summary>Only grammar walks, no mutation (for measuring how much of it the checker accepts).</summary>
    public static Gen<string> GrammarOnly => new PcgGen<string>(Query);

    /// <summary>The DALI examples of the TAP service plus a few queries that use the corners of the language.</summary>
    public static IReadOnlyList<string> Corpus { get; } =
    [
        .. TapExamples.All.Select(e => e.Query),
        "SELECT TOP 5 s_ra, s_dec, DISTANCE(POINT('ICRS', s_ra, s_dec), POINT('ICRS', 180, 0)) AS d FROM ivoa.obscore ORDER BY d",
        "SELECT COUNT(*) FROM ivoa.obscore WHERE INTERSECTS(s_region, POLYGON('ICRS', 179, -1, 181, -1, 181, 1, 179, 1)) = 1",
        "WITH q AS (SELECT specobjid, z FROM spec.specobj WHERE z > 0.5) SELECT TOP 3 * FROM q ORDER BY z DESC",
        "SELECT class, AVG(z), MIN(z), MAX(z) FROM spec.specobj GROUP BY class HAVING COUNT(*) > 1 ORDER BY 2",
        "SELECT obs_id FROM ivoa.obscore WHERE obs_id IN (SELECT obs_id FROM spec.specobj WHERE class = 'GALAXY') OFFSET 2",
        "SELECT CASE WHEN z < 0.1 THEN 'near' ELSE 'far' END AS d, CAST(z AS REAL) FROM spec.specobj WHERE class ILIKE 'qs%'",
        "SELECT TOP 1 * FROM ivoa.obscore AS a NATURAL JOIN ivoa.obscore AS b",
        "SELECT obs_publisher_did FROM ivoa.obscore UNION SELECT obs_publisher_did FROM ivoa.obscore EXCEPT SELECT 'x' FROM ivoa.obscore",
        "SELECT COORD1(CENTROID(s_region)), AREA(CIRCLE('ICRS', s_ra, s_dec, 0.1)) FROM ivoa.obscore WHERE s_region IS NOT NULL",
        "SELECT table_name, column_name FROM TAP_SCHEMA.columns WHERE LOWER(column_name) LIKE '%ra%'",
    ];

    /// <summary>Words and snippets of ADQL that mutations insert.</summary>
    public static IReadOnlyList<string> Vocabulary { get; } =
    [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "(", ")", ",", "*", "+", "-", "/", "||", "=", "<>", "<=", ">=", "'", "\"",
        "TOP", "DISTINCT", "ORDER BY", "GROUP BY", "HAVING", "UNION", "JOIN", "ON", "USING (obs_id)", "AS", "NULL", "IS NULL",
        "CONTAINS(", "POINT('ICRS', 1, 2)", "CIRCLE('ICRS', 1, 2, 3)", "POLYGON('ICRS', 0, 0, 1, 0, 1, 1)", "BOX('ICRS', 0, 0, 1, 1)",
        "REGION('Circle ICRS 1 2 3')", "IN_UNIT(", "CAST(", "AS VARCHAR(3))", "CASE WHEN", "THEN", "ELSE", "END", "COUNT(*)",
        "s_ra", "s_dec", "s_region", "em_min", "obs_id", "z", "class", "specobjid", "ivoa.obscore", "spec.specobj", "TAP_UPLOAD.t",
        "1e308", "-1e309", "9223372036854775808", "0.0", "''", "'ICRS'", "--'\n", "/* */", "1/0", "MOD(1, 0)", "LOG(0)", "SQRT(-1)",
        "ivo_hasword(", "ivo_healpix_index(", "RAND()", "OFFSET", "EXISTS (SELECT 1 FROM ivoa.obscore)", "WITH w AS (SELECT 1 AS one)",
    ];

    private static readonly string[] NumericFunctions1 =
        ["ABS", "CEILING", "DEGREES", "EXP", "FLOOR", "LOG", "LOG10", "RADIANS", "SQRT", "ACOS", "ASIN", "ATAN", "COS", "COT", "SIN", "TAN"];
    private static readonly string[] NumericFunctions2 = ["ATAN2", "MOD", "POWER", "ROUND", "TRUNCATE"];
    private static readonly string[] Aggregates = ["COUNT", "SUM", "AVG", "MIN", "MAX"];
    private static readonly string[] CastTypes =
        ["INTEGER", "SMALLINT", "BIGINT", "REAL", "DOUBLE PRECISION", "CHAR", "CHAR(3)", "VARCHAR", "VARCHAR(30)", "TIMESTAMP", "POINT"];
    private static readonly string[] Units = ["m", "Angstrom", "nm", "um", "Hz", "deg", "rad", "erg", "km/s", "nonsense", ""];
    private static readonly string[] Udfs = ["ivo_hasword", "ivo_nocasematch", "ivo_healpix_index", "ivo_interval_overlaps", "ivo_string_agg", "my_func"];

    private sealed class Scope(IReadOnlyList<(string Alias, TableSchema Table)> tables)
    {
        public IReadOnlyList<(string Alias, TableSchema Table)> Tables { get; } = tables;
    }

    public static string Query(PCG r) => Statement(r, 0);

    private static string Statement(PCG r, int depth)
    {
        var sb = new StringBuilder();
        if (depth == 0 && r.Chance(8))
        {
            sb.Append("WITH cte AS (").Append(Select(r, depth + 1, true)).Append(") ");
        }
        // ORDER BY belongs to the whole set operation, not to its operands.
        bool union = depth < 2 && r.Chance(8);
        sb.Append(Select(r, depth, !union));
        if (union)
            sb.Append(' ').Append(r.Pick(["UNION", "UNION ALL", "EXCEPT", "INTERSECT"])).Append(' ').Append(Select(r, depth + 1, false));
        if (r.Chance(6)) sb.Append(" OFFSET ").Append(r.Int(20));
        return sb.ToString();
    }

    private static string Select(PCG r, int depth, bool orderBy = true)
    {
        var scope = FromScope(r);
        var sb = new StringBuilder("SELECT ");
        if (r.Chance(10)) sb.Append("DISTINCT ");
        if (r.Chance(40)) sb.Append("TOP ").Append(r.Chance(90) ? r.Int(50) : r.Pick<long>([0, 2147483648, long.MaxValue])).Append(' ');
        bool aggregate = r.Chance(15);
        int items = 1 + r.Int(4);
        for (int i = 0; i < items; i++)
        {
            if (i > 0) sb.Append(", ");
            if (!aggregate && i == 0 && r.Chance(5)) { sb.Append('*'); break; }
            if (!aggregate && r.Chance(8)) { sb.Append(r.Pick(scope.Tables).Alias + ".*"); continue; }
            sb.Append(aggregate && i == 0 ? Aggregate(r, scope, depth) : Value(r, scope, depth, 0));
            if (r.Chance(40)) sb.Append(" AS ").Append(r.Chance(90) ? "c" + i : "\"c " + i + "\"");
        }
        sb.Append(" FROM ").Append(From(r, scope, depth));
        if (r.Chance(60)) sb.Append(" WHERE ").Append(Condition(r, scope, depth, 0));
        if (aggregate || r.Chance(5))
        {
            sb.Append(" GROUP BY ").Append(Column(r, scope));
            if (r.Chance(30)) sb.Append(" HAVING ").Append(Aggregate(r, scope, depth)).Append(" > ").Append(Number(r));
        }
        if (orderBy && r.Chance(25))
        {
            sb.Append(" ORDER BY ").Append(r.Chance(30) ? (1 + r.Int(items + 1)).ToString(CultureInfo.InvariantCulture) : Column(r, scope));
            if (r.Chance(50)) sb.Append(r.Chance(50) ? " ASC" : " DESC");
        }
        return sb.ToString();
    }

    private static Scope FromScope(PCG r)
    {
        int n = r.Chance(75) ? 1 : r.Chance(80) ? 2 : 3;
        var list = new List<(string, TableSchema)>();
        for (int i = 0; i < n; i++)
        {
            // Mostly the spectrum tables; TAP_SCHEMA now and then.
            var t = r.Chance(85) ? r.Pick(SpectrumTables) : r.Pick(Tables);
            list.Add(("t" + i, t));
        }
        return new Scope(list);
    }

    private static string From(PCG r, Scope scope, int depth)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < scope.Tables.Count; i++)
        {
            var (alias, table) = scope.Tables[i];
            string item = depth < 2 && r.Chance(5)
                ? "(" + Select(r, depth + 1) + ") AS " + alias
                : table.QualifiedName + (r.Chance(90) ? " AS " + alias : " " + alias);
            if (i == 0) { sb.Append(item); continue; }
            switch (r.Int(6))
            {
                case 0: sb.Append(", ").Append(item); break;
                case 1: sb.Append(" CROSS JOIN ").Append(item); break;
                case 2: sb.Append(" NATURAL JOIN ").Append(item); break;
                case 3: sb.Append(" JOIN ").Append(item).Append(" USING (").Append(r.Pick(table.Columns).Name).Append(')'); break;
                default:
                    sb.Append(r.Pick([" JOIN ", " INNER JOIN ", " LEFT OUTER JOIN ", " RIGHT JOIN ", " FULL OUTER JOIN "])).Append(item)
                      .Append(" ON ").Append(Condition(r, scope, depth, 2));
                    break;
            }
        }
        return sb.ToString();
    }

    private static string Column(PCG r, Scope scope)
    {
        var (alias, table) = r.Pick(scope.Tables);
        var c = r.Pick(table.PublicColumns.ToList());
        if (r.Chance(2)) return "no_such_column";
        return r.Chance(60) ? alias + "." + c.AdqlName : c.AdqlName;
    }

    private static string TypedColumn(PCG r, Scope scope, Func<ColumnSchema, bool> kind, string fallback)
    {
        var (alias, table) = r.Pick(scope.Tables);
        var cs = table.PublicColumns.Where(kind).ToList();
        return cs.Count == 0 ? fallback : alias + "." + r.Pick(cs).AdqlName;
    }

    private static bool IsNumeric(ColumnSchema c) => c.Arraysize is null && c.Datatype is "short" or "int" or "long" or "float" or "double";
    private static bool IsText(ColumnSchema c) => c.Datatype is "char" or "unicodeChar";

    private static string Number(PCG r) => r.Int(10) switch
    {
        < 5 => r.Int(1000).ToString(CultureInfo.InvariantCulture),
        < 8 => (r.Double() * 360 - 90).ToString("0.###", CultureInfo.InvariantCulture),
        8 => r.Pick(["1e308", "1E-5", "9223372036854775807", "9223372036854775808", "0.0", "1e400", "123456789012345678901234567890"]),
        _ => "-" + r.Int(100).ToString(CultureInfo.InvariantCulture),
    };

    private static string StringLiteral(PCG r) => "'" + r.Pick(["GALAXY", "QSO", "STAR", "demo", "%", "_a%", "it''s", "", "ICRS", "6563", "x\u00e9y", "1e3"]) + "'";

    private static string Value(PCG r, Scope scope, int depth, int level)
    {
        if (level > 3) return r.Chance(50) ? TypedColumn(r, scope, IsNumeric, "1") : Number(r);
        switch (r.Int(20))
        {
            case < 5: return TypedColumn(r, scope, IsNumeric, Number(r));
            case < 7: return Number(r);
            case 7: return TypedColumn(r, scope, IsText, StringLiteral(r));
            case 8: return StringLiteral(r);
            case 9: return Value(r, scope, depth, level + 1) + " " + r.Pick(["+", "-", "*", "/"]) + " " + Value(r, scope, depth, level + 1);
            case 10: return r.Pick(NumericFunctions1) + "(" + Value(r, scope, depth, level + 1) + ")";
            case 11: return r.Pick(NumericFunctions2) + "(" + Value(r, scope, depth, level + 1) + ", " + Value(r, scope, depth, level + 1) + ")";
            case 12: return "CAST(" + Value(r, scope, depth, level + 1) + " AS " + r.Pick(CastTypes) + ")";
            case 13: return "IN_UNIT(" + TypedColumn(r, scope, c => IsNumeric(c) && c.Unit is not null, "1") + ", '" + r.Pick(Units) + "')";
            case 14:
                return "CASE WHEN " + Condition(r, scope, depth, level + 1) + " THEN " + Value(r, scope, depth, level + 1)
                    + (r.Chance(60) ? " ELSE " + Value(r, scope, depth, level + 1) : "") + " END";
            case 15: return "COALESCE(" + Value(r, scope, depth, level + 1) + ", " + Value(r, scope, depth, level + 1) + ")";
            case 16:
                return r.Pick(["DISTANCE(", "COORD1(", "COORD2(", "AREA("]) is var f && f == "DISTANCE("
                    ? f + Geometry(r, scope, level) + ", " + Geometry(r, scope, level) + ")"
                    : f + Geometry(r, scope, level) + ")";
            case 17: return (r.Chance(50) ? "LOWER(" : "UPPER(") + TypedColumn(r, scope, IsText, StringLiteral(r)) + ")";
            case 18: return TypedColumn(r, scope, IsText, StringLiteral(r)) + " || " + Value(r, scope, depth, level + 1);
            default:
                return r.Chance(50) ? r.Pick(Udfs) + "(" + Value(r, scope, depth, level + 1) + ", " + StringLiteral(r) + ")"
                    : r.Pick(["PI()", "RAND()", "-" + Value(r, scope, depth, level + 1), "(" + Value(r, scope, depth, level + 1) + ")", "NULL"]);
        }
    }

    private static string Aggregate(PCG r, Scope scope, int depth) =>
        r.Chance(40) ? "COUNT(*)" : r.Pick(Aggregates) + "(" + (r.Chance(20) ? "DISTINCT " : "") + Value(r, scope, depth, 2) + ")";

    private static string Coordinate(PCG r, Scope scope, bool ra) => r.Int(6) switch
    {
        0 => ra ? TypedColumn(r, scope, c => c.Name is "s_ra" or "ra", "10") : TypedColumn(r, scope, c => c.Name is "s_dec" or "dec", "10"),
        1 => r.Pick(["1e309", "-91", "91", "400", "-720", "NaN"]),
        _ => ra ? (r.Double() * 360).ToString("0.##", CultureInfo.InvariantCulture) : (r.Double() * 180 - 90).ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string Geometry(PCG r, Scope scope, int level)
    {
        string frame = r.Pick(["'ICRS', ", "'', ", "'GALACTIC', ", "", "'ICRS GEOCENTER', "]);
        switch (r.Int(8))
        {
            case 0: case 1: return "POINT(" + frame + Coordinate(r, scope, true) + ", " + Coordinate(r, scope, false) + ")";
            case 2: case 3:
                return "CIRCLE(" + frame + Coordinate(r, scope, true) + ", " + Coordinate(r, scope, false) + ", "
                    + r.Pick(["0.5", "1", "0", "-1", "180", "1e300", "s_fov"]) + ")";
            case 4:
            {
                int n = r.Chance(90) ? 3 + r.Int(4) : r.Int(3);
                var sb = new StringBuilder("POLYGON(" + frame);
                for (int i = 0; i < n; i++) sb.Append(i > 0 ? ", " : "").Append(Coordinate(r, scope, true)).Append(", ").Append(Coordinate(r, scope, false));
                return sb.Append(')').ToString();
            }
            case 5: return "BOX(" + frame + Coordinate(r, scope, true) + ", " + Coordinate(r, scope, false) + ", " + Number(r) + ", " + Number(r) + ")";
            case 6:
                return "REGION('" + r.Pick(["Circle ICRS 10 20 1", "Polygon ICRS 0 0 1 0 1 1", "Position ICRS 1 2", "Box ICRS 1 2 3 4",
                    "Union ICRS (Circle 1 2 3 Circle 4 5 6)", "Not (Circle ICRS 1 2 3)", "Circle ICRS 1 2", "nonsense"]) + "')";
            default: return level < 3 && r.Chance(50) ? "CENTROID(" + Geometry(r, scope, level + 1) + ")" : TypedColumn(r, scope, c => c.Xtype is not null, "s_region");
        }
    }

    private static string Condition(PCG r, Scope scope, int depth, int level)
    {
        if (level > 3) return Value(r, scope, depth, 4) + " > " + Number(r);
        switch (r.Int(16))
        {
            case < 4: return Value(r, scope, depth, level + 1) + " " + r.Pick(["=", "<>", "!=", "<", ">", "<=", ">="]) + " " + Value(r, scope, depth, level + 1);
            case 4: return Condition(r, scope, depth, level + 1) + " AND " + Condition(r, scope, depth, level + 1);
            case 5: return Condition(r, scope, depth, level + 1) + " OR " + Condition(r, scope, depth, level + 1);
            case 6: return "NOT " + Condition(r, scope, depth, level + 1);
            case 7: return "(" + Condition(r, scope, depth, level + 1) + ")";
            case 8: return Value(r, scope, depth, level + 1) + (r.Chance(20) ? " NOT" : "") + " BETWEEN " + Number(r) + " AND " + Number(r);
            case 9:
                return TypedColumn(r, scope, IsText, StringLiteral(r)) + (r.Chance(20) ? " NOT" : "") + (r.Chance(50) ? " LIKE " : " ILIKE ") + StringLiteral(r);
            case 10: return Column(r, scope) + (r.Chance(50) ? " IS NULL" : " IS NOT NULL");
            case 11:
                return Value(r, scope, depth, level + 1) + (r.Chance(20) ? " NOT" : "") + " IN ("
                    + (depth < 2 && r.Chance(40) ? Select(r, depth + 1) : string.Join(", ", Enumerable.Range(0, 1 + r.Int(4)).Select(_ => Number(r)))) + ")";
            case 12: return depth < 2 ? (r.Chance(20) ? "NOT " : "") + "EXISTS (" + Select(r, depth + 1) + ")" : "1 = 1";
            case 13: case 14:
                return r.Pick(["CONTAINS(", "INTERSECTS("]) + Geometry(r, scope, level) + ", " + Geometry(r, scope, level) + ") = " + r.Pick(["1", "1", "0", "2"]);
            default: return Value(r, scope, depth, level + 1) + " = " + "(" + (depth < 2 ? Select(r, depth + 1) : "1") + ")";
        }
    }
}
