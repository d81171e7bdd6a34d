using System.Numerics;
using System.Text.Json;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>Our writer's tables: astropy reads back the values, fitsverify finds nothing wrong.</summary>
public class BinaryTableWriterTests
{
    private static readonly TableColumn[] AllTypes =
    [
        new("L", "L"), new("L3", "3L"), new("X", "11X"), new("B", "B"), TableColumn.SByte("SB"),
        new("I", "I") { Unit = "count" }, TableColumn.UInt16("UI"), new("J", "J"), TableColumn.UInt32("UJ"),
        new("K", "K"), TableColumn.UInt64("UK"), new("A", "10A"), new("E", "E"), new("E2", "2E"), new("D", "D"),
        new("C", "C"), new("M", "M"), new("PE", "PE()"), new("QJ", "QJ()"), new("PD", "PD()"),
        new("NJ", "J") { Null = -999 }, new("SI", "I") { Scale = 0.5, Zero = 100 },
    ];

    private static void WriteAllTypes(Stream output)
    {
        using var w = new FitsWriter(output, leaveOpen: true);
        w.WritePrimaryHeader(new FitsHeader().Add("ORIGIN", "VoSpec tests").AddComment("all TFORM types"));
        var t = w.BeginBinaryTable(AllTypes, 3, new FitsHeader().Add("LONGNOTE", new string('x', 100)), extName: "ALLTYPES");
        for (int r = 0; r < 3; r++)
        {
            t.WriteLogical(r != 1);
            t.WriteLogicals([r == 0, false, true]);
            var bits = new bool[11]; bits[r] = bits[10] = true; t.WriteBits(bits);
            t.WriteByte((byte)(r * 100 + 55));
            t.WriteSByte((sbyte)(r * 100 - 128));
            t.WriteInt16((short)(r * 30000 - 30000));
            t.WriteUInt16((ushort)(r * 30000 + 5000));
            t.WriteInt32(r == 2 ? int.MinValue : r * 7);
            t.WriteUInt32(r == 2 ? uint.MaxValue : 3000000000u + (uint)r);
            t.WriteInt64(r == 2 ? long.MaxValue : -r);
            t.WriteUInt64(r == 2 ? ulong.MaxValue : 9223372036854775808ul + (ulong)r);
            t.WriteString(r == 1 ? "" : $"it's {r}");
            t.WriteSingle(r == 2 ? float.NaN : 1.5f * r);
            t.WriteSingles([r, -r]);
            t.WriteDouble(Math.PI * r);
            t.WriteComplex(new Complex(r, -0.5));
            t.WriteComplex(new Complex(Math.E, r));
            t.WriteVariableArray(Enumerable.Range(0, r + 1).Select(i => i * 0.25f).ToArray());
            t.WriteVariableArray(Enumerable.Range(0, 2 * r).Select(i => i * 1000).ToArray());
            t.WriteVariableArray(r == 1 ? Array.Empty<double>() : [1e-300, r]);
            if (r == 1) t.WriteNull(); else t.WriteInt32(r);
            t.WriteInt16((short)(r * 3));
            t.EndRow();
        }
        t.Complete();
    }

    private const string DumpTable = """
        import sys, json, numpy as np
        from astropy.io import fits
        def conv(v):
            if isinstance(v, (np.ndarray, list, tuple)): return [conv(x) for x in v]
            if isinstance(v, (bool, np.bool_)): return bool(v)
            if isinstance(v, np.integer): return int(v)
            if isinstance(v, (complex, np.complexfloating)): return [float(v.real), float(v.imag)]
            if isinstance(v, (float, np.floating)): return 'nan' if np.isnan(v) else float(v)
            if isinstance(v, bytes): return v.decode()
            return v
        h = fits.open(sys.argv[1])
        d = h[sys.argv[2]].data
        out = {n: [conv(d[n][r]) for r in range(len(d))] for n in d.columns.names}
        out['_header'] = {'LONGNOTE': h[sys.argv[2]].header.get('LONGNOTE'), 'ORIGIN': h[0].header.get('ORIGIN')}
        print(json.dumps(out, separators=(',', ':')))
        """;

