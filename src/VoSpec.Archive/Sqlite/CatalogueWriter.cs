using System.Diagnostics;
using VoSpec.Archive.Catalogue;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Pixels;
using VoSpec.Core.Schema;
using VoSpec.Core.Sky;
using VoSpec.Core.Spectra;
using VoSpec.VOTable;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// Writes spectra into one collection, a batch at a time: pixels are appended to the collection's
/// store and flushed, then every catalogue row (specobj, obscore, spatial index, store location) and
/// the store's new committed length go in one transaction. A batch that fails leaves nothing behind.
/// Only one writer may exist per archive (the ingest lock sees to that).
/// <para>
/// Built to keep its rate to ten million rows (issue 18): each batch is put in HEALPix order before its spec_ids are
/// given, so the table, the R*Tree and the later cones read neighbours from neighbouring pages; the rows' values and
/// stored BINARY2 bytes are made on every core before the transaction; and a large load (<see cref="ArchiveOptions.BulkLoadRows"/>) drops
/// the secondary indexes first and builds them once at the end — maintained row by row, each commit rewrote most of
/// every index's pages — and, into an empty archive, packs the R*Tree once at the end too (<see cref="SpatialIndex.Rebuild"/>)
/// and writes through a rollback journal rather than the WAL (<see cref="UseRollbackJournal"/>).
/// An interrupted bulk load leaves both to the next open, which creates what is missing.
/// </para>
/// </summary>
internal sealed class CatalogueWriter : ICatalogueWriter
{
    /// <summary>The writer's page cache: the pages of a batch's B-trees and R*Tree stay in memory between commits.</summary>
    private const int CacheMegabytes = 512;

    private readonly SpectrumArchive _archive;
    private readonly string _collection;
    private readonly SqliteConnection _conn;
    private readonly PixelStoreWriter _pixels;
    private readonly HashSet<long> _known = [];
    private long _nextSpecId;

    private readonly List<string> _deferredIndexes = [];

    /// <summary>A bulk load into an empty R*Tree: no row-by-row inserts, one packed build at the end.</summary>
    private bool _spatialDeferred;

    /// <summary>
    /// A bulk load into an empty archive: its committed positions, gathered for the packing at the end so that it need
    /// not read them back from specobj (10 M rows: a scan of the whole table).
    /// </summary>
    private SpatialIndex.Points? _points;

    /// <summary>
    /// A bulk load: the per-row triggers that store a row's BINARY2 bytes (which this writer stores itself) and add it to
    /// collection_stats are dropped until its end, and each batch adds its rows to the statistics in one statement.
    /// </summary>
    private bool _triggersDropped;

    /// <summary>A bulk load into an empty archive writing through a rollback journal, until the WAL is back at its end.</summary>
    private bool _rollbackJournal;

    /// <param name="expectedRows">How many rows the caller means to write (0: unknown); a large load is a bulk load.</param>
    public CatalogueWriter(SpectrumArchive archive, string collection, string title, long expectedRows = 0)
    {
        _archive = archive;
        _collection = collection;
        _conn = archive.Sqlite.OpenConnection(readOnly: false);
        SqliteCatalogue.Execute(_conn, $"PRAGMA cache_size = -{CacheMegabytes * 1024}");
        // CREATE INDEX sorts its keys on a helper thread too.
        SqliteCatalogue.Execute(_conn, "PRAGMA threads = 2");
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
        using (var r = cmd.ExecuteReader())
            while (r.Read()) _known.Add(r.GetInt64(0));
        if (expectedRows >= archive.Options.BulkLoadRows && expectedRows >= archive.Lookup.CountSpectra()) DeferIndexes(expectedRows);
    }

    /// <summary>
    /// Drops the published tables' secondary indexes (not the unique ones, which keep duplicates out) until <see cref="Dispose"/>,
    /// and leaves an empty R*Tree to be packed then.
    /// </summary>
    private void DeferIndexes(long expectedRows)
    {
        bool empty = _archive.Lookup.CountSpectra() == 0;
        if (empty) _rollbackJournal = UseRollbackJournal();
        using var tx = _conn.BeginTransaction();
        if (SpatialIndex.IsEmpty(_conn, tx))
        {
            SpatialIndex.MarkPending(_conn, tx);
            _spatialDeferred = true;
            if (empty) _points = new SpatialIndex.Points(expectedRows);
        }
        foreach (var table in new[] { SchemaCatalog.SpecObj, SchemaCatalog.ObsCore })
            foreach (var (name, create) in CatalogueDdl.SecondaryIndexes(table))
            {
                SqliteCatalogue.Execute(_conn, $"DROP INDEX IF EXISTS {CatalogueDdl.Quote(name)}", tx);
                _deferredIndexes.Add(create);
            }
        // Recreated at the end, or by the next open if the load is killed (each batch's statistics commit with its rows).
        SqliteCatalogue.Execute(_conn, $"DROP TRIGGER IF EXISTS {CatalogueDdl.StatisticsTriggerName}", tx);
        SqliteCatalogue.Execute(_conn, RowImages.ObsCore.DropInsertTrigger, tx);
        _triggersDropped = true;
        tx.Commit();
    }

