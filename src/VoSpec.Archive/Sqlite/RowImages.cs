using VoSpec.Adql.Translator;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using VoSpec.Core.Schema;
using VoSpec.VOTable;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// A published table that keeps each row's bytes as TAP's BINARY2 output of <c>SELECT *</c> encodes them, in a table of
/// their own beside it (<see cref="StoreTable"/>: the row's key and one BLOB). A full-width TAP result then copies one
/// stored value per row instead of reading and encoding every cell: SQLite's step and fetch of 39 ObsCore cells alone
/// cost ~1.4 µs a row. Kept apart from the table's own rows, the bytes (about half of a row) are not read by the scans
/// that build its indexes or answer other queries (issue 18: each index of a ten-million-row ObsCore read them all).
/// </summary>
/// <param name="Function">The SQL function (registered on every read-write connection) that encodes a row.</param>
public sealed record RowImageTable(TableSchema Table, string Column, string Function, IReadOnlyList<VOTableField> Fields)
{
    /// <summary>The table of stored rows: <see cref="Key"/> (the table's primary key) and <see cref="Column"/>.</summary>
    public string StoreTable { get; } = Table.SqlName + "_binary2";

    /// <summary>The table's primary key, which names a row in <see cref="StoreTable"/>.</summary>
    public string Key { get; } = Table.Columns.Single(c => c.PrimaryKey).Name;

    /// <summary>The DDL of <see cref="StoreTable"/>.</summary>
    public string CreateStore =>
        $"CREATE TABLE IF NOT EXISTS {CatalogueDdl.Quote(StoreTable)}({CatalogueDdl.Quote(Key)} INTEGER PRIMARY KEY, {CatalogueDdl.Quote(Column)} BLOB NOT NULL)";

    /// <summary>The statement that stores the NEW row's bytes, encoded by <see cref="Function"/> (in the triggers).</summary>
    internal string Encode =>
        $"INSERT OR REPLACE INTO {CatalogueDdl.Quote(StoreTable)}({CatalogueDdl.Quote(Key)}, {CatalogueDdl.Quote(Column)}) VALUES (NEW.{CatalogueDdl.Quote(Key)}, " +
        $"{Function}({string.Join(", ", ColumnNames.Select(c => "NEW." + CatalogueDdl.Quote(c)))}))";

    /// <summary>
    /// The trigger that stores an inserted row's bytes. An insert that brings them (the catalogue writer stores them
    /// first, encoded with the same encoder on every core) is not encoded twice; any other insert is. A bulk load, whose
    /// every row brings its bytes, drops it until its end (<see cref="DropInsertTrigger"/>), and every open recreates it.
    /// </summary>
    internal string CreateInsertTrigger =>
        $"CREATE TRIGGER IF NOT EXISTS {Table.SqlName}_binary2_insert AFTER INSERT ON {CatalogueDdl.Quote(Table.SqlName)} " +
        $"WHEN NOT EXISTS (SELECT 1 FROM {CatalogueDdl.Quote(StoreTable)} WHERE {CatalogueDdl.Quote(Key)} = NEW.{CatalogueDdl.Quote(Key)}) BEGIN {Encode}; END";

    /// <summary>Drops <see cref="CreateInsertTrigger"/>'s trigger.</summary>
    internal string DropInsertTrigger => $"DROP TRIGGER IF EXISTS {Table.SqlName}_binary2_insert";

    /// <summary>What the stored bytes depend on (<see cref="Binary2RowImages.LayoutOf"/>); TAP copies them only when its FIELDs have the same.</summary>
    public string Layout { get; } = Binary2RowImages.LayoutOf(Fields);

    /// <summary>The table's public column names in <c>SELECT *</c> order: the cells each stored row holds.</summary>
    public IReadOnlyList<string> ColumnNames { get; } = Fields.Select(f => f.Name).ToList();

    /// <summary>The cell stored relative to the public URL (schemas/: publicUrlRelative), or -1.</summary>
    public int PublicUrlField { get; } = Table.PublicColumns.ToList().FindIndex(c => c.PublicUrlRelative);

    private Binary2CellPrefix? _prefix; // the last one made: the public URL changes at most at a start

    /// <summary>What puts <paramref name="publicUrl"/> in front of that cell of a stored row; null when there is none.</summary>
    public Binary2CellPrefix? Prefix(string? publicUrl)
    {
        if (publicUrl is null || PublicUrlField < 0) return null;
        var last = _prefix;
        if (last?.Prefix == publicUrl) return last;
        return _prefix = new Binary2CellPrefix(Fields, PublicUrlField, publicUrl);
    }
}

/// <summary>
/// Keeps the stored rows of <see cref="RowImageTable"/>s right. Triggers re-encode a row, in the same statement and
/// transaction, whenever it is inserted or one of its public columns changes, and remove it with its row, so no write
/// path can leave stale bytes; a connection without the encoding function (another SQLite tool) cannot write to the
/// table at all. At open, a table whose stored layout differs from this build's (or an archive from before row images)
/// is encoded anew, and an archive that kept the bytes in the table's own rows has them moved out once.
/// </summary>
public static class RowImages
{
    public const string ColumnName = "vospec_binary2";

    public static RowImageTable ObsCore { get; } = For(SchemaCatalog.ObsCore);

    public static IReadOnlyList<RowImageTable> Tables { get; } = [ObsCore];

    /// <summary>The tables as the ADQL translator reads them.</summary>
    public static IReadOnlyList<RowImageSource> Sources { get; } =
        Tables.Select(t => new RowImageSource(t.Table.QualifiedName, t.Column, t.ColumnNames, t.StoreTable, t.Key)).ToList();

