using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using VoSpec.Core.Sky;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// The R*Tree over unit vectors: a position is stored as a point box. Cones are searched through it by the one cone
/// of the SQLite catalogue, <see cref="VoSpec.Adql.Translator.SqliteCone"/> (the box bounding the spherical cap, then
/// the exact distance).
/// <para>
/// A large load into an empty tree does not insert row by row (the R*Tree's inserts were a quarter of a ten-million-row
/// load, issue 18): the writer marks the tree pending, and <see cref="Rebuild"/> packs it once at the end, bottom-up in
/// HEALPix order, writing SQLite's own node format into the R*Tree's shadow tables (spatial_idx_node, _rowid, _parent;
/// the format is described at the top of SQLite's rtree.c). An open that finds the mark (an interrupted load) rebuilds
/// it. SQLite's <c>rtreecheck()</c> checks the result in the tests.
/// </para>
/// </summary>
public static class SpatialIndex
{
    /// <summary>The archive_meta key of a tree that lacks rows a bulk load wrote.</summary>
    public const string PendingKey = "spatial_index_pending";

    /// <summary>The HEALPix order of the packing: ~3" pixels, finer than any leaf's 51 neighbours.</summary>
    private const int PackOrder = 18;

    /// <summary>Bytes of a cell: the 8-byte id and six 4-byte coordinates.</summary>
    private const int CellBytes = 8 + 6 * 4;

    public static SphericalCap.Box PointBox(double ra, double dec)
    {
        var (x, y, z) = new SkyPoint(ra, dec).UnitVector;
        return new SphericalCap.Box(x, x, y, y, z, z);
    }

    /// <summary>True when the tree holds no row.</summary>
    internal static bool IsEmpty(SqliteConnection conn, SqliteTransaction? tx = null) =>
        SqliteCatalogue.Scalar<long>(conn, "SELECT count(*) FROM (SELECT 1 FROM spatial_idx_rowid LIMIT 1)", tx) == 0;

    /// <summary>Marks the tree as lacking rows until <see cref="Rebuild"/> has run (in the same transaction as the mark's removal).</summary>
    internal static void MarkPending(SqliteConnection conn, SqliteTransaction tx) =>
        SqliteCatalogue.Execute(conn, "INSERT OR REPLACE INTO archive_meta(key, value) VALUES ($k, '1')", tx, ("$k", PendingKey));

    internal static bool IsPending(SqliteConnection conn, SqliteTransaction? tx = null) =>
        SqliteCatalogue.Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", tx, ("$k", PendingKey)) is not null;

    /// <summary>
    /// Replaces the tree's contents with every spectrum's position (specobj's ra, dec by spec_id), packed: points in
    /// HEALPix NESTED order fill the leaves evenly, and each level above groups consecutive nodes the same way. Clears
    /// the pending mark. Returns the number of positions.
    /// </summary>
    /// <param name="points">Every position of the archive in spec_id order, if the caller has them (a bulk load into an
    /// empty archive gathers them as it commits its batches); otherwise they are read from specobj.</param>
    internal static long Rebuild(SqliteConnection conn, SqliteTransaction tx, Points? points = null)
    {
        int nodeSize = (int)SqliteCatalogue.Scalar<long>(conn, "SELECT length(data) FROM spatial_idx_node WHERE nodeno = 1", tx);
        int maxCells = (nodeSize - 4) / CellBytes;
        if (maxCells < 2) throw new InvalidOperationException($"spatial_idx nodes of {nodeSize} bytes");
        foreach (var table in new[] { "spatial_idx_rowid", "spatial_idx_parent", "spatial_idx_node" })
            SqliteCatalogue.Execute(conn, $"DELETE FROM {table}", tx);

        var (ids, boxes, keys) = (points ?? Positions(conn, tx)).ToArrays();
        int n = ids.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(keys, order);

        using var node = new RawInsert(conn, "INSERT INTO spatial_idx_node(nodeno, data) VALUES (?, ?)");
        using var parent = new RawInsert(conn, "INSERT INTO spatial_idx_parent(nodeno, parentnode) VALUES (?, ?)");
        var blob = new byte[nodeSize];

        // Level by level from the points up: each level's entries are (id, box), through `order` for the points; the
        // next level's entries are the nodes written for them, with their bounding boxes.
        var leafOf = new long[n];
        long nextNode = 2;
        int depth = 0;
        long[] entryIds = ids;
        float[] entryBoxes = boxes;
        int[]? through = order;
        while (entryIds.Length > maxCells)
        {
            int count = entryIds.Length, nodes = (count + maxCells - 1) / maxCells;
            var upIds = new long[nodes];
            var upBoxes = new float[6 * nodes];
            for (int j = 0; j < nodes; j++)
            {
                int from = (int)((long)count * j / nodes), to = (int)((long)count * (j + 1) / nodes);
                long nodeNo = nextNode++;
                Fill(blob, 0, entryIds, entryBoxes, through, from, to, upBoxes, j);
                node.Run([nodeNo, blob]);
                for (int k = from; k < to; k++)
                    if (through is not null) leafOf[through[k]] = nodeNo;
                    else parent.Run(entryIds[k], nodeNo);
                upIds[j] = nodeNo;
            }
            (entryIds, entryBoxes, through) = (upIds, upBoxes, null);
            depth++;
        }
        // The root (node 1) holds what is left, and the tree's depth.
        Fill(blob, depth, entryIds, entryBoxes, through, 0, entryIds.Length, new float[6], 0);
        node.Run([1L, blob]);
        for (int k = 0; k < entryIds.Length; k++)
            if (through is not null) leafOf[through[k]] = 1;
            else parent.Run(entryIds[k], 1L);

        // Which leaf holds each row, in rowid order (appends to the B-tree).
        using (var rowid = new RawInsert(conn, "INSERT INTO spatial_idx_rowid(rowid, nodeno) VALUES (?, ?)"))
            for (int i = 0; i < n; i++) rowid.Run(ids[i], leafOf[i]);
        SqliteCatalogue.Execute(conn, "DELETE FROM archive_meta WHERE key = $k", tx, ("$k", PendingKey));
        return n;
    }

