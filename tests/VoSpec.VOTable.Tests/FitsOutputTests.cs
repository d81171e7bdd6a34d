using System.Text.RegularExpressions;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.VOTable.Tests;

public class FitsOutputTests
{
    private static async Task<(string Path, TableWriteResult Result)> WriteFits(TempDir dir, long maxRows, VOTableField[] fields, string sql, int rows = 5000)
    {
        using var c = SqliteFixture.Open(rows);
        SqliteFixture.Exec(c, "UPDATE t SET name = 'Ångström ' || id WHERE id = 3");
        SqliteFixture.Exec(c, "UPDATE t SET small = NULL, name = NULL, flag = NULL, pos = NULL, mag = NULL WHERE id = 2");
        using var reader = SqliteFixture.Query(c, sql);
        string path = Path.Combine(dir.Path, "t.fits");
        await using var file = File.Create(path);
        var result = await FitsTableWriter.WriteAsync(new AsyncOnlyStream(file), reader, fields, maxRows, spoolDirectory: dir.Path);
        return (path, result);
    }

    [Fact]
    public async Task A_result_table_passes_fitsverify_and_reads_in_astropy_with_nulls()
    {
        using var dir = TestPaths.NewTempDir("fits");
        VOTableField[] fields = [.. SqliteFixture.Fields, new("poly", "double") { Arraysize = "*", Xtype = "polygon" }, new("ia", "int") { Arraysize = "*" }];
        string sql = "SELECT id, flag, small, mag, name, pos, maybe, CASE WHEN id % 3 = 0 THEN '1 2 3 4 5 6 7 8' ELSE '1 2 3 4 5 6' END, CASE WHEN id % 2 = 0 THEN NULL ELSE '1 2' END FROM t ORDER BY id";
        var (path, result) = await WriteFits(dir, 4000, fields, sql);
        Assert.Equal(new TableWriteResult(4000, true), result);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.spool"));

        var v = ExternalTool.Run("/usr/bin/fitsverify", [path]);
        var m = Regex.Match(v.All, @"Verification found (\d+) warning\(s\) and (\d+) error\(s\)");
        Assert.True(m.Success, v.All);
        Assert.True(m.Groups[2].Value == "0", v.All);

        var r = ExternalTool.RunPython("""
            import sys, numpy as np
            from astropy.table import Table
            t = Table.read(sys.argv[1], hdu=1)
            print(len(t), t.colnames)
            print(t['id'][0], t['flag'][0], t['small'][0], t['mag'][0], t['name'][0].strip(), list(t['pos'][0]), t['maybe'][0])
            nan_or_masked = lambda v: bool(np.all(np.ma.getmaskarray(v) | np.isnan(np.ma.getdata(v))))  # astropy masks NaN on read
            print(np.ma.is_masked(t['small'][1]), np.ma.is_masked(t['name'][1]) or t['name'][1].strip() == '', nan_or_masked(t['mag'][1]), nan_or_masked(t['pos'][1]), nan_or_masked(t['maybe'][6]))
            print(t['name'][2].strip(), t['poly'].shape, list(t['poly'][0]), list(t['poly'][2]), list(t['ia'][1]))
            print(t['pos'].unit)
            """, path);
        Assert.True(r.ExitCode == 0, r.All);
        var lines = r.StdOut.Trim().Split('\n');
        Assert.Equal("4000 ['id', 'flag', 'small', 'mag', 'name', 'pos', 'maybe', 'poly', 'ia']", lines[0]);
        Assert.Equal("1 True -499 0.25 obj1 [1.0, -89.0] 0.25", lines[1]);
        Assert.Equal("True True True True True", lines[2]);
        Assert.Equal("?ngstr?m 3 (4000, 8) [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, masked, masked] [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0] [masked, masked]", lines[3]); // NaN padding and TNULL read as masked
        Assert.Equal("deg", lines[4]);
    }

    [Fact]
    public async Task An_empty_result_is_a_valid_fits_file()
    {
        using var dir = TestPaths.NewTempDir("fits-empty");
        var (path, result) = await WriteFits(dir, 100, SqliteFixture.Fields, "SELECT id, flag, small, mag, name, pos, maybe FROM t WHERE id < 0");
        Assert.Equal(new TableWriteResult(0, false), result);
        var v = ExternalTool.Run("/usr/bin/fitsverify", [path]);
        Assert.Contains("Verification found 0 warning(s) and 0 error(s)", v.All);
    }
}
