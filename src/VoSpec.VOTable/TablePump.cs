using System.Data.Common;

namespace VoSpec.VOTable;

/// <summary>The row loop every reader-driven writer shares: at most maxRows rows, one extra Read to detect overflow.</summary>
internal static class TablePump
{
    public static async Task<TableWriteResult> RunAsync(
        DbDataReader reader, CellEncoder encoder, DataReaderCells cells, long maxRows,
        Func<long, bool> shouldFlush, Func<CancellationToken, Task> flush, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        long rows = 0;
        while (rows < maxRows && await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            cells.WriteRow(reader, encoder);
            encoder.EndRow();
            rows++;
            if (shouldFlush(rows)) await flush(ct).ConfigureAwait(false);
        }
        bool overflow = rows == maxRows && await reader.ReadAsync(ct).ConfigureAwait(false);
        return new TableWriteResult(rows, overflow);
    }
}