    /// <summary>
    /// Writes a node of entries [from, to) into <paramref name="blob"/> (entry k is <paramref name="through"/>[k] when
    /// given), and their bounding box into <paramref name="boxes"/> at <paramref name="slot"/>.
    /// </summary>
    private static void Fill(byte[] blob, int depth, long[] ids, float[] entryBoxes, int[]? through, int from, int to, float[] boxes, int slot)
    {
        Array.Clear(blob);
        BinaryPrimitives.WriteUInt16BigEndian(blob, (ushort)depth);
        BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(2), (ushort)(to - from));
        Span<float> box = [float.MaxValue, float.MinValue, float.MaxValue, float.MinValue, float.MaxValue, float.MinValue];
        int at = 4;
        for (int k = from; k < to; k++)
        {
            int e = through is null ? k : through[k];
            BinaryPrimitives.WriteInt64BigEndian(blob.AsSpan(at), ids[e]);
            at += 8;
            for (int d = 0; d < 6; d++)
            {
                float v = entryBoxes[6 * e + d];
                BinaryPrimitives.WriteSingleBigEndian(blob.AsSpan(at), v);
                at += 4;
                box[d] = (d & 1) == 0 ? Math.Min(box[d], v) : Math.Max(box[d], v);
            }
        }
        box.CopyTo(boxes.AsSpan(6 * slot, 6));
    }

    /// <summary>Every spectrum's position (specobj's spec_id, ra and dec), read in spec_id order.</summary>
    private static Points Positions(SqliteConnection conn, SqliteTransaction tx)
    {
        // At most as many as the largest spec_id (found in the key's B-tree, where count(*) walks a whole index).
        var points = new Points(SqliteCatalogue.Scalar<long>(conn, "SELECT coalesce(max(spec_id), 0) FROM specobj", tx));
        var db = conn.Handle!;
        int rc = raw.sqlite3_prepare_v2(db, "SELECT spec_id, ra, dec FROM specobj ORDER BY spec_id", out sqlite3_stmt stmt);
        if (rc != raw.SQLITE_OK) throw Error(db, rc);
        using (stmt)
        {
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
                points.Add(raw.sqlite3_column_int64(stmt, 0), raw.sqlite3_column_double(stmt, 1), raw.sqlite3_column_double(stmt, 2));
            if (rc != raw.SQLITE_DONE) throw Error(db, rc);
        }
        return points;
    }

    /// <summary>
    /// Positions to pack, added in increasing spec_id order: each one's id, point box (rounded outwards to float as the
    /// R*Tree stores it) and packing key. A position without finite coordinates on the sphere is left out, as the
    /// row-by-row tree leaves it out of a cone.
    /// </summary>
    internal sealed class Points(long capacity)
    {
        private long[] _ids = new long[Math.Max(capacity, 16)];
        private float[] _boxes = new float[6 * Math.Max(capacity, 16)];
        private long[] _keys = new long[Math.Max(capacity, 16)];
        private int _n;

        public int Count => _n;

        public void Add(long id, double ra, double dec)
        {
            if (!double.IsFinite(ra) || !double.IsFinite(dec) || Math.Abs(dec) > 90) return;
            if (_n > 0 && id <= _ids[_n - 1]) throw new InvalidOperationException($"positions out of spec_id order at {id}");
            if (_n == _ids.Length)
            {
                int grown = (int)Math.Min(Array.MaxLength / 6, 2L * _n);
                Array.Resize(ref _ids, grown);
                Array.Resize(ref _boxes, 6 * grown);
                Array.Resize(ref _keys, grown);
            }
            _ids[_n] = id;
            var b = PointBox(ra, dec);
            int at = 6 * _n;
            (_boxes[at], _boxes[at + 1], _boxes[at + 2]) = (Down(b.X0), Up(b.X1), Down(b.Y0));
            (_boxes[at + 3], _boxes[at + 4], _boxes[at + 5]) = (Up(b.Y1), Down(b.Z0), Up(b.Z1));
            _keys[_n] = Healpix.NestedIndex(PackOrder, ra, dec);
            _n++;
        }

        public (long[] Ids, float[] Boxes, long[] Keys) ToArrays() =>
            _n == _ids.Length ? (_ids, _boxes, _keys) : (_ids[.._n], _boxes[..(6 * _n)], _keys[.._n]);
    }

    private static SqliteException Error(sqlite3 db, int rc) => new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc);

    /// <summary>The largest float not above <paramref name="d"/> (the R*Tree rounds a box's lower edges down).</summary>
    private static float Down(double d)
    {
        float f = (float)d;
        return f > d ? MathF.BitDecrement(f) : f;
    }

    /// <summary>The smallest float not below <paramref name="d"/> (upper edges round up).</summary>
    private static float Up(double d)
    {
        float f = (float)d;
        return f < d ? MathF.BitIncrement(f) : f;
    }
}
