using System.Diagnostics;
using Npgsql;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Pixels;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// Writes spectra into one collection of a PostgreSQL catalogue, a batch at a time: pixels appended to the
/// collection's store and flushed, then the batch's rows go in by binary COPY (spectrum_store, specobj, ivoa_obscore),
/// with the collection's statistics, coverage and the store's committed length, in one transaction; the rows are
/// encoded as COPY data on the other cores while the previous batch is written (<see cref="PostgresBatchRows"/>).
/// The positions' Q3C keys are expression indexes over the declared columns.
/// A large load (<see cref="ArchiveOptions.BulkLoadRows"/>) drops the secondary and spatial indexes first and builds
/// them once at the end (several at a time), then ANALYZEs; its batches commit without waiting for the WAL flush.
/// ObsCore's rows go in with their stored BINARY2 bytes (<see cref="PostgresRowImages"/>), made with the values on every core
/// by the same encoder as SQLite's. A bulk load into an empty catalogue on a <c>wal_level = minimal</c> cluster is one
/// transaction that writes no row to the WAL (<see cref="BeginLoadTransaction"/>).
/// </summary>
internal sealed class PostgresCatalogueWriter : ICatalogueWriter
{
    private readonly PostgresCatalogue _catalogue;
    private readonly string _collection;
    private readonly NpgsqlConnection _conn;
    private readonly PixelStoreWriter _pixels;
    private readonly HashSet<long> _known = [];
    private readonly List<string> _deferredIndexes = [];
    private readonly long[] _ticks = new long[Enum.GetValues<WritePhase>().Length];
    private long _nextSpecId;

    private static readonly TableSchema SpecObj = SchemaCatalog.SpecObj, ObsCore = SchemaCatalog.ObsCore;
    private static readonly string[] StoreColumns =
        ["spec_id", "collection", "specobjid", "px_offset", "px_length", "npix", "source_path", "source_bytes", "source_format", "ingested"];

    public PostgresCatalogueWriter(PostgresCatalogue catalogue, string collection, string title, long expectedRows)
    {
        _catalogue = catalogue;
        _collection = collection;
        _conn = catalogue.OpenPrimary();
        var archive = catalogue.Archive;
        PostgresCatalogue.Execute(_conn, """
            INSERT INTO collections(name, title, pixel_file, committed_length, created)
            VALUES (@n, @t, @f, 0, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')) ON CONFLICT (name) DO NOTHING
            """, null, ("n", collection), ("t", title), ("f", collection + ".px"));
        long committed = PostgresCatalogue.Scalar<long>(_conn, "SELECT committed_length FROM collections WHERE name = @n", null, ("n", collection));
        // Anything past the committed length is a crashed or failed batch's leftovers.
        _pixels = new PixelStoreWriter(archive.PixelFilePath(collection), committed);
        _nextSpecId = PostgresCatalogue.Scalar<long>(_conn, "SELECT coalesce(max(spec_id), 0) FROM spectrum_store") + 1;
        using (var cmd = new NpgsqlCommand("SELECT specobjid FROM spectrum_store WHERE collection = @c", _conn))
        {
            cmd.Parameters.AddWithValue("c", collection);
            using var r = cmd.ExecuteReader();
            while (r.Read()) _known.Add(r.GetInt64(0));
        }
        if (expectedRows >= archive.Options.BulkLoadRows && expectedRows >= catalogue.CountSpectra())
        {
            BeginLoadTransaction();
            DeferIndexes();
        }
    }

