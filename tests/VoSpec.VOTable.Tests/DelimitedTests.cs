using System.Text;
using Microsoft.Data.Sqlite;
using Xunit;

namespace VoSpec.VOTable.Tests;

public class DelimitedTests
{
    private static readonly VOTableField[] Fields =
    [
        new("name", "char") { Arraysize = "*" }, new("n", "int"), new("x", "double"), new("p", "double") { Arraysize = "2", Xtype = "point" }, new("b", "boolean"),
    ];

    private static SqliteConnection Db()
    {
        SQLitePCL.Batteries_V2.Init();
        var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        SqliteFixture.Exec(c, "CREATE TABLE q(k INTEGER, name TEXT, n INTEGER, x REAL, p TEXT, b INTEGER)");
        SqliteFixture.Exec(c, """
            INSERT INTO q VALUES
             (1, 'plain', 1, 0.5, '10 20', 1),
             (2, 'has,comma', -2, NULL, NULL, 0),
             (3, 'say "hi"', NULL, 1e-30, '0 -90', NULL),
             (4, 'two' || char(13) || char(10) || 'lines', 4, -0.0, '1 2', 1),
             (5, '', 5, 1.0, '3 4', 0),
             (6, NULL, 6, 2.0, '5 6', 1),
             (7, ' padded ', 7, 3.0, '7 8', 1),
             (8, 'tab' || char(9) || 'in', 8, 4.0, '9 10', 0)
            """);
        return c;
    }

    private static async Task<(string Text, TableWriteResult Result)> Run(bool csv, long maxRows)
    {
        using var c = Db();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, n, x, p, b FROM q ORDER BY k";
        using var reader = cmd.ExecuteReader();
        var ms = new MemoryStream();
        var output = new AsyncOnlyStream(ms);
        var r = csv
            ? await DelimitedTableWriter.WriteCsvAsync(output, reader, Fields, maxRows)
            : await DelimitedTableWriter.WriteTsvAsync(output, reader, Fields, maxRows);
        return (Encoding.UTF8.GetString(ms.ToArray()), r);
    }

    [Fact]
    public async Task Csv_follows_rfc4180_quoting()
    {
        var (text, r) = await Run(csv: true, long.MaxValue);
        Assert.Equal(new TableWriteResult(8, false), r);
        Assert.Equal(
            "name,n,x,p,b\r\n" +
            "plain,1,0.5,10 20,true\r\n" +
            "\"has,comma\",-2,,,false\r\n" +
            "\"say \"\"hi\"\"\",,1E-30,0 -90,\r\n" +
            "\"two\r\nlines\",4,0,1 2,true\r\n" +
            "\"\",5,1,3 4,false\r\n" +
            ",6,2,5 6,true\r\n" +
            "\" padded \",7,3,7 8,true\r\n" +
            "tab\tin,8,4,9 10,false\r\n", text);
    }

    [Fact]
    public async Task Tsv_has_no_tabs_or_line_breaks_inside_values()
    {
        var (text, r) = await Run(csv: false, 5);
        Assert.Equal(new TableWriteResult(5, true), r);
        Assert.Equal(
            "name\tn\tx\tp\tb\n" +
            "plain\t1\t0.5\t10 20\ttrue\n" +
            "has,comma\t-2\t\t\tfalse\n" +
            "say \"hi\"\t\t1E-30\t0 -90\t\n" +
            "two  lines\t4\t0\t1 2\ttrue\n" +
            "\t5\t1\t3 4\tfalse\n", text);
    }

    [Fact]
    public async Task Csv_reads_back_in_astropy()
    {
        var (text, _) = await Run(csv: true, long.MaxValue);
        using var dir = VoSpec.Testing.TestPaths.NewTempDir("csv");
        string path = Path.Combine(dir.Path, "t.csv");
        File.WriteAllText(path, text);
        var r = VoSpec.Testing.ExternalTool.RunPython("""
            import sys
            from astropy.io import ascii
            t = ascii.read(sys.argv[1], format='csv')
            print(len(t), t['name'][1], t['name'][2], repr(t['name'][3]), t['n'][0])
            """, path);
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Equal("8 has,comma say \"hi\" 'two\\nlines' 1", r.StdOut.Trim()); // Python reads CRLF as LF
    }
}
