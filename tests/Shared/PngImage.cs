// Why this file exists: the preview tests must look at the pixels, and no PNG decoder is available (no PIL in
// Debian's python3, no managed imaging library): this is a minimal, strict one — chunks with CRCs, IHDR, IDAT
// inflated with ZLibStream, the five filters reversed — for 8-bit RGB/RGBA/grey and 8-bit indexed colour (a PLTE
// before the image data, every index inside it), non-interlaced (what Cairo and our PNG encoder write).
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace VoSpec.Testing;

internal sealed class PngImage
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _rgb;   // 3 bytes per pixel, row-major

    private PngImage(int width, int height, byte[] rgb) { Width = width; Height = height; _rgb = rgb; }

    public int Width { get; }
    public int Height { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int o = (y * Width + x) * 3;
            return (_rgb[o], _rgb[o + 1], _rgb[o + 2]);
        }
    }

    /// <summary>A line pixel of the flux: dark and grey (every channel below the threshold), unlike the red model.</summary>
    public bool IsDark(int x, int y, int threshold = 170)
    {
        var (r, g, b) = this[x, y];
        return r < threshold && g < threshold && b < threshold;
    }

    public bool IsWhite(int x, int y) => this[x, y] == (255, 255, 255);

    /// <summary>A reddish pixel (the model line).</summary>
    public bool IsRed(int x, int y)
    {
        var (r, g, b) = this[x, y];
        return r > 150 && r - g > 60 && r - b > 60;
    }

    /// <summary>Width and height from IHDR, after checking the signature and that IHDR comes first.</summary>
    public static (int Width, int Height) ReadHeader(ReadOnlySpan<byte> png)
    {
        if (png.Length < 33 || !png[..8].SequenceEqual(Signature)) throw new InvalidDataException("not a PNG (bad signature)");
        if (BinaryPrimitives.ReadInt32BigEndian(png[8..]) != 13 || Encoding.ASCII.GetString(png.Slice(12, 4)) != "IHDR")
            throw new InvalidDataException("first chunk is not a 13-byte IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(png[16..]), BinaryPrimitives.ReadInt32BigEndian(png[20..]));
    }

    public static PngImage Decode(byte[] png)
    {
        var (width, height) = ReadHeader(png);
        int bitDepth = png[24], colorType = png[25], interlace = png[28];
        if (bitDepth != 8) throw new NotSupportedException($"bit depth {bitDepth}");
        if (interlace != 0) throw new NotSupportedException("interlaced PNG");
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new NotSupportedException($"colour type {colorType}") };
        byte[]? palette = null;

        using var idat = new MemoryStream();
        int pos = 8;
        bool sawEnd = false;
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            if (length < 0 || pos + 12 + length > png.Length) throw new InvalidDataException($"chunk {type} overruns the file");
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            if (Crc32(png.AsSpan(pos + 4, 4 + length)) != crc) throw new InvalidDataException($"bad CRC in chunk {type}");
            if (type == "PLTE")
            {
                if (palette is not null || idat.Length > 0 || length % 3 != 0 || length == 0 || length > 768)
                    throw new InvalidDataException("PLTE repeated, after IDAT, or not 1 to 256 colours");
                palette = png.AsSpan(pos + 8, length).ToArray();
            }
            if (type == "IDAT") idat.Write(png, pos + 8, length);
            pos += 12 + length;
            if (type == "IEND") { sawEnd = true; break; }
        }
        if (!sawEnd) throw new InvalidDataException("no IEND chunk");
        if (colorType == 3 && palette is null) throw new InvalidDataException("an indexed-colour PNG without PLTE");

        int stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            int read = 0, r;
            while (read < raw.Length && (r = z.Read(raw, read, raw.Length - read)) > 0) read += r;
            if (read != raw.Length) throw new InvalidDataException($"image data holds {read} bytes, expected {raw.Length}");
        }

        var pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var cur = pixels.AsSpan(y * stride, stride);
            var prev = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? cur[i - channels] : 0;
                int b = prev[i];
                int c = i >= channels ? prev[i - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"filter type {filter} on row {y}"),
                };
                cur[i] = (byte)(line[i] + predictor);
            }
        }

        var rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++)
        {
            int s = p * channels;
            if (palette is not null)
            {
                int i = pixels[s] * 3;
                if (i + 2 >= palette.Length) throw new InvalidDataException($"palette index {pixels[s]} outside the {palette.Length / 3}-colour PLTE");
                rgb[p * 3] = palette[i]; rgb[p * 3 + 1] = palette[i + 1]; rgb[p * 3 + 2] = palette[i + 2];
            }
            else if (channels >= 3) { rgb[p * 3] = pixels[s]; rgb[p * 3 + 1] = pixels[s + 1]; rgb[p * 3 + 2] = pixels[s + 2]; }
            else rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = pixels[s];
        }
        return new PngImage(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static readonly uint[] CrcTable = MakeCrcTable();

    private static uint[] MakeCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