    /// <summary>
    /// A bulk load into an empty catalogue on a cluster with <c>wal_level = minimal</c> (an operator's choice for the
    /// load: docs/postgresql.md) runs in one transaction that first empties the three tables (TRUNCATE: new files):
    /// PostgreSQL then writes none of their rows to the WAL, only syncs the files at the commit; each batch is a savepoint,
    /// so a batch that fails is undone alone, as before. Elsewhere (the default <c>replica</c>, or rows already there)
    /// each batch is its own transaction, because the WAL is written either way.
    /// </summary>
    private void BeginLoadTransaction()
    {
        if (PostgresCatalogue.Scalar<string>(_conn, "SELECT current_setting('wal_level')") != "minimal") return;
        var tx = _conn.BeginTransaction();
        try
        {
            // Nothing else may add rows meanwhile: other sessions wait for the load's end (the archive is empty till then anyway).
            PostgresCatalogue.Maintenance(_conn, $"LOCK TABLE {LoadTables} IN ACCESS EXCLUSIVE MODE", tx);
            if (!PostgresCatalogue.Scalar<bool>(_conn,
                    "SELECT NOT EXISTS (SELECT 1 FROM spectrum_store) AND NOT EXISTS (SELECT 1 FROM specobj) AND NOT EXISTS (SELECT 1 FROM ivoa_obscore)", tx))
            {
                tx.Rollback();
                tx.Dispose();
                return;
            }
            PostgresCatalogue.Maintenance(_conn, $"TRUNCATE {LoadTables}", tx);
            PostgresCatalogue.Execute(_conn, "SET LOCAL synchronous_commit = off", tx);
            _load = tx;
        }
        catch
        {
            tx.Dispose();
            throw;
        }
    }

    private const string LoadTables = "spectrum_store, specobj, ivoa_obscore";

    /// <summary>The load's one transaction (<see cref="BeginLoadTransaction"/>), committed before the indexes are built; null: a transaction a batch.</summary>
    private NpgsqlTransaction? _load;

    private void DeferIndexes()
    {
        var tx = _load ?? _conn.BeginTransaction();
        var indexes = new[] { SpecObj, ObsCore }.SelectMany(PostgresDdl.SecondaryIndexes).Concat(PostgresDdl.SpatialIndexes());
        foreach (var (name, create) in indexes)
        {
            PostgresCatalogue.Maintenance(_conn, $"DROP INDEX IF EXISTS {PostgresDdl.Quote(name)}", tx);
            _deferredIndexes.Add(create);
        }
        if (_load is not null) return;
        tx.Commit();
        tx.Dispose();
    }

    public bool Contains(long specObjId) => _known.Contains(specObjId);

    public string Collection => _collection;

    /// <summary>The batch's COPY data, made on every core (<see cref="PostgresBatchRows"/>), while the previous batch is written.</summary>
    public PreparedBatch Prepare(IReadOnlyList<CatalogueItem> items)
    {
        long t0 = Stopwatch.GetTimestamp();
        var ordered = BatchRows.SkyOrdered(items);
        long t1 = Stopwatch.GetTimestamp();
        var copy = PostgresBatchRows.Make(ordered, _collection, _catalogue.Archive.Options, _chunks, out var coverage);
        Interlocked.Add(ref _ticks[(int)WritePhase.SkyOrder], t1 - t0);
        Interlocked.Add(ref _ticks[(int)WritePhase.Values], Stopwatch.GetTimestamp() - t1);
        return new PreparedBatch(ordered, copy, coverage);
    }

    /// <summary>The chunks of COPY data sent, for the next batches to fill again (their buffers stay allocated).</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<PostgresBatchRows.Chunk> _chunks = [];