    private static RowImageTable For(TableSchema table) => new(table, ColumnName, "vospec_binary2_" + table.SqlName,
        table.PublicColumns.Select(c => new VOTableField(c.Name, c.Datatype) { Arraysize = c.Arraysize }).ToList());

    /// <summary>Whether a result with <paramref name="columns"/> is encoded exactly as some table's stored rows are (then they may answer it).</summary>
    public static bool LayoutMatches(IReadOnlyList<OutputColumn> columns)
    {
        var layout = Binary2RowImages.LayoutOf(columns.Select(c => new VOTableField(c.Name, c.Datatype) { Arraysize = c.Arraysize }).ToList());
        return Tables.Any(t => t.Layout == layout);
    }

    /// <summary>Registers the encoding functions; every connection that may write a table with row images needs them.</summary>
    public static void Register(SqliteConnection conn)
    {
        foreach (var t in Tables)
        {
            var encoder = new Binary2RowImages(t.Fields);
            int rc = raw.sqlite3_create_function(conn.Handle, t.Function, t.Fields.Count, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null,
                (ctx, _, args) => raw.sqlite3_result_blob(ctx, encoder.Encode(new ValueCells(args))));
            if (rc != raw.SQLITE_OK) throw new InvalidOperationException($"cannot register {t.Function}: SQLite error {rc}");
        }
    }

    /// <summary>Adds the store and the triggers where missing, and encodes every row again if the layout changed.</summary>
    internal static void Ensure(SqliteConnection conn, SqliteTransaction tx, Action<string>? log = null)
    {
        foreach (var t in Tables)
        {
            var table = CatalogueDdl.Quote(t.Table.SqlName);
            var store = CatalogueDdl.Quote(t.StoreTable);
            var key = CatalogueDdl.Quote(t.Key);
            var column = CatalogueDdl.Quote(t.Column);
            var name = t.Table.SqlName + "_binary2";
            SqliteCatalogue.Execute(conn, t.DropInsertTrigger, tx);
            SqliteCatalogue.Execute(conn, $"DROP TRIGGER IF EXISTS {name}_update", tx);
            SqliteCatalogue.Execute(conn, $"DROP TRIGGER IF EXISTS {name}_delete", tx);
            SqliteCatalogue.Execute(conn, t.CreateStore, tx);
            // An archive from before the store kept the bytes in the table's own rows: moved out once.
            bool inRows = SqliteCatalogue.Scalar<long>(conn, "SELECT count(*) FROM pragma_table_info($t) WHERE name = $c", tx,
                ("$t", t.Table.SqlName), ("$c", t.Column)) > 0;
            if (inRows)
            {
                log?.Invoke($"moving the stored BINARY2 rows of {t.Table.QualifiedName} into {t.StoreTable} (once)");
                SqliteCatalogue.Execute(conn, $"INSERT OR REPLACE INTO {store}({key}, {column}) SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL", tx);
                SqliteCatalogue.Execute(conn, $"ALTER TABLE {table} DROP COLUMN {column}", tx);
            }
            // Recreated at every open, so they follow the public columns of this build's schemas/.
            SqliteCatalogue.Execute(conn, t.CreateInsertTrigger, tx);
            SqliteCatalogue.Execute(conn, $"CREATE TRIGGER {name}_update AFTER UPDATE OF {string.Join(", ", t.ColumnNames.Append(t.Key).Distinct().Select(CatalogueDdl.Quote))} ON {table} BEGIN DELETE FROM {store} WHERE {key} = OLD.{key}; {t.Encode}; END", tx);
            SqliteCatalogue.Execute(conn, $"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN DELETE FROM {store} WHERE {key} = OLD.{key}; END", tx);
            var metaKey = "row_images:" + t.Table.QualifiedName;
            var stored = SqliteCatalogue.Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", tx, ("$k", metaKey));
            if (stored == t.Layout) continue;
            var all = $"{t.Function}({string.Join(", ", t.ColumnNames.Select(CatalogueDdl.Quote))})";
            SqliteCatalogue.Execute(conn, $"INSERT OR REPLACE INTO {store}({key}, {column}) SELECT {key}, {all} FROM {table}", tx);
            SqliteCatalogue.Execute(conn, "INSERT OR REPLACE INTO archive_meta(key, value) VALUES ($k, $v)", tx, ("$k", metaKey), ("$v", t.Layout));
        }
    }

    /// <summary>A trigger's NEW values as cells, read the way TAP's reader reads stored columns.</summary>
    private readonly struct ValueCells(sqlite3_value[] args) : IRawCells
    {
        public bool TryGetInt64(int ordinal, out long value)
        {
            var v = args[ordinal];
            value = raw.sqlite3_value_int64(v);
            return raw.sqlite3_value_type(v) != raw.SQLITE_NULL;
        }

        public bool TryGetDouble(int ordinal, out double value)
        {
            var v = args[ordinal];
            value = raw.sqlite3_value_double(v);
            return raw.sqlite3_value_type(v) != raw.SQLITE_NULL;
        }

        public bool TryGetUtf8(int ordinal, out ReadOnlySpan<byte> value)
        {
            var v = args[ordinal];
            if (raw.sqlite3_value_type(v) == raw.SQLITE_NULL) { value = default; return false; }
            // As sqlite3_column_blob: TEXT as stored, numbers in their text form.
            value = raw.sqlite3_value_blob(v);
            return true;
        }

        public bool TryGetBytes(int ordinal, out ReadOnlySpan<byte> value) => TryGetUtf8(ordinal, out value);
    }
}
