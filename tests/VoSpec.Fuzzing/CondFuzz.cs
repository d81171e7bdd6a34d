using System.Globalization;
using System.Text;
using CsCheck;
using Microsoft.Data.Sqlite;
using VoSpec.Adql;
using VoSpec.Archive;
using VoSpec.Archive.Queries;
using VoSpec.Core.Faults;
using VoSpec.Core.Schema;
using VoSpec.Server.Access;
using VoSpec.Server.SpecService;

namespace VoSpec.Fuzzing;

/// <summary>
/// The /spec query call's cond language (Data Lab's SQL-ish condition with q3c_radial_query, q3c_poly_query, ORDER BY,
/// LIMIT, OFFSET): conditions generated from its grammar over spec.specobj's columns, the same mutated at the text
/// level, and fields/catalog/format/id values alongside.
/// </summary>
public static class CondGenerator
{
    private static readonly IReadOnlyList<ColumnSchema> Columns = SchemaCatalog.SpecObj.PublicColumns.ToList();

    public static Gen<IReadOnlyList<KeyValuePair<string, string>>> Parameters => new PcgGen<IReadOnlyList<KeyValuePair<string, string>>>(r =>
    {
        var p = new List<KeyValuePair<string, string>>();
        string cond = r.Int(10) < 6 ? Cond(r) : Mutator.Text(r, Cond(r), Vocabulary);
        p.Add(new("cond", cond));
        if (r.Chance(30)) p.Add(new("fields", r.Chance(70) ? string.Join(',', Enumerable.Range(0, 1 + r.Int(4)).Select(_ => r.Pick(Columns).Name)) : r.Pick(["*", "ra,dec", "x y", "", "ra;dec", "\"ra\""])));
        if (r.Chance(15)) p.Add(new("catalog", r.Pick(["demo.specobj", "spec.specobj", "nope", "", "DEMO.SPECOBJ"])));
        if (r.Chance(15)) p.Add(new("format", r.Pick(["csv", "json", "votable", "xml", "text", "fits", ""])));
        if (r.Chance(10)) p.Add(new("id", r.Pick(["1", "-1", "266-51602-13", "x", "99999999999999999999", "0-0-0", "1.5"])));
        if (r.Chance(5)) p.Add(new("context", r.Pick(["default", "demo", "nope", ""])));
        if (r.Chance(5)) p.Add(new("profile", r.Pick(["default", "nope", ""])));
        return p;
    });

    private static readonly string[] Vocabulary =
    [
        "AND", "OR", "NOT", "(", ")", "[", "]", ",", "'", "\"", ";", "--", "/*", "=", "<", "ARRAY[", "q3c_radial_query(", "q3c_poly_query(", "ORDER BY", "LIMIT",
        "OFFSET", "SELECT", "FROM", "ra", "dec", "z", "class", "1e999", "-", "+", "LIKE", "ILIKE", "IS NULL", "BETWEEN", "IN (1, 2)", "CAST(", "AS", "||",
    ];

    public static string Cond(PCG r)
    {
        var sb = new StringBuilder(r.Chance(90) ? Condition(r, 0) : "");
        if (r.Chance(20)) sb.Append(" ORDER BY ").Append(r.Pick(Columns).Name).Append(r.Pick(["", " ASC", " DESC", " DESC, ra"]));
        if (r.Chance(20)) sb.Append(" LIMIT ").Append(r.Pick(["10", "0", "-1", "99999999999999999999", "x", "1.5"]));
        if (r.Chance(10)) sb.Append(" OFFSET ").Append(r.Pick(["5", "0", "-3", "1e3"]));
        return sb.ToString();
    }

    private static string Number(PCG r) => r.Int(8) switch
    {
        < 5 => (r.Double() * 360 - 90).ToString("0.###", CultureInfo.InvariantCulture),
        5 => r.Int(100).ToString(CultureInfo.InvariantCulture),
        6 => r.Pick(Mutator.ExtremeNumbers),
        _ => "-" + r.Int(1000).ToString(CultureInfo.InvariantCulture),
    };

