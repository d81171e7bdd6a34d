using VoSpec.Fits.Desi;
using VoSpec.Fits.Lamost;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>
/// Damaged compressed images, DESI, LAMOST and SDSS-V (v6) files: every byte flip either still reads or is a
/// <see cref="FitsFormatException"/>, never another exception (seeded, so a failure replays).
/// </summary>
public class SurveyFuzzTests
{
    private const string MakeSmall = """
        import sys, numpy as np
        from astropy.io import fits
        rng = np.random.default_rng(5)
        walk = lambda dt, shape: (np.cumsum(rng.integers(-40, 41, int(np.prod(shape)))) % 100).astype(dt).reshape(shape)
        f = rng.normal(0, 1, (12, 40)).astype(np.float32)
        fits.HDUList([fits.PrimaryHDU(),
            fits.CompImageHDU(walk(np.int16, (12, 40)), compression_type='RICE_1', tile_size=[16, 3], name='R16'),
            fits.CompImageHDU(walk(np.int32, (12, 40)), compression_type='GZIP_1', tile_size=[40, 4], name='G32'),
            fits.CompImageHDU(walk(np.uint8, (12, 40)), compression_type='GZIP_2', name='G8'),
            fits.CompImageHDU(f, compression_type='RICE_1', tile_size=[40, 5], name='F32'),
        ]).writeto(sys.argv[1])
        """;

    /// <summary>Sets 1–3 bytes at offsets drawn from [<paramref name="from"/>, <paramref name="to"/>) to random values and runs <paramref name="read"/>.</summary>
    private static void Mutate(byte[] original, int from, int to, int count, int seed, Action<byte[]> read)
    {
        var random = new Random(seed);
        int readable = 0, rejected = 0;
        for (int i = 0; i < count; i++)
        {
            var bytes = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            var at = new int[flips];
            for (int k = 0; k < flips; k++)
            {
                at[k] = random.Next(from, Math.Min(to, bytes.Length));
                bytes[at[k]] = (byte)random.Next(256);
            }
            try { read(bytes); readable++; }
            catch (FitsFormatException) { rejected++; }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} (bytes {string.Join(", ", at)}) threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        Assert.True(readable > 0 && rejected > 0, $"{readable} readable, {rejected} rejected: the mutations hit nothing interesting");
    }

    [Fact]
    public void Damaged_compressed_images_read_or_fail_with_a_format_error()
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "small.fits");
        var r = ExternalTool.RunPython(MakeSmall, path);
        Assert.True(r.ExitCode == 0, r.All);
        Mutate(File.ReadAllBytes(path), from: 2880, to: int.MaxValue, count: 3000, seed: 11, bytes =>
        {
            var file = FitsReader.Parse(bytes, "fuzz.fits");
            foreach (var name in new[] { "R16", "G32", "G8", "F32" })
                if (file.Find(name) is not null) _ = file.GetImage(name).ReadDoubles();
        });
    }

    [Fact]
    public void Damaged_desi_spectra_files_read_or_fail_with_a_format_error()
    {
        var original = File.ReadAllBytes(TestPaths.RealFile("desi/spectra-5-169-thru20210419.fits"));
        // Aim at the headers, the FIBERMAP rows and the compressed masks rather than at floats, whose damage nobody can see.
        int fibermapEnd = OffsetOf(original, "EXTNAME = 'SCORES");
        Mutate(original, from: 0, to: fibermapEnd, count: 150, seed: 12, bytes => DesiReader.Read(bytes, "fuzz.fits"));
        int mask = OffsetOf(original, "EXTNAME = 'B_MASK");
        Mutate(original, from: mask - 2880, to: mask + 2880, count: 300, seed: 13, bytes =>
        {
            var f = FitsReader.Parse(bytes, "fuzz.fits");
            if (f.Find("B_MASK") is not null) _ = f.GetImage("B_MASK").ReadInt64s();
        });
    }

    [Fact]
    public void Damaged_lamost_files_read_or_fail_with_a_format_error()
    {
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-013_dr8.fits.gz")), System.IO.Compression.CompressionMode.Decompress);
        var raw = new MemoryStream();
        gz.CopyTo(raw);
        Mutate(raw.ToArray(), from: 0, to: 8 * 2880, count: 300, seed: 14, bytes => LamostReader.Read(bytes, "fuzz.fits"));
    }

    [Fact]
    public void Damaged_sdss_v6_files_read_or_fail_with_a_format_error()
    {
        var (spectrum, target) = SdssV6Tests.Synthetic();
        var ms = new MemoryStream();
        VoSpec.Fits.Sdss.SdssV6SpecWriter.Write(spectrum, target, ms, full: false);
        var original = ms.ToArray();
        // The primary and COADD headers, then SPALL, ZALL and ZLINE (headers and rows).
        Mutate(original, from: 0, to: 2 * 2880, count: 300, seed: 15, bytes => VoSpec.Fits.Sdss.SdssSpectrumReader.Read(bytes, "fuzz.fits"));
        int spall = OffsetOf(original, "EXTNAME = 'SPALL") - 2880;
        Mutate(original, from: spall, to: original.Length, count: 300, seed: 16, bytes => VoSpec.Fits.Sdss.SdssSpectrumReader.Read(bytes, "fuzz.fits"));
    }

    private static int OffsetOf(byte[] bytes, string text)
    {
        int at = bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(text));
        return at >= 0 ? at - at % 2880 + 2880 : throw new InvalidOperationException($"no {text}");
    }
}
