using System.IO.Compression;
using System.Text;
using CsCheck;
using VoSpec.Archive.Demo;
using VoSpec.Fits;
using VoSpec.Fits.Sdss;

namespace VoSpec.Fuzzing;

/// <summary>
/// FITS files for fuzzing, all mutated from files the project writes itself (no real file is copied): SDSS spec-lite
/// files of demo spectra (cut to 64–200 pixels, so that a million fit in minutes), one with a wavelength column, a
/// 2-D image, a binary table with every scalar type, a string and a variable-length array (heap), and a gzipped
/// spectrum. Mutations are byte-level (bit flips, cuts, splices), header-card edits (huge or negative NAXISn, BITPIX,
/// TFORMn, PCOUNT, THEAP, TDIMn; cards removed or doubled; END lost) and gzip wrapping before or after the damage.
/// </summary>
public static class FitsGenerator
{
    private static readonly Lazy<byte[][]> s_seeds = new(MakeSeeds);

    public static IReadOnlyList<byte[]> Seeds => s_seeds.Value;

    public static Gen<byte[]> Files => new PcgGen<byte[]>(r =>
    {
        var seed = r.Pick(Seeds);
        bool gz = FitsReader.IsGzip(seed);
        if (gz && r.Chance(70)) return Mutator.Bytes(r, seed); // broken gzip
        var plain = gz ? Gunzip(seed) : seed;
        byte[] damaged = r.Int(10) switch
        {
            < 4 => Mutator.Bytes(r, plain),
            < 9 => EditCards(r, plain),
            _ => Mutator.Bytes(r, EditCards(r, plain)),
        };
        return r.Chance(10) ? Gzip(damaged) : damaged;
    });

    private static readonly string[] Keywords =
    [
        "SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "NAXIS3", "EXTEND", "XTENSION", "PCOUNT", "GCOUNT", "TFIELDS", "TFORM1", "TFORM2",
        "TFORM3", "TFORM5", "TFORM9", "TTYPE1", "TTYPE2", "TDIM1", "THEAP", "TSCAL1", "TZERO1", "TNULL1", "BSCALE", "BZERO", "BLANK", "EXTNAME",
        "COEFF0", "COEFF1", "PLATEID", "MJD", "FIBERID", "BUNIT", "END",
    ];

    private static readonly string[] Values =
    [
        "-1", "0", "1", "3", "-32", "-64", "64", "16", "7", "999", "2147483647", "2147483648", "-2147483648", "9223372036854775807",
        "99999999999999999999", "1E300", "NaN", "'E'", "'1PE(10)'", "'2147483647E'", "'-1J'", "'0A'", "'1QD(3)'", "'(2,2)'", "'(0)'",
        "'(99999,99999)'", "'BINTABLE'", "'IMAGE   '", "T", "F", "'unterminated", "''", "'COADD'", "1.5", "-0", "'X'",
    ];

    /// <summary>Rewrites, removes or doubles header cards of the file's headers (80-character records before each END).</summary>
    public static byte[] EditCards(PCG r, byte[] file)
    {
        var b = (byte[])file.Clone();
        var cards = new List<int>();
        for (int at = 0; at + 80 <= b.Length && cards.Count < 4000; at += 80)
            if (b[at] is >= (byte)'A' and <= (byte)'Z') cards.Add(at);
        if (cards.Count == 0) return Mutator.Bytes(r, b);
        int edits = 1 + r.Int(3);
        var list = new List<byte>(b);
        for (int k = 0; k < edits; k++)
        {
            int at = r.Pick(cards);
            if (at + 80 > list.Count) continue;
            string card;
            switch (r.Int(6))
            {
                case 0: // remove the card (shifts everything after it)
                    list.RemoveRange(at, 80);
                    continue;
                case 1: // double it
                    list.InsertRange(at, list.GetRange(at, 80));
                    continue;
                case 2: // another keyword, same value
                    card = (r.Pick(Keywords).PadRight(8) + Encoding.ASCII.GetString([.. list.GetRange(at + 8, 72)]));
                    break;
                default: // same keyword (or a chosen one), an extreme value
                    string keyword = r.Chance(70) ? Encoding.ASCII.GetString([.. list.GetRange(at, 8)]).Trim() : r.Pick(Keywords);
                    card = keyword.PadRight(8) + "= " + r.Pick(Values).PadLeft(20);
                    break;
            }
            var bytes = Encoding.ASCII.GetBytes(card.PadRight(80)[..80]);
            for (int i = 0; i < 80; i++) list[at + i] = bytes[i];
        }
        return [.. list];
    }

