using System.Text;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Catalogue;
using VoSpec.Core.Schema;

namespace VoSpec.Server.Ssa;

/// <summary>
/// The SQL of an SSA search: the response fields of schemas/ssa.spectra.json computed from ivoa.obscore (o)
/// and spec.specobj (s), constrained by the request through bound parameters only. POS/SIZE goes
/// through the R*Tree (a cap box) and an exact great-circle test. Collections the caller may not see are left out.
/// </summary>
public static class SsaQuery
{
    public static TableSchema Fields => SchemaCatalog.Get("ssa.spectra");

    public static SqliteCommand Build(SqliteConnection conn, SsaRequest r, IReadOnlyList<string> hiddenCollections)
    {
        var cmd = conn.CreateCommand();
        var sql = new StringBuilder("SELECT ");
        sql.AppendJoin(", ", Fields.Columns.Select(c => $"{c.Sql} AS {CatalogueDdl.Quote(c.Name)}"));
        sql.Append(" FROM ivoa_obscore AS o JOIN specobj AS s ON s.spec_id = o.spec_id WHERE 1 = 1");
        int n = 0;
        string P(object value) { var name = "$p" + n++; cmd.Parameters.AddWithValue(name, value); return name; }

        if (!r.FormatServed) sql.Append(" AND 0");
        if (hiddenCollections.Count > 0)
            sql.Append(" AND lower(o.obs_collection) NOT IN (").AppendJoin(", ", hiddenCollections.Select(c => P(c.ToLowerInvariant()))).Append(')');
        if (r.Pos is var (ra, dec))
        {
            double radius = r.Size / 2;
            var box = SpatialIndex.ConeBox(ra, dec, radius);
            sql.Append($" AND o.spec_id IN (SELECT spec_id FROM spatial_idx WHERE x_max >= {P(box.X0)} AND x_min <= {P(box.X1)} AND y_max >= {P(box.Y0)} AND y_min <= {P(box.Y1)} AND z_max >= {P(box.Z0)} AND z_min <= {P(box.Z1)})");
            string pr = P(ra), pd = P(dec);
            sql.Append($" AND 2 * asin(min(1, sqrt(power(sin(radians(s.dec - {pd}) / 2), 2) + cos(radians({pd})) * cos(radians(s.dec)) * power(sin(radians(s.ra - {pr}) / 2), 2)))) <= radians({P(radius)})");
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
        cmd.CommandText = sql.ToString();
        return cmd;

        void Overlaps(IReadOnlyList<(double Lo, double Hi)> ranges, string min, string max)
        {
            if (ranges.Count == 0) return;
            sql.Append(" AND (").AppendJoin(" OR ", ranges.Select(x => $"({max} >= {P(x.Lo)} AND {min} <= {P(x.Hi)})")).Append(')');
        }
    }
}
