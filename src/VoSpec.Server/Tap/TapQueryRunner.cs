using System.Data.Common;
using VoSpec.Adql;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Server.Access;
using VoSpec.VOTable;

namespace VoSpec.Server.Tap;

/// <summary>
/// Runs one TAP query: the uploads read, then the archive's ADQL executor (checks, translates, prepares), then rows
/// from its reader straight into the requested writer. <see cref="PrepareAsync"/> does everything that can
/// fail because of the request, before a byte is written, so a sync request can still answer 400.
/// </summary>
public sealed class TapQueryRunner(SpectrumArchive archive, TapService tap, Operations.ServerMetrics? metrics = null,
    Microsoft.Extensions.Logging.ILogger<TapQueryRunner>? log = null, Operations.OperationsSettings? operations = null)
{
    private readonly double _slowSeconds = operations?.SlowQuerySeconds ?? new Operations.OperationsSettings().SlowQuerySeconds;

    /// <summary>A query ready to stream: the archive's execution and the wall-clock limit. Dispose it.</summary>
    public sealed class PreparedQuery : IAsyncDisposable
    {
        internal IAdqlExecution Execution { get; init; } = null!;
        internal CancellationTokenSource Timeout { get; init; } = null!;
        internal long Started { get; init; }
        public required TapRequest Request { get; init; }
        public IReadOnlyList<OutputColumn> Columns => Execution.Columns;

        public async ValueTask DisposeAsync()
        {
            await Execution.DisposeAsync();
            Timeout.Dispose();
        }
    }

    /// <param name="rights">What the caller may see: collections it may not are left out of the tables in the SQL itself.</param>
    /// <param name="timeoutSeconds">Wall-clock limit of the whole query (uploads, statement, writing), by a timer.</param>
    /// <param name="budget">Database-time budget of the statement: seconds and the option that set them.</param>
    public async Task<PreparedQuery> PrepareAsync(TapRequest request, AccessRights rights, TapUploads.PartResolver parts, int timeoutSeconds, CancellationToken cancel,
        (double Seconds, string Option) budget = default)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (timeoutSeconds > 0) timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            var uploads = await TapUploads.LoadAsync(request.Uploads, parts, tap.Limits.UploadLimitBytes, timeout.Token);
            var execution = await archive.Adql.PrepareAsync(new AdqlRequest
            {
                Text = request.Query, Uploads = uploads, Hidden = rights.Hidden, Features = tap.LanguageFeatures,
                StoredRows = request.Format == TapFormat.VOTableBinary2 && tap.Limits.StoredRows,
                BudgetSeconds = budget.Seconds, BudgetOption = budget.Option ?? "",
            }, timeout.Token);
            return new PreparedQuery { Execution = execution, Timeout = timeout, Request = request, Started = started };
        }
        catch
        {
            timeout.Dispose();
            throw;
        }
    }

    /// <summary>Streams the prepared query's rows in its format; the caller has set the Content-Type. Returns the rows written.</summary>
    /// <param name="mode">sync or async, for the metrics.</param>
    public async Task<long> WriteAsync(PreparedQuery q, Stream output, string mode = "sync")
    {
        var counted = metrics is null ? null : new VoSpec.Core.IO.CountingStream(output);
        long rows = await WriteRowsAsync(q, counted ?? output);
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(q.Started).TotalSeconds;
        if (metrics is not null)
        {
            metrics.TapRows.WithLabels(q.Request.Format.ToString()).Inc(rows);
            metrics.TapBytes.WithLabels(q.Request.Format.ToString()).Inc(counted!.Bytes);
            metrics.TapQuerySeconds.WithLabels(mode).Observe(seconds);
        }
        if (seconds >= _slowSeconds && log is not null)
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, "slow TAP query ({Mode}): {Seconds:0.000} s, {Rows} rows: {Adql}", mode, seconds, rows, q.Request.Query);
        return rows;
    }

    private async Task<long> WriteRowsAsync(PreparedQuery q, Stream output)
    {
        var ct = q.Timeout.Token;
        var fields = Fields(q.Columns);
        DbDataReader reader = q.Execution.Reader;
        long maxRows = q.Request.MaxRec;
        switch (q.Request.Format)
        {
            case TapFormat.Csv: return (await DelimitedTableWriter.WriteCsvAsync(output, reader, fields, maxRows, ct)).RowsWritten;
            case TapFormat.Tsv: return (await DelimitedTableWriter.WriteTsvAsync(output, reader, fields, maxRows, ct)).RowsWritten;
            case TapFormat.Fits: return (await FitsTableWriter.WriteAsync(output, reader, fields, maxRows, ct: ct)).RowsWritten;
        }
        long written = 0;
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
            var result = await w.WriteTableAsync(reader, fields, serialization, maxRows, "results", ct, rowsPreEncoded: q.Execution.RowsPreEncoded);
            written = result.RowsWritten;
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
        return written;
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
        _ when CatalogueFault.Of(e) is { Kind: CatalogueFaultKind.Interrupted } => "the query was cancelled: it ran past the time limit",
        _ when Hosting.StorageFault.Describe(e) is { } storage => storage.Message,
        _ when CatalogueFault.Of(e) is { } fault => "the query failed in the database: " + fault.Detail,
        // No type name or stack: the server's log has them (the job manager logs every "internal error").
        _ => "internal error: the query could not be completed (the details are in the server's log)",
    };

}
