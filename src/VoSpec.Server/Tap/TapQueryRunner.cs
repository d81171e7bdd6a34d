using System.Data.Common;
using Microsoft.Data.Sqlite;
using VoSpec.Adql;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Archive.Catalogue;
using VoSpec.Core.Faults;
using VoSpec.Core.Schema;
using VoSpec.Server.Access;
using VoSpec.VOTable;

namespace VoSpec.Server.Tap;

/// <summary>
/// Runs one TAP query: uploads into TEMP tables, ADQL → SQLite through VoSpec.Adql, then rows from the
/// SQLite reader straight into the requested writer. <see cref="PrepareAsync"/> does everything that can
/// fail because of the request, before a byte is written, so a sync request can still answer 400.
/// </summary>
public sealed class TapQueryRunner(SpectrumArchive archive, TapService tap)
{
    /// <summary>A query ready to stream: its open connection, reader and output columns. Dispose it.</summary>
    public sealed class PreparedQuery : IAsyncDisposable
    {
        internal AdqlConnection Kept { get; init; } = null!;
        internal SpectrumArchive Archive { get; init; } = null!;
        internal SqliteConnection Connection => Kept.Connection;
        internal DbDataReader Reader { get; init; } = null!;
        internal CancellationTokenSource Timeout { get; init; } = null!;
        internal CancellationTokenRegistration Interrupt { get; init; }
        internal IReadOnlyList<TableSchema> Uploads { get; init; } = [];
        public required TapRequest Request { get; init; }
        public required IReadOnlyList<OutputColumn> Columns { get; init; }
        /// <summary>The reader returns each row's stored BINARY2 bytes (<see cref="RowImages"/>), not its cells.</summary>
        internal bool RowsPreEncoded { get; init; }

        public async ValueTask DisposeAsync()
        {
            await Interrupt.DisposeAsync();
            await Reader.DisposeAsync();
            // A query that was interrupted (time limit, client gone) does not hand its connection on.
            bool clean = !Timeout.IsCancellationRequested;
            // The connection serves the next query: its TEMP upload tables must not go with it.
            try { if (Uploads.Count > 0) TapUploads.Drop(Connection, Uploads); }
            catch (SqliteException) { clean = false; }
            Kept.Return(Archive, clean);
            Timeout.Dispose();
        }
    }

