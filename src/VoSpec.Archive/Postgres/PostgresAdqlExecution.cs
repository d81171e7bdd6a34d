using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using VoSpec.Adql;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive.Queries;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// One ADQL query on PostgreSQL, from uploads to the last row. Without uploads it is one statement on a connection of
/// the query pool for its budget (<see cref="PostgresCatalogue.QueryData"/>), whose sessions are the role
/// <see cref="PostgresDdl.QueryRole"/> (SELECT on the published tables and nothing else) with every transaction READ
/// ONLY and statement_timeout as the database-time budget: one round trip. With uploads it runs in a transaction of
/// its own: the uploads go into temporary tables (binary COPY) that die with it; then the transaction becomes READ
/// ONLY and that role, with the same statement_timeout. Whatever SQL reached the database, PostgreSQL itself refuses
/// anything but reading. Rows
/// stream from the data reader (one row in memory at a time); the first is read here, so the query's own errors
/// come before anything is written. A whole-row ObsCore result reads each row's stored BINARY2 bytes (one cell,
/// <see cref="PostgresRowImages"/>), which the VOTable writer copies as they are. Cancelling cancels the statement in the server; disposing rolls back (a transaction) and returns the connection.
/// </summary>
internal sealed class PostgresAdqlExecution : IAdqlExecution
{
    private readonly NpgsqlConnection _conn;
    private readonly NpgsqlTransaction? _tx;
    private NpgsqlCommand? _cmd;
    private CancellationTokenRegistration _cancel;

    private PostgresAdqlExecution(NpgsqlConnection conn, NpgsqlTransaction? tx) { _conn = conn; _tx = tx; }

    public DbDataReader Reader { get; private set; } = null!;
    public IReadOnlyList<OutputColumn> Columns { get; private set; } = [];
    public bool RowsPreEncoded { get; private set; }

    /// <summary>The request's database-time budget in milliseconds, as statement_timeout takes it (0: none).</summary>
    public static long BudgetMs(AdqlRequest request) => request.BudgetSeconds > 0 ? Math.Max(1, (long)(request.BudgetSeconds * 1000)) : 0;

    /// <summary>
    /// The query on <paramref name="conn"/>, which it owns from here on (disposed when it fails): without uploads a
    /// connection of <see cref="PostgresCatalogue.QueryData"/> for the request's budget (already the query role, read
    /// only, with the timeout: the query is its one statement); with uploads any connection to the primary.
    /// </summary>
    public static async Task<IAdqlExecution> PrepareAsync(PostgresCatalogue catalogue, NpgsqlConnection conn, AdqlRequest request, CancellationToken cancel)
    {
        NpgsqlTransaction? tx = null;
        PostgresAdqlExecution? q = null;
        try
        {
            long ms = BudgetMs(request);
            var uploads = new List<TableSchema>();
            if (request.Uploads.Count > 0)
            {
                tx = conn.BeginTransaction();
                foreach (var upload in request.Uploads) uploads.Add(CreateUpload(conn, tx, upload, $"tap_upload_{Guid.NewGuid():N}_{uploads.Count}"));
            }
            q = new PostgresAdqlExecution(conn, tx);
            var metadata = uploads.Count == 0 ? request.Metadata : request.Metadata.WithUploads(uploads);
            // A whole ObsCore row is read from its stored BINARY2 bytes when they were made for this build and the result's FIELDs.
            var translated = new AdqlPipeline(request.Features).Run(request.Text, request.Statement, metadata, TranslatorOptions(request.Hidden, catalogue.Archive.PublicUrl),
                request.StoredRows && catalogue.RowImagesCurrent ? (PostgresRowImages.Sources, RowImages.LayoutMatches) : null);
            // From here on the transaction can only read, as a role that can only read the published tables (and the
            // uploads, granted above); in one round trip (each setting is a round trip of its own otherwise).
            if (tx is not null)
                PostgresCatalogue.Execute(conn, $"SET LOCAL ROLE {PostgresDdl.QueryRole}; SET TRANSACTION READ ONLY; " +
                    $"SET LOCAL statement_timeout = {ms.ToString(CultureInfo.InvariantCulture)}", tx);
            var cmd = q._cmd = new NpgsqlCommand(translated.Sql, conn, tx);
            foreach (var (name, value) in translated.Parameters) cmd.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
            q._cancel = cancel.Register(() => { try { cmd.Cancel(); } catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { } });
            NpgsqlDataReader reader;
            try
            {
                // Synchronous, as every later read and the disposal: a socket that has seen one asynchronous operation
                // serves the synchronous reads of the rows through .NET's emulation, which waits and wakes per receive.
                reader = cmd.ExecuteReader();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && !cancel.IsCancellationRequested && ms > 0)
            {
                throw Budget(request);
            }
            Func<Exception> budget = () => Budget(request);
            Func<bool> isBudget = ms > 0 ? () => !cancel.IsCancellationRequested : () => false;
            // Stored rows hold access_url relative to the public URL; the answer puts it in front.
            q.Reader = translated.RowImages
                ? new StoredRowRead(reader, budget, isBudget, RowImages.ObsCore.Prefix(catalogue.Archive.PublicUrl))
                : new FirstRowRead(reader, budget, isBudget);
            q.RowsPreEncoded = translated.RowImages;
            ((FirstRowRead)q.Reader).ReadFirst();
            q.Columns = translated.Columns;
            return q;
        }
        catch
        {
            if (q is not null) await q.DisposeAsync();
            else { tx?.Dispose(); conn.Dispose(); }
            throw;
        }
    }