    private static JsonElement Dump(string path, string ext)
    {
        var r = ExternalTool.RunPython(DumpTable, path, ext);
        Assert.True(r.ExitCode == 0, r.All);
        return JsonDocument.Parse(r.StdOut).RootElement;
    }

    private static string Json(JsonElement e, string column) => e.GetProperty(column).GetRawText();

    [Fact]
    public void Astropy_reads_every_type_we_write()
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "ours.fits");
        using (var f = File.Create(path)) WriteAllTypes(new NonSeekableStream(f));

        var j = Dump(path, "ALLTYPES");
        Assert.Equal("[true,false,true]", Json(j, "L"));
        Assert.Equal("[[true,false,true],[false,false,true],[false,false,true]]", Json(j, "L3"));
        Assert.Equal("[[true,false,false,false,false,false,false,false,false,false,true],[false,true,false,false,false,false,false,false,false,false,true],[false,false,true,false,false,false,false,false,false,false,true]]", Json(j, "X"));
        Assert.Equal("[55,155,255]", Json(j, "B"));
        Assert.Equal("[-128.0,-28.0,72.0]", Json(j, "SB")); // astropy 5.2 scales signed bytes to floats
        Assert.Equal("[-30000,0,30000]", Json(j, "I"));
        Assert.Equal("[5000,35000,65000]", Json(j, "UI"));
        Assert.Equal("[0,7,-2147483648]", Json(j, "J"));
        Assert.Equal("[3000000000,3000000001,4294967295]", Json(j, "UJ"));
        Assert.Equal("[0,-1,9223372036854775807]", Json(j, "K"));
        Assert.Equal("[9223372036854775808,9223372036854775809,18446744073709551615]", Json(j, "UK"));
        Assert.Equal("[\"it's 0\",\"\",\"it's 2\"]", Json(j, "A"));
        Assert.Equal("[0.0,1.5,\"nan\"]", Json(j, "E"));
        Assert.Equal("[[0.0,0.0],[1.0,-1.0],[2.0,-2.0]]", Json(j, "E2"));
        Assert.Equal($"[0.0,{Math.PI:R},{2 * Math.PI:R}]", Json(j, "D"));
        Assert.Equal("[[0.0,-0.5],[1.0,-0.5],[2.0,-0.5]]", Json(j, "C"));
        Assert.Equal($"[[{Math.E:R},0.0],[{Math.E:R},1.0],[{Math.E:R},2.0]]", Json(j, "M"));
        Assert.Equal("[[0.0],[0.0,0.25],[0.0,0.25,0.5]]", Json(j, "PE"));
        Assert.Equal("[[],[0,1000],[0,1000,2000,3000]]", Json(j, "QJ"));
        Assert.Equal("[[1e-300,0.0],[],[1e-300,2.0]]", Json(j, "PD"));
        Assert.Equal("[0,-999,2]", Json(j, "NJ"));
        Assert.Equal("[100.0,101.5,103.0]", Json(j, "SI"));
        Assert.Equal(new string('x', 100), j.GetProperty("_header").GetProperty("LONGNOTE").GetString());
        Assert.Equal("VoSpec tests", j.GetProperty("_header").GetProperty("ORIGIN").GetString());

        FitsVerify.AssertClean(path);
    }

    [Fact]
    public void We_read_back_what_we_write()
    {
        var ms = new MemoryStream();
        WriteAllTypes(ms);
        Assert.Equal(0, ms.Length % 2880);
        var t = FitsReader.Parse(ms.ToArray(), "mem").Get<BinaryTable>("ALLTYPES");
        Assert.Equal(new object[] { (sbyte)-128, (sbyte)-28, (sbyte)72 }, Enumerable.Range(0, 3).Select(r => t.GetValue(r, "SB")));
        Assert.Equal(ulong.MaxValue, t.GetValue(2, "UK"));
        Assert.Equal(new[] { 0, 1000, 2000, 3000 }, (int[])t.GetValue(2, "QJ")!);
        Assert.Null(t.GetValue(1, "NJ"));
        Assert.Equal(103.0, t.GetValue(2, "SI"));
        Assert.Equal("1PE(3)", t.Header.GetString("TFORM18"));
        Assert.Equal("count", t.Column("I").Unit);
    }

    [Fact]
    public void Column_bulk_writer_streams_rows_to_a_non_seekable_stream()
    {
        const int rows = 10_000;
        var flux = new float[rows]; var wave = new double[rows]; var id = new long[rows]; var mask = new int[rows];
        var u16 = new ushort[rows]; var names = new string[rows]; var flags = new bool[rows]; var vec = new short[rows * 3];
        for (int i = 0; i < rows; i++)
        {
            flux[i] = i * 0.5f; wave[i] = 3000 + i * 0.1; id[i] = long.MaxValue - i; mask[i] = -i;
            u16[i] = (ushort)(i * 6); names[i] = $"row{i}"; flags[i] = i % 3 == 0;
            vec[3 * i] = (short)i; vec[3 * i + 1] = (short)-i; vec[3 * i + 2] = 7;
        }
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "bulk.fits");
        using (var f = File.Create(path))
        using (var w = new FitsWriter(new NonSeekableStream(f)))
        {
            var t = w.BeginBinaryTable([new("flux", "E"), new("wave", "D"), new("id", "K"), new("mask", "J"), TableColumn.UInt16("u16"),
                new("name", "8A"), new("flag", "L"), new("vec", "3I")], rows, extName: "BULK");
            t.WriteColumns(flux[..4000], wave[..4000], id[..4000], mask[..4000], u16[..4000], names[..4000], flags[..4000], vec[..12000]);
            t.WriteColumns(flux[4000..], wave[4000..], id[4000..], mask[4000..], u16[4000..], names[4000..], flags[4000..], vec[12000..]);
            t.Complete();
        }
        FitsVerify.AssertClean(path);

        var back = FitsReader.Open(path).Get<BinaryTable>("bulk");
        Assert.Equal(flux, back.ReadFloats("flux"));
        Assert.Equal(wave, back.ReadDoubles("wave"));
        Assert.Equal(id, back.ReadInt64s("id"));
        Assert.Equal(mask, back.ReadInt32s("mask"));
        Assert.Equal(u16.Select(v => (int)v), back.ReadInt32s("u16"));
        Assert.Equal(vec, back.ReadInt16s(back.Column("vec")));
        Assert.Equal("row9999", back.GetString(9999, "name"));
        Assert.Equal(true, back.GetValue(9999, "flag"));

        var py = ExternalTool.RunPython("import sys; from astropy.io import fits; d = fits.open(sys.argv[1])['BULK'].data; print(len(d), d['u16'][9999], d['name'][5], d['id'][3], d['vec'][2][1])", path);
        Assert.Equal("10000 59994 row5 9223372036854775804 -2", py.StdOut.Trim());
    }

    [Fact]
    public void Misuse_is_refused()
    {
        using var w = new FitsWriter(new MemoryStream());
        var t = w.BeginBinaryTable([new("a", "J"), new("b", "E")], 1);
        Assert.Throws<InvalidOperationException>(() => t.WriteSingle(1));      // a is J
        t.WriteInt32(1);
        Assert.Throws<InvalidOperationException>(() => t.EndRow());          // b missing
        Assert.Throws<InvalidOperationException>(() => w.WritePrimaryHeader()); // table open
        t.WriteSingle(2);
        t.EndRow();
        Assert.Throws<InvalidOperationException>(() => t.WriteInt32(1));
        t.Complete();
        var t2 = w.BeginBinaryTable([new("n", "J")], 2);
        t2.WriteInt32(1); t2.EndRow();
        var e = Assert.Throws<InvalidOperationException>(() => t2.Complete());
        Assert.Contains("2 rows", e.Message);
    }
}