    /// <summary>
    /// Leaves the WAL for a rollback journal, if no other connection has the archive open. The WAL writes every page twice
    /// (into the log at each commit, into the file at each checkpoint); a rollback journal keeps only the old content of
    /// pages a transaction changes, and a load into an empty archive mostly appends new pages, which need none (10 M rows:
    /// commits 111 s → 63 s). Each commit still reaches the disk (synchronous FULL): commits that did not wait for it
    /// were tried and gained nothing in total (docs/benchmarks.md). A load killed midway is rolled back to its last
    /// commit by the next connection, which the next read-write open returns to the WAL (<see cref="SqliteCatalogue.Create()"/>).
    /// </summary>
    private bool UseRollbackJournal()
    {
        _archive.Sqlite.ClearPools();
        // Asked for a second at most (SQLite's busy wait off, Microsoft.Data.Sqlite's retries cut to the command's timeout):
        // another connection does not go away in five seconds, nor in thirty.
        SqliteCatalogue.Execute(_conn, "PRAGMA busy_timeout=0");
        try
        {
            using var cmd = _conn.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=TRUNCATE";
            cmd.CommandTimeout = 1;
            if (cmd.ExecuteScalar() as string == "truncate") return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 5) { }
        finally { SqliteCatalogue.Execute(_conn, "PRAGMA busy_timeout=5000"); }
        _archive.Options.Log?.Invoke("another connection has the archive open: the bulk load keeps the write-ahead log");
        return false;
    }

    /// <summary>Back to the WAL after a bulk load, which readers need to read while a later ingest writes.</summary>
    private void RestoreWal()
    {
        if (!_rollbackJournal) return;
        _rollbackJournal = false;
        _archive.Sqlite.ClearPools();
        try
        {
            SqliteCatalogue.Scalar<string>(_conn, "PRAGMA journal_mode=WAL");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 5)
        {
            _archive.Options.Log?.Invoke("another connection has the archive open: it returns to the write-ahead log at its next read-write open");
        }
    }

    public bool Contains(long specObjId) => _known.Contains(specObjId);

    public string Collection => _collection;

    public PreparedBatch Prepare(IReadOnlyList<CatalogueItem> items)
    {
        var batch = BatchRows.Prepare(items, _collection, _archive.Options, RowImages.ObsCore, _ticks);
        return batch;
    }

    /// <summary>Where a load's time went (issue 18 asks): each phase's wall time, summed over the batches.</summary>
    private readonly long[] _ticks = new long[Enum.GetValues<WritePhase>().Length];