    private static string Value(PCG r, int level) => r.Int(8) switch
    {
        < 3 => r.Pick(Columns).Name,
        < 5 => Number(r),
        5 => "'" + r.Pick(["GALAXY", "QSO", "", "it''s", "%", "x\u00e9"]) + "'",
        6 when level < 3 => r.Pick(["ABS", "SQRT", "LOG10", "FLOOR", "LOWER", "UPPER", "COS"]) + "(" + Value(r, level + 1) + ")",
        _ => level < 3 ? Value(r, level + 1) + r.Pick([" + ", " * ", " / ", " - ", " || "]) + Value(r, level + 1) : "1",
    };

    private static string Condition(PCG r, int level)
    {
        if (level > 3) return Value(r, 3) + " > " + Number(r);
        return r.Int(12) switch
        {
            < 3 => Value(r, level) + r.Pick([" = ", " < ", " > ", " <= ", " >= ", " <> ", " != "]) + Value(r, level),
            3 => Condition(r, level + 1) + " AND " + Condition(r, level + 1),
            4 => Condition(r, level + 1) + " OR " + Condition(r, level + 1),
            5 => "NOT (" + Condition(r, level + 1) + ")",
            6 => "q3c_radial_query(" + r.Pick(["ra", "dec", "z", "1"]) + ", " + r.Pick(["dec", "ra", "'x'"]) + ", " + Number(r) + ", " + Number(r) + ", " + r.Pick(["0.5", "1", "0", "-1", "181", "1e999"]) + ")",
            7 => "q3c_poly_query(ra, dec, ARRAY[" + string.Join(", ", Enumerable.Range(0, r.Int(10)).Select(_ => Number(r))) + "])",
            8 => r.Pick(Columns).Name + (r.Chance(50) ? " BETWEEN " : " NOT BETWEEN ") + Number(r) + " AND " + Number(r),
            9 => r.Pick(Columns).Name + r.Pick([" LIKE ", " ILIKE ", " NOT LIKE "]) + "'" + r.Pick(["Q%", "%", "_", "\\%"]) + "'",
            10 => r.Pick(Columns).Name + r.Pick([" IS NULL", " IS NOT NULL", " IN (1, 2, 3)", " NOT IN ('a')"]),
            _ => "(" + Condition(r, level + 1) + ")",
        };
    }
}

/// <summary>
/// The query call as /spec runs it: SpecQuery.Parse (cond → tokens → ADQL tree), then the archive's ADQL executor
/// (check, translate, the SQL on a kept connection), read to the end. UserInputException (which /spec answers 400),
/// the checker's AdqlException (answered 400 as "query: ...") and the SQLite run-time errors of our own functions are
/// refusals.
/// </summary>
public sealed class CondTarget(SpectrumArchive archive) : IFuzzTarget<IReadOnlyList<KeyValuePair<string, string>>>
{
    private readonly IReadOnlyList<SpecContext> _contexts = SpecContexts.Names(archive, AccessRights.Everything);

    public string Name => "cond";

    public bool Run(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var query = SpecQuery.Parse(SpecParameters.From(parameters), _contexts);
        var q = archive.Adql.PrepareAsync(new AdqlRequest { Statement = query.Statement, Metadata = SpecQuery.Metadata }, CancellationToken.None)
            .GetAwaiter().GetResult();
        try
        {
            var reader = q.Reader;
            while (reader.Read())
                for (int i = 0; i < reader.FieldCount; i++) _ = reader.GetValue(i);
        }
        finally { q.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        return true;
    }

    public bool IsUserError(Exception e) => e switch
    {
        UserInputException or AdqlException => true,
        SqliteException s => !AdqlTarget.TranslatorWroteBadSql(s),
        _ => false,
    };

    public string Show(IReadOnlyList<KeyValuePair<string, string>> input) => string.Join("&", input.Select(kv => kv.Key + "=" + kv.Value));
}
