using System.Text;
using CsCheck;
using Microsoft.Data.Sqlite;
using VoSpec.Adql;
using VoSpec.Archive;
using VoSpec.Archive.Queries;
using VoSpec.Core.Faults;
using VoSpec.Server.Tap;
using VoSpec.VOTable;

namespace VoSpec.Fuzzing;

/// <summary>
/// VOTable uploads for fuzzing: documents written by the project's own VOTableWriter (TABLEDATA and BINARY2, every
/// datatype, arrays, xtypes, nulls) mutated at the text level; the same turned into BINARY streams or with their base64
/// cut; and hostile XML — entity expansion ("billion laughs"), external entities and DTDs, huge attributes, deep
/// nesting (the largest sizes in one case of twenty, so that a million inputs fit in minutes), wrong datatypes and arraysizes, odd FIELD names.
/// </summary>
public static class VOTableGenerator
{
    private static readonly Lazy<string[]> s_seeds = new(MakeSeeds);

    public static IReadOnlyList<string> Seeds => s_seeds.Value;

    public static Gen<byte[]> Documents => new PcgGen<byte[]>(r => Encoding.UTF8.GetBytes(r.Int(20) switch
    {
        < 9 => Mutator.Text(r, r.Pick(Seeds), Vocabulary),
        < 12 => Synthetic(r),
        < 14 => Mutator.Text(r, Synthetic(r), Vocabulary),
        < 16 => Hostile(r),
        17 => r.Pick(Seeds).Replace("BINARY2", "BINARY"),
        _ => CutStream(r, r.Pick(Seeds)),
    }));

    private static readonly string[] Vocabulary =
    [
        "<TR>", "</TR>", "<TD>", "</TD>", "<TD/>", "<FIELD name=\"x\" datatype=\"int\"/>", "datatype=\"double\"", "datatype=\"char\"", "arraysize=\"*\"",
        "arraysize=\"2x3\"", "arraysize=\"-1\"", "arraysize=\"99999999999\"", "xtype=\"point\"", "xtype=\"timestamp\"", "<VALUES null=\"-1\"/>", "&amp;", "&lt;",
        "&#0;", "&#xD800;", "&unknown;", "<![CDATA[x]]>", "<STREAM encoding=\"base64\">", "</STREAM>", "AAAA", "////", "=", "<BINARY2>", "<BINARY>",
        "<PARAM name=\"p\" datatype=\"int\" value=\"x\"/>", "<GROUP>", "</GROUP>", "<INFO name=\"a\" value=\"b\"/>", "<RESOURCE>", "<TABLE>", "</TABLE>",
        "NaN", "1e999", "-9223372036854775809", "T", "?", "0x7f", "  ", "\"", "'",
    ];

    private static readonly string[] Datatypes =
        ["boolean", "bit", "unsignedByte", "short", "int", "long", "char", "unicodeChar", "float", "double", "floatComplex", "doubleComplex", "string", ""];
    private static readonly string[] Arraysizes = ["", "1", "3", "*", "2x3", "5*", "0", "2x*", "x", "-3", "4294967296"];
    private static readonly string[] Names = ["a", "ra", "dec", "x y", "\"q\"", "", "select", "a", "1x", "é", "TAP_UPLOAD", "z_", new string('n', 300)];
    private static readonly string[] Cells =
        ["", "1", "-1", "0", "1.5", "NaN", "T", "F", "?", "abc", "1 2 3", "1e999", "9223372036854775808", "32768", "256", "10 20", "1 2 3 4 5 6", "2020-01-01T00:00:00", "&lt;&gt;"];

