using System.Data.Common;
using Microsoft.Data.Sqlite;
using VoSpec.Adql;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Queries;
using VoSpec.Core.Schema;
using VoSpec.VOTable;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// One ADQL query on SQLite, from uploads to the last row: a kept connection with the ADQL functions
/// (<see cref="AdqlConnection"/>), the uploads as TEMP tables, ADQL → SQLite (VoSpec.Adql, with the caller's hidden
/// collections left out in the SQL and stored BINARY2 rows where their layout is the result's), then SQLite's
/// authorizer and the database-time budget while the statement runs, over the raw statement reader. Cancelling
/// interrupts SQLite mid-statement; disposing drops the uploads and hands the connection on only when nothing of this
/// query can reach the next.
/// </summary>
internal sealed class SqliteAdqlExecution : IAdqlExecution
{
    private readonly SpectrumArchive _archive;
    private readonly AdqlConnection _kept;
    private readonly CancellationToken _cancel;
    private CancellationTokenRegistration _interrupt;
    private IReadOnlyList<TableSchema> _uploads = [];

    private SqliteAdqlExecution(SpectrumArchive archive, AdqlConnection kept, CancellationToken cancel)
    {
        _archive = archive;
        _kept = kept;
        _cancel = cancel;
    }

    public DbDataReader Reader { get; private set; } = null!;
    public IReadOnlyList<OutputColumn> Columns { get; private set; } = [];
    public bool RowsPreEncoded { get; private set; }

    /// <summary>The archive's tables with stored BINARY2 rows (ivoa.obscore), as the translator takes them.</summary>
    private static readonly IReadOnlyList<RowImageSource> StoredRowSources =
        RowImages.Sources;

    public static Task<IAdqlExecution> PrepareAsync(SpectrumArchive archive, AdqlRequest request, CancellationToken cancel)
    {
        var kept = AdqlConnection.Rent(archive);
        var q = new SqliteAdqlExecution(archive, kept, cancel);
        var conn = kept.Connection;
        try
        {
            // Cancelling (client gone, time limit) interrupts SQLite mid-statement.
            q._interrupt = cancel.Register(() => SQLitePCL.raw.sqlite3_interrupt(conn.Handle));
            q._uploads = SqliteUploads.Create(conn, request.Uploads);
            var metadata = q._uploads.Count == 0 ? request.Metadata : request.Metadata.WithUploads(q._uploads);
            // Parse, check, plan, translate: each once (AdqlPipeline). The stored bytes are only copied when this
            // result's FIELDs are encoded exactly as they were.
            var translated = new AdqlPipeline(request.Features).Run(request.Text, request.Statement, metadata, TranslatorOptions(request.Hidden, archive.Sqlite.AnswerUrl),
                request.StoredRows ? (StoredRowSources, RowImages.LayoutMatches) : null);
            // Straight over SQLite's statement API: text cells go to BINARY2 as bytes, no strings made.
            kept.Budget.Start(request.BudgetSeconds, request.BudgetOption);
            // From here to the end of the query SQLite itself refuses anything but reading the declared tables.
            kept.Guard(q._uploads.Select(u => u.SqlName));
            var reader = RawSqliteReader.Open(conn, translated.Sql, translated.Parameters, kept.Budget);
            q.Reader = reader;
            q.Columns = translated.Columns;
            q.RowsPreEncoded = translated.RowImages;
            // Stored rows hold access_url relative to the public URL; the answer puts it in front.
            if (translated.RowImages) reader.ImagePrefix = RowImages.ObsCore.Prefix(archive.Sqlite.AnswerUrl);
            return Task.FromResult<IAdqlExecution>(q);
        }
        catch
        {
            // No interrupt may reach the connection once it is closed.
            q._interrupt.Dispose();
            kept.Budget.Stop();
            kept.Unguard();
            try { SqliteUploads.Drop(conn, q._uploads); } catch (SqliteException) { }
            kept.Dispose();
            throw;
        }
    }

    /// <summary>The tables whose rows carry a collection, without the hidden ones (the columns named in schemas/).</summary>
    private static SqliteTranslatorOptions TranslatorOptions(IReadOnlyList<string> hidden, string? publicUrl) => new()
    {
        HiddenRows = hidden.Count == 0 ? [] : [new(SchemaCatalog.ObsCore.QualifiedName, "obs_collection", hidden), .. SchemaCatalog.SpectrumTables.Where(t => t != SchemaCatalog.ObsCore).Select(t => new HiddenRows(t.QualifiedName, "collection", hidden))],
        PublicUrl = publicUrl,
    };

    public async ValueTask DisposeAsync()
    {
        await _interrupt.DisposeAsync();
        await Reader.DisposeAsync();
        // A query that was interrupted (time limit, client gone) does not hand its connection on.
        bool clean = !_cancel.IsCancellationRequested && _kept.Budget.Exceeded is null;
        // The connection serves the next query: its TEMP upload tables must not go with it.
        _kept.Unguard();
        try { if (_uploads.Count > 0) SqliteUploads.Drop(_kept.Connection, _uploads); }
        catch (SqliteException) { clean = false; }
        _kept.Return(_archive, clean);
    }
}
