using VoSpec.Archive.Catalogue;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Pixels;
using VoSpec.Core.Schema;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// Writes spectra into one collection, a batch at a time: pixels are appended to the collection's
/// store and flushed, then every catalogue row (specobj, obscore, spatial index, store location) and
/// the store's new committed length go in one transaction. A batch that fails leaves nothing behind.
/// Only one writer may exist per archive (the ingest lock sees to that).
/// </summary>
internal sealed class CatalogueWriter : IDisposable
{
    private readonly SpectrumArchive _archive;
    private readonly string _collection;
    private readonly SqliteConnection _conn;
    private readonly PixelStoreWriter _pixels;
    private readonly HashSet<long> _known = [];
    private long _nextSpecId;

    public CatalogueWriter(SpectrumArchive archive, string collection, string title)
    {
        _archive = archive;
        _collection = collection;
        _conn = archive.Sqlite.OpenConnection(readOnly: false);
        SqliteCatalogue.Execute(_conn, """
            INSERT OR IGNORE INTO collections(name, title, pixel_file, committed_length, created)
            VALUES ($n, $t, $f, 0, datetime('now'))
            """, null, ("$n", collection), ("$t", title), ("$f", collection + ".px"));
        long committed = SqliteCatalogue.Scalar<long>(_conn, "SELECT committed_length FROM collections WHERE name=$n", null, ("$n", collection));
        // Anything past the committed length is a crashed or failed batch's leftovers.
        _pixels = new PixelStoreWriter(archive.PixelFilePath(collection), committed);
        _nextSpecId = SqliteCatalogue.Scalar<long>(_conn, "SELECT coalesce(max(spec_id), 0) FROM spectrum_store") + 1;
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = "SELECT specobjid FROM spectrum_store WHERE collection=$c";
        cmd.Parameters.AddWithValue("$c", collection);
        using var r = cmd.ExecuteReader();
        while (r.Read()) _known.Add(r.GetInt64(0));
    }

    public bool Contains(long specObjId) => _known.Contains(specObjId);

    /// <summary>A spectrum ready to store, and the file it came from.</summary>
    public sealed record Item(Spectrum Spectrum, string? SourcePath, long SourceBytes, string SourceFormat)
    {
        /// <summary>Catalogue rows only, no pixels (scale tests of the catalogue: a million rows without 100 GB of arrays).</summary>
        public bool CatalogueOnly { get; init; }
    }

    /// <summary>Stores a batch atomically; returns false (nothing stored) for items already present.</summary>
    public void WriteBatch(IReadOnlyList<Item> items)
    {
        var placed = new List<(Item Item, long SpecId, long Offset, long Length)>(items.Count);
        SqliteTransaction? tx = null;
        try
        {
            foreach (var item in items)
            {
                long specId = _nextSpecId + placed.Count;
                var (off, len) = item.CatalogueOnly ? (0L, 0L) : _pixels.Append(item.Spectrum.Arrays, specId);
                placed.Add((item, specId, off, len));
            }
            _pixels.Flush();
            tx = _conn.BeginTransaction();
            using var insertStore = Prepare(tx, """
                INSERT INTO spectrum_store(spec_id, collection, specobjid, px_offset, px_length, npix, source_path, source_bytes, source_format, ingested)
                VALUES ($0, $1, $2, $3, $4, $5, $6, $7, $8, datetime('now'))
                """, 9);
            using var insertSpecObj = PrepareInsert(tx, SchemaCatalog.SpecObj);
            using var insertObsCore = PrepareInsert(tx, SchemaCatalog.ObsCore);
            using var insertIndex = Prepare(tx, "INSERT INTO spatial_idx VALUES ($0, $1, $2, $3, $4, $5, $6)", 7);
            foreach (var (item, specId, off, len) in placed)
            {
                var s = item.Spectrum;
                Run(insertStore, specId, _collection, s.Meta.SpecObjId, off, len, s.Arrays.Count, item.SourcePath, item.SourceBytes, item.SourceFormat);
                var rows = new CatalogueRows(s.Meta, s.Arrays.Grid, _collection, specId, item.SourceBytes, _archive.Options);
                RunRow(insertSpecObj, SchemaCatalog.SpecObj, rows.SpecObj);
                RunRow(insertObsCore, SchemaCatalog.ObsCore, rows.ObsCore);
                var b = SpatialIndex.PointBox(s.Meta.Ra, s.Meta.Dec);
                Run(insertIndex, specId, b.X0, b.X1, b.Y0, b.Y1, b.Z0, b.Z1);
            }
            SqliteCatalogue.Execute(_conn, "UPDATE collections SET committed_length=$l WHERE name=$n", tx, ("$l", _pixels.Position), ("$n", _collection));
            tx.Commit();
            tx.Dispose();
        }
        catch
        {
            if (tx is not null) SqliteCatalogue.Abandon(_conn, tx);
            _pixels.TruncateTo(SqliteCatalogue.Scalar<long>(_conn, "SELECT committed_length FROM collections WHERE name=$n", null, ("$n", _collection)));
            throw;
        }
        _nextSpecId += placed.Count;
        foreach (var p in placed) _known.Add(p.Item.Spectrum.Meta.SpecObjId);
    }

    private SqliteCommand Prepare(SqliteTransaction tx, string sql, int parameterCount)
    {
        var cmd = _conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        for (int i = 0; i < parameterCount; i++) cmd.Parameters.Add(new SqliteParameter("$" + i, null));
        cmd.Prepare();
        return cmd;
    }

    private SqliteCommand PrepareInsert(SqliteTransaction tx, TableSchema table)
    {
        var cols = string.Join(", ", table.Columns.Select(c => CatalogueDdl.Quote(c.Name)));
        var pars = string.Join(", ", table.Columns.Select((_, i) => "$" + i));
        return Prepare(tx, $"INSERT INTO {CatalogueDdl.Quote(table.SqlName)}({cols}) VALUES ({pars})", table.Columns.Count);
    }

    private static void Run(SqliteCommand cmd, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        cmd.ExecuteNonQuery();
    }

    private static void RunRow(SqliteCommand cmd, TableSchema table, Func<string, object?> valueOf)
    {
        for (int i = 0; i < table.Columns.Count; i++) cmd.Parameters[i].Value = valueOf(table.Columns[i].Name) ?? DBNull.Value;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _pixels.Dispose();
        _conn.Dispose();
    }
}