    /// <summary>A small VOTable written as text: any datatype/arraysize combination, any cell text, TABLEDATA.</summary>
    private static string Synthetic(PCG r)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n<VOTABLE version=\"" + r.Pick(["1.4", "1.3", "1.5", "9"]) + "\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\"><RESOURCE><TABLE>");
        int fields = r.Int(6);
        for (int i = 0; i < fields; i++)
        {
            sb.Append("<FIELD name=\"").Append(System.Security.SecurityElement.Escape(r.Pick(Names))).Append("\" datatype=\"").Append(r.Pick(Datatypes)).Append('"');
            if (r.Pick(Arraysizes) is { Length: > 0 } a) sb.Append(" arraysize=\"").Append(a).Append('"');
            if (r.Chance(15)) sb.Append(" xtype=\"").Append(r.Pick(["point", "circle", "polygon", "timestamp", "interval", "moc"])).Append('"');
            sb.Append(r.Chance(10) ? "><VALUES null=\"" + r.Pick(Cells) + "\"/></FIELD>" : "/>");
        }
        sb.Append("<DATA><TABLEDATA>");
        int rows = r.Int(5);
        for (int row = 0; row < rows; row++)
        {
            sb.Append("<TR>");
            int cells = fields + (r.Chance(10) ? r.Int(3) - 1 : 0);
            for (int c = 0; c < cells; c++) sb.Append("<TD>").Append(r.Pick(Cells)).Append("</TD>");
            sb.Append("</TR>");
        }
        return sb.Append("</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>").ToString();
    }

    private const string MinimalTable = "<RESOURCE><TABLE><FIELD name=\"a\" datatype=\"char\" arraysize=\"*\"/><DATA><TABLEDATA><TR><TD>{0}</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE>";

    /// <summary>XML built to hurt a careless parser.</summary>
    private static string Hostile(PCG r)
    {
        switch (r.Int(8))
        {
            case 0:
            {
                var dtd = new StringBuilder("<!DOCTYPE VOTABLE [<!ENTITY l0 \"lol\">");
                for (int i = 1; i < 10; i++) dtd.Append($"<!ENTITY l{i} \"{string.Concat(Enumerable.Repeat($"&l{i - 1};", 10))}\">");
                return dtd.Append("]><VOTABLE version=\"1.4\">").Append(string.Format(MinimalTable, "&l9;")).Append("</VOTABLE>").ToString();
            }
            case 1:
                return "<!DOCTYPE VOTABLE [<!ENTITY x SYSTEM \"" + r.Pick(["file:///etc/passwd", "http://127.0.0.1:1/x", "/dev/zero", "../../secret"]) + "\">]>"
                    + "<VOTABLE version=\"1.4\">" + string.Format(MinimalTable, "&x;") + "</VOTABLE>";
            case 2:
                return "<!DOCTYPE VOTABLE SYSTEM \"http://127.0.0.1:1/votable.dtd\"><VOTABLE version=\"1.4\">" + string.Format(MinimalTable, "x") + "</VOTABLE>";
            case 3:
                return "<VOTABLE version=\"1.4\"><RESOURCE><TABLE><FIELD name=\"" + new string('a', r.Chance(5) ? 200_000 : 1 + r.Int(2000)) + "\" datatype=\"int\" "
                    + string.Concat(Enumerable.Range(0, r.Chance(5) ? 2000 : r.Int(50)).Select(i => $"x{i}=\"{i}\" ")) + "/><DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";
            case 4:
            {
                int depth = r.Chance(5) ? 20_000 : 1 + r.Int(300);
                string tag = r.Pick(["GROUP", "RESOURCE", "x", "DESCRIPTION"]);
                return "<VOTABLE version=\"1.4\"><RESOURCE><TABLE>" + string.Concat(Enumerable.Repeat($"<{tag}>", depth)) + string.Concat(Enumerable.Repeat($"</{tag}>", depth))
                    + "<FIELD name=\"a\" datatype=\"int\"/><DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";
            }
            case 5:
            {
                // Many rows or a huge cell.
                var sb = new StringBuilder("<VOTABLE version=\"1.4\"><RESOURCE><TABLE><FIELD name=\"a\" datatype=\"char\" arraysize=\"*\"/><FIELD name=\"b\" datatype=\"double\" arraysize=\"*\"/><DATA><TABLEDATA>");
                int rows = r.Chance(5) ? 3000 : r.Int(100);
                for (int i = 0; i < rows; i++) sb.Append("<TR><TD>r").Append(i).Append("</TD><TD>1 2 3</TD></TR>");
                sb.Append("<TR><TD>").Append(new string('x', r.Chance(5) ? 500_000 : r.Int(1000))).Append("</TD><TD>").Append(string.Join(' ', Enumerable.Repeat("1.5", r.Chance(5) ? 50_000 : r.Int(100)))).Append("</TD></TR>");
                return sb.Append("</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>").ToString();
            }
            case 6:
                return "<VOTABLE version=\"1.4\"><RESOURCE><TABLE><FIELD name=\"a\" datatype=\"" + r.Pick(Datatypes) + "\" arraysize=\"" + r.Pick(Arraysizes)
                    + "\"/><DATA><" + r.Pick(["BINARY", "BINARY2"]) + "><STREAM encoding=\"" + r.Pick(["base64", "gzip", "none", "dynamic"]) + "\""
                    + (r.Chance(20) ? " href=\"file:///etc/passwd\"" : "") + ">" + Convert.ToBase64String(RandomBytes(r, r.Int(200)))
                    + "</STREAM></" + "BINARY2></DATA></TABLE></RESOURCE></VOTABLE>";
            default:
                return "<?xml version=\"1.0\" encoding=\"" + r.Pick(["UTF-16", "EBCDIC", "nope", "UTF-8"]) + "\"?>\uFEFF<VOTABLE>" + string.Format(MinimalTable, "\u0001") + "</VOTABLE>";
        }
    }

    private static byte[] RandomBytes(PCG r, int n)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte)r.Next(256);
        return b;
    }

    /// <summary>A BINARY2 document whose base64 stream is cut, doubled or has bytes changed inside it.</summary>
    private static string CutStream(PCG r, string doc)
    {
        int open = doc.IndexOf("<STREAM", StringComparison.Ordinal);
        if (open < 0) return Mutator.Text(r, doc, Vocabulary);
        int start = doc.IndexOf('>', open) + 1, end = doc.IndexOf("</STREAM>", start, StringComparison.Ordinal);
        var bytes = Convert.FromBase64String(doc[start..end]);
        var damaged = Mutator.Bytes(r, bytes);
        return doc[..start] + Convert.ToBase64String(damaged) + doc[end..];
    }

    private static string[] MakeSeeds()
    {
        var seeds = new List<string>();
        VOTableField[] fields =
        [
            new("b", "boolean"), new("u", "unsignedByte"), new("s", "short"), new("i", "int"), new("l", "long"), new("f", "float"), new("d", "double"),
            new("c", "char") { Arraysize = "*" }, new("w", "unicodeChar") { Arraysize = "8" }, new("da", "double") { Arraysize = "3" },
            new("ia", "int") { Arraysize = "*" }, new("p", "double") { Arraysize = "2", Xtype = "point" }, new("t", "char") { Arraysize = "*", Xtype = "timestamp" },
        ];
        foreach (var serialization in new[] { Serialization.TableData, Serialization.Binary2 })
        {
            using var ms = new MemoryStream();
            using (var w = new VOTableWriter(ms, leaveOpen: true))
            {
                w.BeginDocument();
                w.BeginResource("results");
                w.BeginTable(fields, serialization, "up");
                for (int row = 0; row < 4; row++)
                {
                    bool nulls = row == 3;
                    if (nulls) { for (int c = 0; c < fields.Length; c++) w.WriteNull(); w.EndRow(); continue; }
                    w.WriteBoolean(row % 2 == 0);
                    w.WriteInt64(200 + row);
                    w.WriteInt64(-300 * row);
                    w.WriteInt64(70000 * row);
                    w.WriteInt64(long.MinValue + row + 1);
                    w.WriteSingle(1.5f * row);
                    w.WriteDouble(row == 2 ? double.NaN : Math.PI * row);
                    w.WriteString("row <" + row + "> & 'q'");
                    w.WriteString("é" + row);
                    w.WriteArray([1.0, 2.0, row]);
                    w.WriteArray(Enumerable.Range(0, row).ToArray().AsSpan());
                    w.WriteArray([10.0 + row, -20.0]);
                    w.WriteString("2020-01-0" + (row + 1) + "T12:00:00");
                    w.EndRow();
                }
                w.EndTable();
                w.EndResource();
                w.EndDocument();
            }
            seeds.Add(Encoding.UTF8.GetString(ms.ToArray()));
        }
        return [.. seeds];
    }
}