    private static QueryBudgetException Budget(AdqlRequest request) =>
        new($"the query used more than its {request.BudgetSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s of database time (VoSpec:Limits:{request.BudgetOption}) and was stopped");

    private static PostgresTranslatorOptions TranslatorOptions(IReadOnlyList<string> hidden, string publicUrl) => new()
    {
        HiddenRows = hidden.Count == 0 ? [] : [new(SchemaCatalog.ObsCore.QualifiedName, "obs_collection", hidden), .. SchemaCatalog.SpectrumTables.Where(t => t != SchemaCatalog.ObsCore).Select(t => new HiddenRows(t.QualifiedName, "collection", hidden))],
        PublicUrl = publicUrl,
    };

    /// <summary>An uploaded table as a temporary table of this transaction, filled by binary COPY, readable by the query role.</summary>
    private static TableSchema CreateUpload(NpgsqlConnection conn, NpgsqlTransaction tx, UploadedTable upload, string sqlName)
    {
        var columns = SqliteUploads.Columns(upload);
        var types = columns.Select(c => SqliteUploads.StorageType(c) switch
        {
            "INTEGER" => ("bigint", NpgsqlDbType.Bigint),
            "REAL" => ("double precision", NpgsqlDbType.Double),
            _ => ("text", NpgsqlDbType.Text),
        }).ToArray();
        string table = PostgresDdl.Quote(sqlName);
        PostgresCatalogue.Execute(conn, $"CREATE TEMP TABLE {table}({string.Join(", ", columns.Select((c, i) => $"{PostgresDdl.Quote(c.Name)} {types[i].Item1}"))}) ON COMMIT DROP", tx);
        using (var copy = conn.BeginBinaryImport($"COPY {table} FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in upload.Table.Rows)
            {
                copy.StartRow();
                for (int i = 0; i < columns.Count; i++)
                {
                    var v = SqliteUploads.Storage(i < row.Length ? row[i] : null);
                    if (v is DBNull) { copy.WriteNull(); continue; }
                    object typed = types[i].Item2 switch
                    {
                        NpgsqlDbType.Bigint => Convert.ToInt64(v, CultureInfo.InvariantCulture),
                        NpgsqlDbType.Double => Convert.ToDouble(v, CultureInfo.InvariantCulture),
                        _ => Convert.ToString(v, CultureInfo.InvariantCulture)!,
                    };
                    copy.Write(typed, types[i].Item2);
                }
            }
            copy.Complete();
        }
        PostgresCatalogue.Execute(conn, $"GRANT SELECT ON {table} TO {PostgresDdl.QueryRole}", tx);
        return TableMetadata.UploadTable(upload.Name, sqlName, columns);
    }

    public ValueTask DisposeAsync()
    {
        _cancel.Dispose();
        Reader?.Dispose();
        _cmd?.Dispose();
        if (_tx is not null)
        {
            try { _tx.Rollback(); } catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { }
            _tx.Dispose();
        }
        _conn.Dispose();
        return ValueTask.CompletedTask;
    }
}
