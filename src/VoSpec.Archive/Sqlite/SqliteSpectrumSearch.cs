using System.Globalization;
using System.Text;
using VoSpec.Adql.Translator;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Queries;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// The SQL of an SSA search: the response fields of schemas/ssa.spectra.json computed from ivoa.obscore (o)
/// and spec.specobj (s), constrained through bound parameters only. The position goes through the catalogue's one
/// cone (<see cref="SqliteCone"/>, as ADQL's). Collections the caller may not see are left out.
/// </summary>
internal static class SqliteSpectrumSearch
{
    /// <param name="publicUrl">In front of relative URLs ($public_url in schemas/ssa.spectra.json); "" for an archive that stores them whole.</param>
    public static (string Sql, List<(string Name, object? Value)> Parameters) Build(SpectrumSearch r, string publicUrl)
    {
        var parameters = new List<(string, object?)> { (SqlTranslator.PublicUrlParameter, publicUrl) };
        var sql = new StringBuilder("SELECT ");
        sql.AppendJoin(", ", SchemaCatalog.Get("ssa.spectra").Columns.Select(c => $"{c.Sql} AS {CatalogueDdl.Quote(c.Name)}"));
        sql.Append(" FROM ivoa_obscore AS o JOIN specobj AS s ON s.spec_id = o.spec_id WHERE 1 = 1");
        string P(object value) { var name = "$p" + parameters.Count.ToString(CultureInfo.InvariantCulture); parameters.Add((name, value)); return name; }

        if (!r.FormatServed) sql.Append(" AND 0");
        if (r.Hidden.Count > 0)
            sql.Append(" AND lower(o.obs_collection) NOT IN (").AppendJoin(", ", r.Hidden.Select(c => P(c.ToLowerInvariant()))).Append(')');
        if (r.Position is var (ra, dec))
        {
            sql.Append(" AND ").Append(SqliteCone.IndexCondition("o.spec_id", SqliteCone.Bounds(ra, dec, r.RadiusDeg).Select(b => P(b)).ToList()));
            sql.Append(" AND ").Append(SqliteCone.DistanceCondition("s.ra", "s.dec", P(ra), P(dec), P(r.RadiusDeg + SqliteCone.ToleranceDeg)));
        }
        Overlaps(r.Bands, "o.em_min", "o.em_max");
        Overlaps(r.Times, "o.t_min", "o.t_max");
        if (r.Redshift is var (zlo, zhi)) sql.Append($" AND s.z BETWEEN {P(zlo)} AND {P(zhi)}");
        if (r.TargetName is { } tn) sql.Append($" AND (lower(o.target_name) = lower({P(tn)}) OR o.obs_id = {P(tn)})");
        if (r.TargetClasses.Count > 0) sql.Append(" AND upper(s.class) IN (").AppendJoin(", ", r.TargetClasses.Select(c => P(c.ToUpperInvariant()))).Append(')');
        if (r.Collection is { } coll) sql.Append($" AND lower(o.obs_collection) LIKE lower({P(coll)}) || '%'");
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
