using System.Globalization;
using Microsoft.Data.Sqlite;
using VoSpec.Core.Schema;
using VoSpec.Core.Sky;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// Each collection's coverage, kept as the archive grows so that registry records and /coverage never scan the
/// catalogue: the HEALPix cells (NESTED, at <see cref="ArchiveOptions.CoverageOrder"/>) that its fibres' apertures touch,
/// its MJD range and the time of its last ingest. The writer adds each batch's cells and ranges in the batch's
/// transaction; an archive written before this, or with another order, is covered once at open.
/// </summary>
internal static class SkyCoverage
{
    public const string OrderKey = "coverage_order";

    public static IEnumerable<string> Statements()
    {
        yield return "CREATE TABLE IF NOT EXISTS coverage_cells(collection TEXT NOT NULL, cell INTEGER NOT NULL, PRIMARY KEY(collection, cell)) WITHOUT ROWID";
        yield return "CREATE TABLE IF NOT EXISTS collection_coverage(name TEXT PRIMARY KEY, t_min REAL, t_max REAL, updated TEXT NOT NULL)";
    }

    // Where the position, aperture and time are in an obscore row's values (after the stored bytes).
    private static int Slot(string name) => SchemaCatalog.ObsCore.Columns.ToList().FindIndex(c => c.Name == name) + 1;
    private static readonly int RaSlot = Slot("s_ra"), DecSlot = Slot("s_dec"), FovSlot = Slot("s_fov"), TMinSlot = Slot("t_min"), TMaxSlot = Slot("t_max");

    /// <summary>What a batch adds: its distinct cells and its time range (made with the batch's rows, on any thread).</summary>
    public sealed record Part(long[] Cells, double? TMin, double? TMax)
    {
        public static Part Of(IEnumerable<object?[]> obsCoreRows, int order)
        {
            var part = new Builder(order);
            foreach (var row in obsCoreRows) part.Add(row);
            return part.ToPart();
        }
    }

    /// <summary>A batch's part made a row at a time (by each thread that makes rows, then merged), without keeping the rows.</summary>
    public sealed class Builder(int order)
    {
        private readonly HashSet<long> _cells = [];
        private double? _lo, _hi;

        /// <summary>An obscore row's values (after the stored bytes' slot).</summary>
        public void Add(object?[] row)
        {
            SkyCoverage.Add(_cells, order, AsDouble(row[RaSlot]), AsDouble(row[DecSlot]), AsDouble(row[FovSlot]));
            _lo = Min(_lo, AsDouble(row[TMinSlot]));
            _hi = Max(_hi, AsDouble(row[TMaxSlot]));
        }

        public void Add(Builder other)
        {
            _cells.UnionWith(other._cells);
            _lo = Min(_lo, other._lo);
            _hi = Max(_hi, other._hi);
        }

        public Part ToPart() => new([.. _cells], _lo, _hi);
    }

    private static void Add(HashSet<long> cells, int order, double? ra, double? dec, double? fov)
    {
        if (ra is not { } r || dec is not { } d || !double.IsFinite(r) || !double.IsFinite(d) || Math.Abs(d) > 90) return;
        double radius = fov is { } f && double.IsFinite(f) && f > 0 ? f / 2 : 0;
        foreach (var c in Moc.DiscCells(order, r, d, radius)) cells.Add(c);
    }

    private static double? AsDouble(object? v) => v switch { double d => d, float f => f, long l => l, int i => i, _ => null };
    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    /// <summary>Adds a batch's part to its collection, in the batch's transaction.</summary>
    public static void Record(SqliteConnection conn, SqliteTransaction tx, string collection, Part part)
    {
        using (var insert = new RawInsert(conn, "INSERT OR IGNORE INTO coverage_cells(collection, cell) VALUES (?, ?)"))
            foreach (var cell in part.Cells) insert.Run([collection, cell]);
        SqliteCatalogue.Execute(conn, """
            INSERT INTO collection_coverage(name, t_min, t_max, updated) VALUES ($n, $lo, $hi, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
            ON CONFLICT(name) DO UPDATE SET
              t_min = min(coalesce(t_min, excluded.t_min), coalesce(excluded.t_min, t_min)),
              t_max = max(coalesce(t_max, excluded.t_max), coalesce(excluded.t_max, t_max)),
              updated = excluded.updated
            """, tx, ("$n", collection), ("$lo", (object?)part.TMin ?? DBNull.Value), ("$hi", (object?)part.TMax ?? DBNull.Value));
    }