/// <summary>
/// A VOTable the way TAP UPLOAD takes it: TapUploads.LoadAsync (the reader), then the archive's ADQL executor with it
/// as an upload (the TEMP table, the inserts) running SELECT * FROM TAP_UPLOAD.up through the ADQL checker and
/// translator, read to the end — on an empty archive of its own. UserInputException, AdqlException and our geometry
/// functions' refusals are refusals; everything else — other SQLite errors included — is a finding.
/// </summary>
public sealed class VOTableTarget : IFuzzTarget<byte[]>, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vospec-fuzz-votable-" + Guid.NewGuid().ToString("N"));
    private readonly SpectrumArchive _archive;

    public VOTableTarget() => _archive = SpectrumArchive.Open(_directory);

    public string Name => "votable";

    public bool Run(byte[] document)
    {
        var uploads = TapUploads.LoadAsync([("up", "param:t")], name => new MemoryStream(document, writable: false), 16 << 20, CancellationToken.None)
            .GetAwaiter().GetResult();
        var q = _archive.Adql.PrepareAsync(new AdqlRequest { Text = "SELECT * FROM TAP_UPLOAD.up", Uploads = uploads }, CancellationToken.None)
            .GetAwaiter().GetResult();
        try
        {
            var reader = q.Reader;
            while (reader.Read())
                for (int i = 0; i < reader.FieldCount; i++) _ = reader.GetValue(i);
            return true;
        }
        finally { q.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    /// <summary>
    /// Refusals: the upload's own errors, and a geometry cell our SQL functions refuse when the query reads it
    /// ("ADQL geometry: not a DALI circle"), which TAP reports as QUERY_STATUS=ERROR in those words.
    /// </summary>
    public bool IsUserError(Exception e) =>
        e is UserInputException or AdqlException || e is SqliteException s && s.Message.Contains("ADQL geometry:", StringComparison.Ordinal);

    public string Show(byte[] input) => Encoding.UTF8.GetString(input.AsSpan(0, Math.Min(input.Length, 4000)));

    public void Dispose()
    {
        _archive.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
