// Indexed PNGs (stackedImage) and the strip-parallel zlib stream under them: the pieces must form one valid zlib
// stream whose Adler-32 is that of all the data, whatever the number of strips.
using System.Buffers.Binary;
using System.IO.Compression;
using VoSpec.Engine.Plotting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Engine.Tests.Plotting;

public class IndexedPngTests
{
    /// <summary>Noisy bands with runs of equal rows: both the incompressible and the compressible case.</summary>
    private static byte[] Raster(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var raster = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            if (y % 4 != 0) { raster.AsSpan((y - 1) * width, width).CopyTo(raster.AsSpan(y * width)); continue; }
            for (int x = 0; x < width; x++) raster[y * width + x] = (byte)Math.Clamp(128 + 60 * Math.Sin(x / 50.0 + y) + rng.Next(-20, 21), 0, 255);
        }
        return raster;
    }

    private static uint NaiveAdler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        foreach (byte x in data) { a = (a + x) % 65521; b = (b + a) % 65521; }
        return b << 16 | a;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Strips_concatenate_into_one_zlib_stream_with_the_whole_datas_adler32(int parallelism)
    {
        var data = Raster(1500, 1000, parallelism);   // 1.5 MB: up to 5 strips
        var pieces = ParallelZlib.Compress(data, parallelism);
        Assert.Equal(Math.Clamp(data.Length / ParallelZlib.MinStrip, 1, parallelism) + 1, pieces.Length);
        var stream = pieces.SelectMany(p => p).ToArray();
        Assert.Equal(NaiveAdler32(data), BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(stream.Length - 4)));
        using var z = new ZLibStream(new MemoryStream(stream), CompressionMode.Decompress);
        var back = new MemoryStream();
        z.CopyTo(back);   // reads to the end of the stream, through its checksum
        Assert.Equal(data, back.ToArray());
    }

    [Fact]
    public void Adler32_combines_like_one_pass()
    {
        var data = Raster(700, 30, 9);
        foreach (int cut in new[] { 0, 1, 5551, 5552, 5553, 10_000, data.Length })
            Assert.Equal(NaiveAdler32(data), ParallelZlib.CombineAdler32(ParallelZlib.Adler32(data.AsSpan(0, cut)), ParallelZlib.Adler32(data.AsSpan(cut)), data.Length - cut));
    }

    [Theory]
    [InlineData(3, 2, 1)]
    [InlineData(1200, 900, 4)]
    public void An_indexed_png_decodes_to_its_palette_colours(int width, int height, int parallelism)
    {
        var raster = Raster(width, height, 3);
        var palette = ColorMap.Find("viridis")!.Palette();
        using var png = new MemoryStream();
        PngEncoder.WriteIndexed(width, height, palette, (y, row) => raster.AsSpan(y * width, width).CopyTo(row), png, parallelism);
        var img = PngImage.Decode(png.ToArray());
        Assert.Equal((width, height), (img.Width, img.Height));
        for (int y = 0; y < height; y += Math.Max(1, height / 50))
            for (int x = 0; x < width; x++)
            {
                uint c = palette[raster[y * width + x]];
                Assert.Equal(((byte)(c >> 16), (byte)(c >> 8), (byte)c), img[x, y]);
            }
    }

    [Fact]
    public void Palette_indices_round_and_clamp()
    {
        Assert.Equal(0, ColorMap.Index(float.NaN));
        Assert.Equal(0, ColorMap.Index(-3f));
        Assert.Equal(255, ColorMap.Index(7f));
        Assert.Equal(128, ColorMap.Index(0.5f));
        Assert.Equal(ColorMap.Find("gray")!.Rgb(0.4), ColorMap.Find("gray")!.Palette()[ColorMap.Index(0.4f)]);
    }
}
