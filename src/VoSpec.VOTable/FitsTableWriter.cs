using System.Data.Common;
using VoSpec.Fits;

namespace VoSpec.VOTable;

/// <summary>
/// A query result as a FITS file (empty primary HDU + one BINTABLE) through VoSpec.Fits. FITS puts NAXIS2 (rows) and
/// every column width in the header, before the data, and a data reader can be read only once: so rows are first
/// spooled to a temporary file (BINARY2 row encoding, deleted on close) while counting rows and measuring the longest
/// string/array per column, then the table is written from the spool. Memory stays at a few buffers; disk holds one
/// copy of the result.
/// Columns: boolean→L, unsignedByte→B, short→I, int→J, long→K, float→E, double→D (n-element arrays → nX), char and
/// unicodeChar → fixed-width A of the longest value (printable ASCII; anything else becomes '?'); variable arrays →
/// fixed width of the longest, padded with NaN (reals), TNULL (integers) or F. Nulls: NaN for reals, TNULL for
/// integers (declared only for columns that have nulls: -32768, -2^31, -2^63, 255 for unsignedByte), undefined for
/// booleans, empty for strings.
/// </summary>
public static class FitsTableWriter
{
    public const string ContentType = "application/fits";

    public static async Task<TableWriteResult> WriteAsync(Stream output, DbDataReader reader, IReadOnlyList<VOTableField> fields,
        long maxRows, string? extName = "RESULTS", string? spoolDirectory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reader);
        var codecs = DelimitedTableWriter.CompileForWriting(fields);
        string path = Path.Combine(spoolDirectory ?? Path.GetTempPath(), $"vospec-fits-{Guid.NewGuid():N}.spool");
        await using var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);

        // Pass 1: spool and measure.
        var maxCounts = new int[codecs.Length];
        var hadNull = new bool[codecs.Length];
        var sink = new StreamRowSink(spool);
        var enc = new Binary2RowEncoder(codecs, sink) { MaxCounts = maxCounts, HadNull = hadNull };
        var cells = new DataReaderCells(reader, codecs);
        var result = await TablePump.RunAsync(reader, enc, cells, maxRows, _ => false, _ => Task.CompletedTask, ct).ConfigureAwait(false);
        if (result.RowsWritten > int.MaxValue) throw new InvalidOperationException("a FITS table written here holds at most 2^31-1 rows");
        spool.Flush();
        spool.Position = 0;

        // Pass 2: the FITS file, through an in-memory buffer drained asynchronously (FitsWriter writes synchronously).
        var columns = new TableColumn[codecs.Length];
        for (int i = 0; i < codecs.Length; i++) columns[i] = ToFitsColumn(codecs[i], maxCounts[i], hadNull[i]);
        var buffer = new OutputBuffer(1 << 17);
        using (var fits = new FitsWriter(buffer, leaveOpen: true))
        {
            fits.WritePrimaryHeader();
            using var table = fits.BeginBinaryTable(columns, (int)result.RowsWritten, extName: extName);
            var decoder = new BinaryRowDecoder(codecs, binary2: true, spool);
            while (decoder.ReadRow() is { } row)
            {
                for (int i = 0; i < codecs.Length; i++) WriteCell(table, codecs[i], columns[i], row[i]);
                table.EndRow();
                if (buffer.Pending >= 1 << 16) await buffer.DrainToAsync(output, ct).ConfigureAwait(false);
            }
            table.Complete();
            fits.Flush();
        }
        await buffer.DrainToAsync(output, ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        return result;
    }

    private sealed class StreamRowSink(Stream s) : IBinaryRowSink
    {
        public void WriteRow(ReadOnlySpan<byte> row) => s.Write(row);
    }

    private static long? TNull(FieldCodec c) => c.Type switch
    {
        VOTableDatatype.UnsignedByte => 255,
        VOTableDatatype.Short => short.MinValue,
        VOTableDatatype.Int => int.MinValue,
        _ => long.MinValue,
    };

    private static TableColumn ToFitsColumn(FieldCodec c, int maxCount, bool hadNull)
    {
        if (c.Kind == CellKind.Text) return new TableColumn(c.Name, $"{Math.Max(1, maxCount)}A") { Unit = c.Field.Unit };
        int repeat = c.IsArray ? (c.Size.IsVariable ? maxCount : c.Size.FixedCount) : 1;
        char letter = c.Type switch
        {
            VOTableDatatype.Boolean => 'L',
            VOTableDatatype.UnsignedByte => 'B',
            VOTableDatatype.Short => 'I',
            VOTableDatatype.Int => 'J',
            VOTableDatatype.Long => 'K',
            VOTableDatatype.Float => 'E',
            _ => 'D',
        };
        bool needsNull = c.Kind == CellKind.Integer && (hadNull || c.Size.IsVariable);
        return new TableColumn(c.Name, $"{repeat}{letter}") { Unit = c.Field.Unit, Null = needsNull ? TNull(c) : null };
    }

    private static void WriteCell(BinaryTableWriter t, FieldCodec c, TableColumn col, object? v)
    {
        int repeat = col.Form.Repeat;
        if (v is null)
        {
            if (c.Kind == CellKind.Text) t.WriteString("");
            else t.WriteNull();
            return;
        }
        switch (v)
        {
            case string s: t.WriteString(Printable(s)); break;
            case bool b: t.WriteLogical(b); break;
            case byte by: t.WriteByte(by); break;
            case short sh: t.WriteInt16(sh); break;
            case int i: t.WriteInt32(i); break;
            case long l: t.WriteInt64(l); break;
            case float f: t.WriteSingle(f); break;
            case double d: t.WriteDouble(d); break;
            case bool[] ba: t.WriteLogicals(Pad(ba, repeat, false)); break;
            case byte[] bya: t.WriteBytes(Pad(bya, repeat, (byte)255)); break;
            case short[] sa: t.WriteInt16s(Pad(sa, repeat, short.MinValue)); break;
            case int[] ia: t.WriteInt32s(Pad(ia, repeat, int.MinValue)); break;
            case long[] la: t.WriteInt64s(Pad(la, repeat, long.MinValue)); break;
            case float[] fa: t.WriteSingles(Pad(fa, repeat, float.NaN)); break;
            case double[] da: t.WriteDoubles(Pad(da, repeat, double.NaN)); break;
            default: throw new InvalidOperationException($"column {c.Name}: unexpected {v.GetType().Name} in the spool");
        }
    }

    private static T[] Pad<T>(T[] values, int repeat, T fill)
    {
        if (values.Length == repeat) return values;
        var padded = new T[repeat];
        values.CopyTo(padded, 0);
        padded.AsSpan(values.Length).Fill(fill);
        return padded;
    }

    /// <summary>FITS A columns hold printable ASCII only.</summary>
    private static string Printable(string s)
    {
        foreach (char ch in s)
            if (ch < ' ' || ch > '~') return string.Create(s.Length, s, (span, src) =>
            {
                for (int i = 0; i < src.Length; i++) span[i] = src[i] < ' ' || src[i] > '~' ? '?' : src[i];
            });
        return s;
    }
}
