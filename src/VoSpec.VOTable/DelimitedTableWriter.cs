using System.Data.Common;

namespace VoSpec.VOTable;

/// <summary>CSV and TSV results streamed from a data reader: a header line of FIELD names, then one line per row.</summary>
public static class DelimitedTableWriter
{
    public const string CsvContentType = "text/csv;header=present";
    public const string TsvContentType = "text/tab-separated-values";

    private const int FlushChars = 1 << 15;

    /// <summary>RFC 4180 CSV (CRLF line ends, quoting where needed), UTF-8 without BOM.</summary>
    public static Task<TableWriteResult> WriteCsvAsync(Stream output, DbDataReader reader, IReadOnlyList<VOTableField> fields, long maxRows, CancellationToken ct = default) =>
        WriteAsync(output, reader, fields, maxRows, csv: true, ct);

    /// <summary>Tab-separated values (LF line ends; TAB/CR/LF inside values become spaces), UTF-8 without BOM.</summary>
    public static Task<TableWriteResult> WriteTsvAsync(Stream output, DbDataReader reader, IReadOnlyList<VOTableField> fields, long maxRows, CancellationToken ct = default) =>
        WriteAsync(output, reader, fields, maxRows, csv: false, ct);

    private static async Task<TableWriteResult> WriteAsync(Stream output, DbDataReader reader, IReadOnlyList<VOTableField> fields, long maxRows, bool csv, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reader);
        var codecs = CompileForWriting(fields);
        var enc = new DelimitedEncoder(codecs, csv);
        var cells = new DataReaderCells(reader, codecs);
        byte[] bytes = new byte[FlushChars * 3 + 64];
        async Task FlushAsync(CancellationToken c)
        {
            int n = enc.Drain(ref bytes);
            await output.WriteAsync(bytes.AsMemory(0, n), c).ConfigureAwait(false);
        }
        enc.WriteHeader();
        var result = await TablePump.RunAsync(reader, enc, cells, maxRows, _ => enc.PendingChars >= FlushChars, FlushAsync, ct).ConfigureAwait(false);
        await FlushAsync(ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        return result;
    }

    internal static FieldCodec[] CompileForWriting(IReadOnlyList<VOTableField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0) throw new ArgumentException("a table needs at least one column", nameof(fields));
        try { return FieldCodec.Compile(fields); }
        catch (VOTableFormatException e) { throw new ArgumentException(e.Message, nameof(fields), e); }
    }
}