    /// <param name="rights">What the caller may see: collections it may not are left out of the tables in the SQL itself.</param>
    public async Task<PreparedQuery> PrepareAsync(TapRequest request, AccessRights rights, TapUploads.PartResolver parts, int timeoutSeconds, CancellationToken cancel)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (timeoutSeconds > 0) timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var kept = AdqlConnection.Rent(archive);
        var conn = kept.Connection;
        IReadOnlyList<TableSchema> uploads = [];
        CancellationTokenRegistration interrupt = default;
        try
        {
            // Cancelling (client gone, time limit) interrupts SQLite mid-statement.
            interrupt = timeout.Token.Register(() => SQLitePCL.raw.sqlite3_interrupt(conn.Handle));
            uploads = await TapUploads.LoadAsync(conn, request.Uploads, parts, tap.Limits.UploadLimitBytes, timeout.Token);
            ITableMetadata metadata = uploads.Count == 0 ? TableMetadata.Published : TableMetadata.Published.WithUploads(uploads);
            var options = rights.TranslatorOptions();
            bool storedRows = request.Format == TapFormat.VOTableBinary2 && tap.Limits.StoredRows;
            var translated = SqliteTranslator.Translate(request.Query, metadata, storedRows ? options with { RowImages = StoredRowSources } : options);
            // The stored bytes are only copied when this result's FIELDs are encoded exactly as they were.
            if (translated.RowImages && !StoredLayoutMatches(translated.Columns)) translated = SqliteTranslator.Translate(request.Query, metadata, options);
            // Straight over SQLite's statement API: text cells go to BINARY2 as bytes, no strings made.
            var reader = RawSqliteReader.Open(conn, translated.Sql, translated.Parameters);
            return new PreparedQuery
            {
                Kept = kept, Archive = archive, Reader = reader, Timeout = timeout, Interrupt = interrupt, Request = request, Columns = translated.Columns, Uploads = uploads,
                RowsPreEncoded = translated.RowImages,
            };
        }
        catch
        {
            // No interrupt may reach the connection once it is closed.
            interrupt.Dispose();
            try { TapUploads.Drop(conn, uploads); } catch (SqliteException) { }
            kept.Dispose();
            timeout.Dispose();
            throw;
        }
    }

    /// <summary>Streams the prepared query's rows in its format; the caller has set the Content-Type.</summary>
    public async Task WriteAsync(PreparedQuery q, Stream output)
    {
        var ct = q.Timeout.Token;
        var fields = Fields(q.Columns);
        DbDataReader reader = q.Reader;
        long maxRows = q.Request.MaxRec;
        switch (q.Request.Format)
        {
            case TapFormat.Csv: await DelimitedTableWriter.WriteCsvAsync(output, reader, fields, maxRows, ct); return;
            case TapFormat.Tsv: await DelimitedTableWriter.WriteTsvAsync(output, reader, fields, maxRows, ct); return;
            case TapFormat.Fits: await FitsTableWriter.WriteAsync(output, reader, fields, maxRows, ct: ct); return;
        }
        await using var w = new VOTableWriter(output, leaveOpen: true);
        w.BeginDocument();
        w.BeginResource("results");
        w.WriteInfo("QUERY_STATUS", "OK");
        w.WriteInfo("standardID", "ivo://ivoa.net/std/TAP");
        w.WriteInfo("QUERY", q.Request.Query);
        if (fields.Any(f => f.Ref == CooSysId)) w.WriteCooSys(CooSysId, "ICRS");
        var serialization = q.Request.Format == TapFormat.VOTableTableData ? Serialization.TableData : Serialization.Binary2;
        try
        {
            var result = await w.WriteTableAsync(reader, fields, serialization, maxRows, "results", ct, rowsPreEncoded: q.RowsPreEncoded);
            // MAXREC=0 asks for the metadata only, and is always marked as truncated.
            if (result.Overflow || maxRows == 0) w.WriteInfo("QUERY_STATUS", "OVERFLOW");
        }
        catch (Exception e)
        {
            // Rows already went out: the DALI way is a second QUERY_STATUS after the table.
            w.WriteInfo("QUERY_STATUS", "ERROR", Describe(e));
        }
        w.EndResource();
        if (fields.FirstOrDefault(f => f.ID == DidFieldId) is not null)
            w.WriteServiceDescriptor(VoSpec.VOTable.ServiceDescriptor.DataLink(archive.PublicUrl + "datalink/links", DidFieldId));
        w.EndDocument();
        await w.FlushAsync(ct);
    }

    /// <summary>The archive's tables with stored BINARY2 rows (ivoa.obscore), as the translator takes them.</summary>
    private static readonly IReadOnlyList<RowImageSource> StoredRowSources =
        RowImages.Tables.Select(t => new RowImageSource(t.Table.QualifiedName, t.Column, t.ColumnNames)).ToList();

    private static bool StoredLayoutMatches(IReadOnlyList<OutputColumn> columns)
    {
        var layout = Binary2RowImages.LayoutOf(Fields(columns));
        return RowImages.Tables.Any(t => t.Layout == layout);
    }

    public const string CooSysId = "icrs";
    public const string DidFieldId = "obs_publisher_did";

    /// <summary>VOTable FIELDs for the output columns: metadata from schemas/ for plain column references.</summary>
    public static IReadOnlyList<VOTableField> Fields(IReadOnlyList<OutputColumn> columns)
    {
        var fields = new List<VOTableField>(columns.Count);
        bool didTaken = false;
        foreach (var c in columns)
        {
            var f = new VOTableField(c.Name, c.Datatype)
            {
                Arraysize = c.Arraysize, Xtype = c.Xtype, Unit = c.Unit, Ucd = c.Ucd, Utype = c.Utype, Description = c.Description,
            };
            if (c.Source is { } s && s.Ucd is { } ucd && (ucd.StartsWith("pos.eq.ra", StringComparison.Ordinal) || ucd.StartsWith("pos.eq.dec", StringComparison.Ordinal)))
                f = f with { Ref = CooSysId };
            // The DataLink descriptor's ID parameter refers to the publisher DID column by this ID.
            if (!didTaken && c.Source is { } src && src.Name == "obs_publisher_did" && src.Utype == "obscore:Curation.publisherDID")
            {
                f = f with { ID = DidFieldId };
                didTaken = true;
            }
            fields.Add(f);
        }
        return fields;
    }

    /// <summary>The message a user sees: their mistakes verbatim, our faults without internals.</summary>
    public static string Describe(Exception e) => e switch
    {
        AdqlException a => a.Message,
        UserInputException u => u.Message,
        OperationCanceledException => "the query was cancelled: it ran past the time limit or the client went away",
        SqliteException s when s.SqliteErrorCode == 9 => "the query was cancelled: it ran past the time limit",
        SqliteException s => "the query failed in the database: " + s.Message.Replace("SQLite Error " + s.SqliteErrorCode + ": ", ""),
        // No type names or stack: the client learns that it is our fault, the rest is for our logs.
        _ => "internal error: the result could not be written",
    };

}