    /// <summary>The time spent so far in each phase; sky order and values run on other cores while the previous batch is written.</summary>
    public IReadOnlyList<(WritePhase Phase, TimeSpan Time)> Times =>
        Enum.GetValues<WritePhase>().Select(p => (p, Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)p])))).ToList();

    private long Lap(WritePhase phase, long since)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[(int)phase] += now - since;
        return now;
    }

    // Where spec_id goes in each row's values (obscore's after the stored bytes).
    private static readonly int SpecObjIdSlot = SchemaCatalog.SpecObj.Columns.ToList().FindIndex(c => c.Name == "spec_id");
    private static readonly int ObsCoreIdSlot = SchemaCatalog.ObsCore.Columns.ToList().FindIndex(c => c.Name == "spec_id") + 1;

    /// <summary>Stores a batch atomically; items already present must have been left out by the caller.</summary>
    public void WriteBatch(IReadOnlyList<CatalogueItem> items) => WriteBatch(Prepare(items));

    /// <summary>Stores a prepared batch atomically.</summary>
    public void WriteBatch(PreparedBatch batch)
    {
        var (ordered, rows) = (batch.Items, batch.Rows);
        SqliteTransaction? tx = null;
        List<(CatalogueItem Item, long SpecId, long Offset, long Length)> placed;
        try
        {
            long pixelsAt = Stopwatch.GetTimestamp();
            placed = BatchRows.PlacePixels(ordered, _pixels, _nextSpecId);
            Lap(WritePhase.Pixels, pixelsAt);
            tx = _conn.BeginTransaction();
            using var insertStore = new RawInsert(_conn, """
                INSERT INTO spectrum_store(spec_id, collection, specobjid, px_offset, px_length, npix, source_path, source_bytes, source_format, ingested)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """);
            // The batch's time once, in datetime('now')'s form (SQLite would work it out again for every row).
            var ingested = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            using var insertSpecObj = Insert(SchemaCatalog.SpecObj);
            using var insertObsCore = Insert(SchemaCatalog.ObsCore);
            var images = RowImages.ObsCore;
            using var insertImage = new RawInsert(_conn, $"INSERT INTO {CatalogueDdl.Quote(images.StoreTable)}({CatalogueDdl.Quote(images.Key)}, {CatalogueDdl.Quote(images.Column)}) VALUES (?, ?)");
            using var insertIndex = _spatialDeferred ? null : new RawInsert(_conn, "INSERT INTO spatial_idx VALUES (?, ?, ?, ?, ?, ?, ?)");
            for (int k = 0; k < placed.Count; k++)
            {
                var (item, specId, off, len) = placed[k];
                var s = item.Spectrum;
                long t = Stopwatch.GetTimestamp();
                insertStore.Run([specId, _collection, s.Meta.SpecObjId, off, len, s.Arrays.Count, item.SourcePath, item.SourceBytes, item.SourceFormat, ingested]);
                t = Lap(WritePhase.Store, t);
                rows[k].SpecObj[SpecObjIdSlot] = specId;
                rows[k].ObsCore[ObsCoreIdSlot] = specId;
                insertSpecObj.Run(rows[k].SpecObj);
                t = Lap(WritePhase.SpecObj, t);
                // The stored bytes first: the table's insert trigger (dropped during a bulk load) then finds them and does not encode the row again.
                insertImage.Run([specId, rows[k].ObsCore[0]]);
                insertObsCore.Run(rows[k].ObsCore.AsSpan(1));
                t = Lap(WritePhase.ObsCore, t);
                if (insertIndex is null) continue;
                var b = SpatialIndex.PointBox(s.Meta.Ra, s.Meta.Dec);
                insertIndex.Run([specId, b.X0, b.X1, b.Y0, b.Y1, b.Z0, b.Z1]);
                Lap(WritePhase.RTree, t);
            }
            // The surveys' own tables (desi.fibermap, lamost.lrs), for the spectra that have a row there.
            foreach (var (table, surveyRows) in SurveyTableRows.Of(placed.Select(p => (p.Item.Spectrum.Meta, p.SpecId)), _collection))
            {
                using var insert = Insert(table);
                foreach (var row in surveyRows) insert.Run(row);
            }
            long commit = Stopwatch.GetTimestamp();
            SkyCoverage.Record(_conn, tx, _collection, batch.Coverage);
            SqliteCatalogue.Execute(_conn, CollectionClassRows.AddSql("$first"), tx, ("$first", _nextSpecId));
            if (_triggersDropped) SqliteCatalogue.Execute(_conn, CatalogueDdl.AddStatisticsSql("$first", "$c"), tx, ("$first", _nextSpecId), ("$c", _collection));
            SqliteCatalogue.Execute(_conn, "UPDATE collections SET committed_length=$l WHERE name=$n", tx, ("$l", _pixels.Position), ("$n", _collection));
            tx.Commit();
            Lap(WritePhase.Commit, commit);
            tx.Dispose();
            foreach (var (item, specId, _, _) in placed) _points?.Add(specId, item.Spectrum.Meta.Ra, item.Spectrum.Meta.Dec);
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

    /// <summary>An INSERT of every column in schema order.</summary>
    private RawInsert Insert(TableSchema table)
    {
        var names = table.Columns.Select(c => c.Name).ToList();
        var cols = string.Join(", ", names.Select(CatalogueDdl.Quote));
        return new RawInsert(_conn, $"INSERT INTO {CatalogueDdl.Quote(table.SqlName)}({cols}) VALUES ({string.Join(", ", names.Select(_ => "?"))})");
    }

    /// <summary>Packs the R*Tree and builds the indexes a bulk load deferred, each in one pass over its table (sorting its keys).</summary>
    public void BuildDeferredIndexes()
    {
        if (_triggersDropped)
        {
            using var tx = _conn.BeginTransaction();
            SqliteCatalogue.Execute(_conn, CatalogueDdl.StatisticsTrigger, tx);
            SqliteCatalogue.Execute(_conn, RowImages.ObsCore.CreateInsertTrigger, tx);
            tx.Commit();
            _triggersDropped = false;
        }
        if (_spatialDeferred)
        {
            long s = Stopwatch.GetTimestamp();
            using (var tx = _conn.BeginTransaction())
            {
                SpatialIndex.Rebuild(_conn, tx, _points);
                tx.Commit();
            }
            _spatialDeferred = false;
            _points = null;
            Lap(WritePhase.RTree, s);
        }
        long t = Stopwatch.GetTimestamp();
        foreach (var create in _deferredIndexes) SqliteCatalogue.Execute(_conn, create);
        _deferredIndexes.Clear();
        RestoreWal();
        Lap(WritePhase.Indexes, t);
    }

    /// <summary>Builds what a bulk load deferred, and closes the writer.</summary>
    public void Dispose()
    {
        try
        {
            BuildDeferredIndexes();
        }
        finally
        {
            _pixels.Dispose();
            _conn.Dispose();
        }
    }
}
