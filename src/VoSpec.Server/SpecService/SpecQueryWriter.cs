using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VoSpec.Adql.Translator;
using VoSpec.VOTable;

namespace VoSpec.Server.SpecService;

/// <summary>
/// The query call's rows: CSV (a header line, then one line per row, every line ending with '\n' — the Data Lab
/// client splits on '\n'), a JSON array of objects, or a VOTable with the columns' metadata from schemas/.
/// </summary>
public static class SpecQueryWriter
{
    public static string ContentType(QueryFormat f) => f switch
    {
        QueryFormat.Json => "application/json",
        QueryFormat.VOTable => "application/x-votable+xml",
        _ => "text/csv",
    };

    public static Task WriteAsync(QueryFormat format, DbDataReader reader, IReadOnlyList<OutputColumn> columns, Stream output, CancellationToken ct) => format switch
    {
        QueryFormat.Json => WriteJsonAsync(reader, columns, output, ct),
        QueryFormat.VOTable => WriteVOTableAsync(reader, columns, output, ct),
        _ => WriteCsvAsync(reader, columns, output, ct),
    };

    private static async Task WriteCsvAsync(DbDataReader reader, IReadOnlyList<OutputColumn> columns, Stream output, CancellationToken ct)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', columns.Select(c => Quote(c.Name))).Append('\n');
        while (await reader.ReadAsync(ct))
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (i > 0) sb.Append(',');
                if (reader.IsDBNull(i)) continue;
                switch (reader.GetValue(i))
                {
                    case double d: sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
                    case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                    case string s: sb.Append(Quote(s)); break;
                    case byte[] b: sb.Append(Convert.ToHexString(b)); break;
                    case var o: sb.Append(Quote(Convert.ToString(o, CultureInfo.InvariantCulture) ?? "")); break;
                }
            }
            sb.Append('\n');
            if (sb.Length > 1 << 16) await Drain(sb, output, ct);
        }
        await Drain(sb, output, ct);
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    private static async Task Drain(StringBuilder sb, Stream output, CancellationToken ct)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
        sb.Clear();
    }

    private static async Task WriteJsonAsync(DbDataReader reader, IReadOnlyList<OutputColumn> columns, Stream output, CancellationToken ct)
    {
        await using var w = new Utf8JsonWriter(output);
        w.WriteStartArray();
        while (await reader.ReadAsync(ct))
        {
            w.WriteStartObject();
            for (int i = 0; i < columns.Count; i++)
            {
                w.WritePropertyName(columns[i].Name);
                if (reader.IsDBNull(i)) { w.WriteNullValue(); continue; }
                switch (reader.GetValue(i))
                {
                    case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
                    case double: w.WriteNullValue(); break;
                    case long l: w.WriteNumberValue(l); break;
                    case var o: w.WriteStringValue(Convert.ToString(o, CultureInfo.InvariantCulture)); break;
                }
            }
            w.WriteEndObject();
            if (w.BytesPending > 1 << 16) await w.FlushAsync(ct);
        }
        w.WriteEndArray();
        await w.FlushAsync(ct);
    }

    private static async Task WriteVOTableAsync(DbDataReader reader, IReadOnlyList<OutputColumn> columns, Stream output, CancellationToken ct)
    {
        var fields = columns.Select(c => new VOTableField(c.Name, c.Datatype)
        {
            Arraysize = c.Arraysize, Xtype = c.Xtype, Unit = c.Unit, Ucd = c.Ucd, Utype = c.Utype, Description = c.Description,
        }).ToList();
        await using var w = new VOTableWriter(output, leaveOpen: true);
        w.BeginDocument();
        w.BeginResource("results");
        w.WriteInfo("QUERY_STATUS", "OK");
        await w.WriteTableAsync(reader, fields, Serialization.TableData, long.MaxValue, "results", ct);
        w.EndResource();
        w.EndDocument();
        await w.FlushAsync(ct);
    }
}