    public IReadOnlyList<(WritePhase Phase, TimeSpan Time)> Times =>
        Enum.GetValues<WritePhase>().Select(p => (p, Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)p])))).ToList();

    private long Lap(WritePhase phase, long since)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[(int)phase] += now - since;
        return now;
    }

    public void WriteBatch(PreparedBatch batch)
    {
        var (ordered, rows) = (batch.Items, batch.Copy!);
        if (ordered.Length == 0) return;
        NpgsqlTransaction? tx = null;
        List<(CatalogueItem Item, long SpecId, long Offset, long Length)> placed;
        try
        {
            long pixelsAt = Stopwatch.GetTimestamp();
            placed = BatchRows.PlacePixels(ordered, _pixels, _nextSpecId);
            Lap(WritePhase.Pixels, pixelsAt);
            if (_load is null) tx = _conn.BeginTransaction();
            else _load.Save("batch");
            long t = Stopwatch.GetTimestamp();
            var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            // During a bulk load the batches commit without waiting for their WAL to reach the disk: a crash loses at most
            // the last few, rows and committed pixel length together (the pixels past it are cut off at the next open, and
            // the spectra are not known, so ingest stores them again); the index build at the end commits synchronously,
            // which flushes every batch before it.
            if (_deferredIndexes.Count > 0 && tx is not null) PostgresCatalogue.Execute(_conn, "SET LOCAL synchronous_commit = off", tx);
            using (var copy = new PostgresCopyRows(_conn, "spectrum_store", StoreColumns))
            {
                foreach (var (item, specId, off, len) in placed)
                {
                    copy.StartRow(StoreColumns.Length);
                    copy.Int64(specId);
                    copy.Text(_collection);
                    copy.Int64(item.Spectrum.Meta.SpecObjId);
                    copy.Int64(off);
                    copy.Int64(len);
                    copy.Int32(item.Spectrum.Arrays.Count);
                    copy.Text(item.SourcePath);
                    copy.Int64(item.SourceBytes);
                    copy.Text(item.SourceFormat);
                    copy.Text(now);
                }
                copy.Complete();
            }
            t = Lap(WritePhase.Store, t);
            rows.Patch(_nextSpecId);
            using (var copy = new PostgresCopyRows(_conn, SpecObj.SqlName, SpecObj.Columns.Select(c => c.Name)))
            {
                foreach (var chunk in rows.Chunks) copy.Raw(chunk.SpecObj.Written);
                copy.Complete();
            }
            t = Lap(WritePhase.SpecObj, t);
            using (var copy = new PostgresCopyRows(_conn, ObsCore.SqlName, ObsCore.Columns.Select(c => c.Name).Append(RowImages.ObsCore.Column)))
            {
                foreach (var chunk in rows.Chunks) copy.Raw(chunk.ObsCore.Written);
                copy.Complete();
            }
            t = Lap(WritePhase.ObsCore, t);
            // The surveys' own tables (desi.fibermap, lamost.lrs), for the spectra that have a row there.
            foreach (var (table, surveyRows) in SurveyTableRows.Of(placed.Select(p => (p.Item.Spectrum.Meta, p.SpecId)), _collection))
                PostgresCopyRows.Write(_conn, table, surveyRows, 0);
            var inside = tx ?? _load!;
            Statistics(inside, rows);
            Classes(inside, rows);
            Coverage(inside, batch.Coverage);
            PostgresCatalogue.Execute(_conn, "UPDATE collections SET committed_length = @l WHERE name = @n", inside, ("l", _pixels.Position), ("n", _collection));
            if (tx is not null) tx.Commit();
            else _load!.Release("batch");
            Lap(WritePhase.Commit, t);
        }
        catch
        {
            try
            {
                if (tx is not null) tx.Rollback();
                else _load?.Rollback("batch");
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The load's transaction itself is lost (a broken connection): its rows and index drops with it.
                if (_load is not null)
                {
                    _load.Dispose();
                    _load = null;
                    _deferredIndexes.Clear();
                }
            }
            // In the load's transaction, its own view: the length after its last good batch.
            _pixels.TruncateTo(PostgresCatalogue.Scalar<long>(_conn, "SELECT committed_length FROM collections WHERE name = @n", tx is null ? _load : null, ("n", _collection)));
            throw;
        }
        finally
        {
            tx?.Dispose();
            foreach (var chunk in rows.Chunks) _chunks.Add(chunk);
        }
        _nextSpecId += placed.Count;
        foreach (var p in placed) _known.Add(p.Item.Spectrum.Meta.SpecObjId);
    }

    /// <summary>The collection's count and ranges after this batch (what SQLite's triggers keep), gathered with the batch's rows.</summary>
    private void Statistics(NpgsqlTransaction tx, PostgresBatchRows rows)
    {
        var s = rows.Statistics;
        PostgresCatalogue.Execute(_conn, """
            INSERT INTO collection_stats(name, n, wave_min, wave_max, z_min, z_max) VALUES (@c, @n, @w0, @w1, @z0, @z1)
            ON CONFLICT (name) DO UPDATE SET n = collection_stats.n + excluded.n,
              wave_min = least(collection_stats.wave_min, excluded.wave_min), wave_max = greatest(collection_stats.wave_max, excluded.wave_max),
              z_min = least(collection_stats.z_min, excluded.z_min), z_max = greatest(collection_stats.z_max, excluded.z_max)
            """, tx, ("c", _collection), ("n", s.N), ("w0", Nullable(s.WaveMin)), ("w1", Nullable(s.WaveMax)), ("z0", Nullable(s.ZMin)), ("z1", Nullable(s.ZMax)));
        static object Nullable(double? v) => v is { } d ? d : DBNull.Value;
    }

    /// <summary>The batch's classes added to the collection's (<see cref="CollectionClassRows"/>), gathered with the batch's rows.</summary>
    private void Classes(NpgsqlTransaction tx, PostgresBatchRows rows)
    {
        if (rows.Classes.Count == 0) return;
        using var cmd = new NpgsqlCommand("""
            INSERT INTO collection_classes(name, class, n) SELECT @c, k, v FROM unnest(@k, @v) AS t(k, v)
            ON CONFLICT(name, class) DO UPDATE SET n = collection_classes.n + excluded.n
            """, _conn, tx);
        cmd.Parameters.AddWithValue("c", _collection);
        cmd.Parameters.Add(new NpgsqlParameter("k", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = rows.Classes.Keys.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("v", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint) { Value = rows.Classes.Values.ToArray() });
        cmd.ExecuteNonQuery();
    }

    private void Coverage(NpgsqlTransaction tx, Sqlite.SkyCoverage.Part part)
    {
        PostgresCatalogue.Execute(_conn, "INSERT INTO coverage_cells(collection, cell) SELECT @c, unnest(@cells) ON CONFLICT DO NOTHING", tx,
            ("c", _collection), ("cells", part.Cells));
        PostgresCatalogue.Execute(_conn, """
            INSERT INTO collection_coverage(name, t_min, t_max, updated)
            VALUES (@n, @lo, @hi, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
            ON CONFLICT (name) DO UPDATE SET t_min = least(collection_coverage.t_min, excluded.t_min),
              t_max = greatest(collection_coverage.t_max, excluded.t_max), updated = excluded.updated
            """, tx, ("n", _collection), ("lo", part.TMin), ("hi", part.TMax));
    }

    public void BuildDeferredIndexes()
    {
        if (_load is not null)
        {
            // The rows (and the index drops) become visible together; the indexes are built after, on several connections.
            var load = _load;
            _load = null;
            load.Commit();
            load.Dispose();
        }
        if (_deferredIndexes.Count == 0) return;
        long t = Stopwatch.GetTimestamp();
        // Each build is one process on the server: the indexes are built on as many connections as there are cores
        // here (at most 4), each connection taking the next when it is done.
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(_deferredIndexes);
        int connections = Math.Clamp(Environment.ProcessorCount, 1, 4);
        // Each index sorts its keys in memory rather than in temporary files: 1 GB shared among them.
        var memory = $"SET maintenance_work_mem = '{1024 / connections}MB'";
        var builds = Enumerable.Range(0, connections).Select(k => Task.Run(() =>
        {
            using var conn = k == 0 ? null : _catalogue.OpenPrimary();
            var c = conn ?? _conn;
            PostgresCatalogue.Execute(c, memory);
            while (queue.TryDequeue(out var create)) PostgresCatalogue.Maintenance(c, create);
            PostgresCatalogue.Execute(c, "RESET maintenance_work_mem");
        })).ToArray();
        try { Task.WaitAll(builds); }
        catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); }
        _deferredIndexes.Clear();
        // The planner's statistics for the new rows: cones and joins choose their indexes from them.
        PostgresCatalogue.Maintenance(_conn, "ANALYZE spectrum_store, specobj, ivoa_obscore");
        Lap(WritePhase.Indexes, t);
    }

    public void Dispose()
    {
        try { BuildDeferredIndexes(); }
        finally
        {
            _pixels.Dispose();
            _conn.Dispose();
        }
    }
}
