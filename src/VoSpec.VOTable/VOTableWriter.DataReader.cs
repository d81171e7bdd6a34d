using System.Data.Common;

namespace VoSpec.VOTable;

public sealed partial class VOTableWriter
{
    /// <summary>Pending bytes above which the streaming loop hands them to the output.</summary>
    private const int FlushThreshold = 1 << 16;
    /// <summary>Bytes of output after which a BINARY2 table's encoding moves to a second task (<see cref="Base64Pipeline"/>).</summary>
    private const int PipelineThreshold = 1 << 20;

    /// <summary>
    /// Streams a query result as one TABLE (BeginTable … EndTable) and returns whether the reader had more than
    /// <paramref name="maxRows"/> rows; the caller then writes <c>INFO QUERY_STATUS=OVERFLOW</c> (the table is closed).
    /// Reader columns map to <paramref name="fields"/> by position and are converted to the declared datatypes.
    /// Memory stays bounded (pending output is flushed asynchronously every 64 KiB; past the first 64 KiB, BINARY2
    /// blocks are encoded and written by a second task, at most a few hundred KiB ahead). If a row fails, the row is
    /// abandoned (see <see cref="CancelRow"/>), the table closed, and the exception rethrown, so the caller can append
    /// <c>INFO QUERY_STATUS=ERROR</c> and finish the document.
    /// </summary>
    /// <param name="rowsPreEncoded">
    /// BINARY2 only: the reader's first column holds each row's bytes already encoded for <paramref name="fields"/>
    /// (<see cref="Binary2RowImages"/>, same layout), and they are copied as they are.
    /// </param>
    public async Task<TableWriteResult> WriteTableAsync(DbDataReader reader, IReadOnlyList<VOTableField> fields,
        Serialization serialization, long maxRows, string? tableName = null, CancellationToken ct = default, bool rowsPreEncoded = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        IRawCells? images = null;
        if (rowsPreEncoded)
        {
            if (serialization != Serialization.Binary2) throw new ArgumentException("pre-encoded rows are BINARY2 rows", nameof(serialization));
            images = reader as IRawCells ?? throw new ArgumentException("pre-encoded rows need an IRawCells reader", nameof(reader));
        }
        BeginTable(fields, serialization, tableName);
        var enc = _cells!;
        var cells = images is null ? new DataReaderCells(reader, FieldCodec.Compile(fields)) : null;
        long before = RowsWritten;
        long copied = 0;
        Base64Pipeline? pipeline = null;
        try
        {
            Func<long, bool> due;
            Func<CancellationToken, Task> flush;
            if (_base64 is { } sink)
            {
                // BINARY2 is flushed like TABLEDATA, every 64 KiB pending (small results go out in one write); past
                // 1 MiB of text, a second task encodes and writes full blocks while rows keep coming, and alone writes
                // to the output until the table ends. (Below that its ~2 MB of blocks cost more than they save.)
                due = _ => pipeline is null ? _buffer.Pending >= FlushThreshold : pipeline.Backlogged;
                flush = async c =>
                {
                    if (pipeline is not null) { await pipeline.WaitAsync(c).ConfigureAwait(false); return; }
                    await FlushAsync(c).ConfigureAwait(false);
                    if (_buffer.TotalWritten < PipelineThreshold) return;
                    pipeline = new Base64Pipeline(_output, ct);
                    sink.UsePipeline(pipeline);
                };
            }
            else
            {
                // TABLEDATA sits partly in XmlWriter, which is only asked every 64 rows.
                due = n => (n & 63) == 0 && BytesPending >= FlushThreshold;
                flush = c => FlushAsync(c);
            }
            TableWriteResult result;
            if (images is null) result = await TablePump.RunAsync(reader, enc, cells!, maxRows, due, flush, ct).ConfigureAwait(false);
            else
            {
                bool more = true;
                while (more && copied < maxRows)
                {
                    more = CopyStoredRows(reader, images, _base64!, maxRows, ref copied, due, ct);
                    if (more && copied < maxRows) await flush(ct).ConfigureAwait(false);
                }
                result = new TableWriteResult(copied, more && copied == maxRows && await reader.ReadAsync(ct).ConfigureAwait(false));
            }
            if (pipeline is not null) await pipeline.CompleteAsync(ct).ConfigureAwait(false);
            pipeline = null;
            RowsWritten = before + result.RowsWritten;
            EndTable();
            return result;
        }
        catch
        {
            if (pipeline is not null) await pipeline.AbandonAsync().ConfigureAwait(false);
            RowsWritten = before + (images is null ? enc.RowsWritten : copied);
            if (_cells == enc)
            {
                enc.CancelRow();
                EndTable();
            }
            throw;
        }
    }

    /// <summary>
    /// Copies stored rows until a flush is due or the rows end (false) or <paramref name="maxRows"/> are copied; a plain
    /// method, compiled optimised from the first call, as the async caller's loop would not be.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static bool CopyStoredRows(DbDataReader reader, IRawCells images, Base64RowSink rows, long maxRows, ref long copied,
        Func<long, bool> due, CancellationToken ct)
    {
        while (copied < maxRows)
        {
            ct.ThrowIfCancellationRequested();
            if (!reader.Read()) return false;
            if (!images.TryGetBytes(0, out var row)) throw new InvalidDataException($"row {copied + 1} has no stored BINARY2 bytes");
            rows.WriteRow(row);
            copied++;
            if (due(copied)) return true;
        }
        return true;
    }

    /// <summary>
    /// A DALI error document: one RESOURCE type="results" holding exactly one
    /// <c>&lt;INFO name="QUERY_STATUS" value="ERROR"&gt;message&lt;/INFO&gt;</c> and no TABLE. Writes synchronously.
    /// </summary>
    public static void WriteError(Stream output, string message)
    {
        using var w = new VOTableWriter(output, leaveOpen: true);
        w.WriteErrorDocument(message);
        w.Flush();
    }

    public static async Task WriteErrorAsync(Stream output, string message, CancellationToken ct = default)
    {
        await using var w = new VOTableWriter(output, leaveOpen: true);
        w.WriteErrorDocument(message);
        await w.FlushAsync(ct).ConfigureAwait(false);
    }

    private void WriteErrorDocument(string message)
    {
        // taplint W-NOMS: the message must not be empty.
        if (string.IsNullOrWhiteSpace(message)) message = "Error (no details)";
        BeginDocument();
        BeginResource("results");
        WriteInfo("QUERY_STATUS", "ERROR", message);
        EndResource();
        EndDocument();
    }
}
