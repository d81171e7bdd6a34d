using System.Data.Common;

namespace VoSpec.VOTable;

public sealed partial class VOTableWriter
{
    /// <summary>Pending bytes above which the streaming loop hands them to the output.</summary>
    private const int FlushThreshold = 1 << 16;

    /// <summary>
    /// Streams a query result as one TABLE (BeginTable … EndTable) and returns whether the reader had more than
    /// <paramref name="maxRows"/> rows; the caller then writes <c>INFO QUERY_STATUS=OVERFLOW</c> (the table is closed).
    /// Reader columns map to <paramref name="fields"/> by position and are converted to the declared datatypes.
    /// Memory stays bounded (pending output is flushed asynchronously every 64 KiB; past the first 64 KiB, BINARY2
    /// blocks are encoded and written by a second task, at most a few hundred KiB ahead). If a row fails, the row is
    /// abandoned (see <see cref="CancelRow"/>), the table closed, and the exception rethrown, so the caller can append
    /// <c>INFO QUERY_STATUS=ERROR</c> and finish the document.
    /// </summary>
    public async Task<TableWriteResult> WriteTableAsync(DbDataReader reader, IReadOnlyList<VOTableField> fields,
        Serialization serialization, long maxRows, string? tableName = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        BeginTable(fields, serialization, tableName);
        var enc = _cells!;
        var cells = new DataReaderCells(reader, FieldCodec.Compile(fields));
        long before = RowsWritten;
        Base64Pipeline? pipeline = null;
        try
        {
            Func<long, bool> due;
            Func<CancellationToken, Task> flush;
            if (_base64 is { } sink)
            {
                // BINARY2 is flushed like TABLEDATA until 64 KiB are pending (small results go out in one write); then
                // a second task encodes and writes full blocks while rows keep coming, and alone writes to the output
                // until the table ends.
                due = _ => pipeline is null ? _buffer.Pending >= FlushThreshold : pipeline.Backlogged;
                flush = async c =>
                {
                    if (pipeline is not null) { await pipeline.WaitAsync(c).ConfigureAwait(false); return; }
                    await FlushAsync(c).ConfigureAwait(false);
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
            var result = await TablePump.RunAsync(reader, enc, cells, maxRows, due, flush, ct).ConfigureAwait(false);
            if (pipeline is not null) await pipeline.CompleteAsync(ct).ConfigureAwait(false);
            pipeline = null;
            RowsWritten = before + result.RowsWritten;
            EndTable();
            return result;
        }
        catch
        {
            if (pipeline is not null) await pipeline.AbandonAsync().ConfigureAwait(false);
            RowsWritten = before + enc.RowsWritten;
            if (_cells == enc)
            {
                enc.CancelRow();
                EndTable();
            }
            throw;
        }
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
