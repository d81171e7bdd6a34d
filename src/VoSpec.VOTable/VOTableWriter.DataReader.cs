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
    /// Memory stays bounded (pending output is flushed asynchronously every 64 KiB). If a row fails, the row is
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
        try
        {
            // BINARY2 output lands in the buffer directly, so its size is exact; TABLEDATA sits partly in XmlWriter,
            // which is only asked every 64 rows.
            Func<long, bool> due = serialization == Serialization.Binary2
                ? _ => _buffer.Pending >= FlushThreshold
                : n => (n & 63) == 0 && BytesPending >= FlushThreshold;
            var result = await TablePump.RunAsync(reader, enc, cells, maxRows, due, c => FlushAsync(c), ct).ConfigureAwait(false);
            RowsWritten = before + result.RowsWritten;
            EndTable();
            return result;
        }
        catch
        {
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
