using System.Globalization;
using System.Text;
using VoSpec.Archive.Queries;
using VoSpec.Adql.Translator;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// The SQL of an SSA search on PostgreSQL: the response fields of schemas/ssa.spectra.json over ivoa.obscore (o) and
/// spec.specobj (s), constrained through bound parameters (but Q3C's cone, parsed doubles written as numbers), the cone through the position's Q3C index beside
/// pgSphere's exact test (the same inclusive test as SQLite's, with the geometry functions' 1e-10° tolerance).
/// </summary>
internal static class PostgresSpectrumSearch
{
    private static readonly SpatialIndexTable ObsCore = SpatialIndexTable.Archive.Single(t => t.Table == "ivoa.obscore");
    private static readonly string ObsCorePosition = PostgresTranslator.Position("o", ObsCore);

    public static (string Sql, List<(string Name, object? Value)> Parameters) Build(SpectrumSearch r, string publicUrl)
    {
        var parameters = new List<(string, object?)> { ("public_url", publicUrl) };
        var sql = new StringBuilder("SELECT ");
        // The declared expressions name their one parameter as SQLite does ($public_url).
        sql.AppendJoin(", ", SchemaCatalog.Get("ssa.spectra").Columns.Select(c =>
            $"{c.Sql!.Replace(SqlTranslator.PublicUrlParameter, "@public_url", StringComparison.Ordinal)} AS {PostgresDdl.Quote(c.Name)}"));
        sql.Append(" FROM ivoa_obscore AS o JOIN specobj AS s ON s.spec_id = o.spec_id WHERE true");
        string P(object value) { var name = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture); parameters.Add((name, value)); return "@" + name; }

        if (!r.FormatServed) sql.Append(" AND false");
        if (r.Hidden.Count > 0)
            sql.Append(" AND lower(o.obs_collection) <> ALL(").Append(P(r.Hidden.Select(c => c.ToLowerInvariant()).ToArray())).Append(')');
        if (r.Position is var (ra, dec))
        {
            double radius = r.RadiusDeg + SqliteCone.ToleranceDeg;
            // Q3C's centre and radius go into the SQL as numbers: a prepared statement's generic plan with them as
            // parameters cannot know its key ranges (with q3c_radial_query it read all of specobj through the join:
            // 3.0 ms against 1.1 on the demo, docs/benchmarks.md).
            if (PostgresTranslator.ConeIndexTest("o", ObsCore, ra, dec, radius) is { } index) sql.Append(" AND ").Append(index);
            sql.Append($" AND {ObsCorePosition} @ scircle(spoint(radians({P(ra)}::float8), radians({P(dec)}::float8)), radians({P(radius)}::float8))");
        }
        Overlaps(r.Bands, "o.em_min", "o.em_max");
        Overlaps(r.Times, "o.t_min", "o.t_max");
        if (r.Redshift is var (zlo, zhi)) sql.Append($" AND s.z BETWEEN {P(zlo)} AND {P(zhi)}");
        if (r.TargetName is { } tn) sql.Append($" AND (lower(o.target_name) = lower({P(tn)}) OR o.obs_id = {P(tn)})");
        if (r.TargetClasses.Count > 0) sql.Append(" AND upper(s.class) = ANY(").Append(P(r.TargetClasses.Select(c => c.ToUpperInvariant()).ToArray())).Append(')');
        if (r.Collection is { } coll) sql.Append($" AND starts_with(lower(o.obs_collection), lower({P(coll)}))");
        if (r.PubDid is { } did) sql.Append($" AND o.obs_publisher_did = {P(did)}");
        if (r.MinSnr is { } snr) sql.Append($" AND s.sn_median >= {P(snr)}");
        sql.Append(" ORDER BY o.spec_id");
        return (sql.ToString(), parameters);

        void Overlaps(IReadOnlyList<(double Lo, double Hi)> ranges, string min, string max)
        {
            if (ranges.Count == 0) return;
            sql.Append(" AND (").AppendJoin(" OR ", ranges.Select(x => $"({max} >= {P(x.Lo)} AND {min} <= {P(x.Hi)})")).Append(')');
        }
    }
}