    /// <summary>
    /// Covers the whole catalogue at <paramref name="order"/> when it is not covered at that order yet (an archive from
    /// before coverage, or a changed order): one pass over ObsCore, logged.
    /// </summary>
    public static void Ensure(SqliteConnection conn, SqliteTransaction tx, int order, Action<string>? log)
    {
        var stored = SqliteCatalogue.Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", tx, ("$k", OrderKey));
        if (stored == order.ToString(CultureInfo.InvariantCulture)) return;
        long rows = SqliteCatalogue.Scalar<long>(conn, "SELECT coalesce(sum(n), 0) FROM collection_stats", tx);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        SqliteCatalogue.Execute(conn, "DELETE FROM coverage_cells", tx);
        SqliteCatalogue.Execute(conn, "DELETE FROM collection_coverage", tx);
        if (rows > 0)
        {
            var byCollection = new Dictionary<string, (HashSet<long> Cells, double? Lo, double? Hi)>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT obs_collection, s_ra, s_dec, s_fov, t_min, t_max FROM ivoa_obscore";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var name = r.GetString(0);
                    if (!byCollection.TryGetValue(name, out var c)) byCollection[name] = c = ([], null, null);
                    Add(c.Cells, order, Read(r, 1), Read(r, 2), Read(r, 3));
                    byCollection[name] = (c.Cells, Min(c.Lo, Read(r, 4)), Max(c.Hi, Read(r, 5)));
                }
            }
            foreach (var (name, c) in byCollection)
            {
                Record(conn, tx, name, new Part([.. c.Cells], c.Lo, c.Hi));
                // The last ingest of what is there, not this upgrade, is when the collection changed.
                SqliteCatalogue.Execute(conn, """
                    UPDATE collection_coverage SET updated = coalesce(
                      (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(ingested)) FROM spectrum_store WHERE collection = $n), updated)
                    WHERE name = $n
                    """, tx, ("$n", name));
            }
            log?.Invoke($"sky coverage of {rows:N0} spectra computed at HEALPix order {order} in {watch.Elapsed.TotalSeconds:0.0} s");
        }
        SqliteCatalogue.Execute(conn, "INSERT OR REPLACE INTO archive_meta(key, value) VALUES ($k, $v)", tx, ("$k", OrderKey), ("$v", order.ToString(CultureInfo.InvariantCulture)));
    }

    private static double? Read(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    /// <summary>One collection's coverage as stored; null when it has none.</summary>
    public static CollectionCoverage? Load(SqliteConnection conn, string collection)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT cv.t_min, cv.t_max, cv.updated, st.wave_min, st.wave_max, coalesce(st.n, 0),
                   (SELECT value FROM archive_meta WHERE key = $k)
            FROM collection_coverage cv LEFT JOIN collection_stats st ON st.name = cv.name WHERE cv.name = $n
            """;
        cmd.Parameters.AddWithValue("$n", collection);
        cmd.Parameters.AddWithValue("$k", OrderKey);
        double? tMin, tMax, wMin, wMax; DateTimeOffset updated; long n; int order;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read()) return null;
            (tMin, tMax) = (Read(r, 0), Read(r, 1));
            updated = DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            (wMin, wMax, n) = (Read(r, 3), Read(r, 4), r.GetInt64(5));
            order = int.Parse(r.GetString(6), CultureInfo.InvariantCulture);
        }
        var cells = new List<long>();
        cmd.CommandText = "SELECT cell FROM coverage_cells WHERE collection = $n";
        using (var r = cmd.ExecuteReader())
            while (r.Read()) cells.Add(r.GetInt64(0));
        return new CollectionCoverage(collection, n, Moc.FromCells(order, cells), tMin, tMax, wMin, wMax, updated);
    }
}