    private static byte[][] MakeSeeds()
    {
        var seeds = new List<byte[]>();
        var demo = new DemoGenerator(7);
        for (int i = 0; i < 3; i++)
        {
            var s = demo.Generate(i);
            using var ms = new MemoryStream();
            int count = 64 + 68 * i;
            SdssSpecWriter.WriteLite(s.Meta, s.Arrays, 100, count, ms, i == 1 ? new SdssLiteOptions { WavelengthColumn = true } : null);
            seeds.Add(ms.ToArray());
        }
        seeds.Add(Gzip(seeds[0]));

        using (var ms = new MemoryStream())
        {
            using (var w = new FitsWriter(ms, leaveOpen: true))
            {
                w.WritePrimaryHeader(new FitsHeader().Add("OBJECT", "fuzz"));
                var pixels = Enumerable.Range(0, 12 * 10).Select(i => (short)(i * 37 - 2000)).ToArray();
                w.WriteImage<short>(pixels, [12, 10], new FitsHeader().Add("BSCALE", 0.5).Add("BZERO", 10.0).Add("BLANK", 32767L), extName: "IMG");
            }
            seeds.Add(ms.ToArray());
        }

        using (var ms = new MemoryStream())
        {
            using (var w = new FitsWriter(ms, leaveOpen: true))
            {
                w.WritePrimaryHeader();
                TableColumn[] columns =
                [
                    new("L", "1L"), new("B", "1B"), new("I", "1I") { Null = -1 }, new("J", "1J"), new("K", "1K"), new("E", "1E") { Scale = 2, Zero = 1 },
                    new("D", "3D") { Dim = "(3)" }, new("A", "8A"), TableColumn.UInt16("U"), new("P", "1PE(4)"),
                ];
                using var t = w.BeginBinaryTable(columns, 5, extName: "MIXED");
                for (int row = 0; row < 5; row++)
                {
                    t.WriteLogical(row % 2 == 0);
                    t.WriteByte((byte)row);
                    t.WriteInt16((short)(row - 1));
                    t.WriteInt32(row * 1000);
                    t.WriteInt64(long.MaxValue - row);
                    t.WriteSingle(row * 0.5f);
                    t.WriteDoubles([row, row + 0.25, double.NaN]);
                    t.WriteString("row" + row);
                    t.WriteUInt16((ushort)(60000 + row));
                    t.WriteVariableArray<float>(Enumerable.Range(0, row % 4 + 1).Select(x => (float)x).ToArray());
                    t.EndRow();
                }
            }
            seeds.Add(ms.ToArray());
        }
        return [.. seeds];
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}

/// <summary>
/// Reads a FITS file the way ingest does (SdssSpectrumReader), and also walks every HDU as a generic reader would:
/// every header card, every image pixel and the first rows of every table. FitsFormatException is the
/// only acceptable refusal.
/// </summary>
public sealed class FitsTarget : IFuzzTarget<byte[]>
{
    public string Name => "fits";

    public bool Run(byte[] bytes)
    {
        var file = FitsReader.Parse(bytes, "fuzz.fits");
        foreach (var hdu in file.Hdus)
        {
            foreach (var card in hdu.Header) _ = card.ToString();
            _ = hdu.Name + hdu.Extension;
            switch (hdu)
            {
                case ImageHdu image:
                    if (image.PixelCount <= 1_000_000) _ = image.ReadDoubles();
                    break;
                case BinaryTable table:
                    for (int row = 0; row < Math.Min(table.RowCount, 20); row++)
                        foreach (var c in table.Columns) _ = table.GetValue(row, c);
                    break;
            }
        }
        if (file.Find("COADD") is not null) SdssSpectrumReader.Read(file);
        return true;
    }

    public bool IsUserError(Exception e) => e is FitsFormatException;

    public string Show(byte[] input) => Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 12_000)));
}
