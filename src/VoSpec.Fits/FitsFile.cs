using System.Collections.Concurrent;
using VoSpec.Fits.Compression;

namespace VoSpec.Fits;

/// <summary>A FITS file read into memory: its HDUs in order, each a view on one shared buffer.</summary>
public sealed class FitsFile
{
    internal FitsFile(string name, IReadOnlyList<Hdu> hdus) { Name = name; Hdus = hdus; }

    /// <summary>Compressed images already decompressed, by HDU index: a reader asks for each mask more than once.</summary>
    private readonly ConcurrentDictionary<int, ImageHdu> _decompressed = new();

    /// <summary>The path or name the file was opened as (used in error messages).</summary>
    public string Name { get; }
    public IReadOnlyList<Hdu> Hdus { get; }
    public Hdu Primary => Hdus[0];

    /// <summary>The first HDU whose EXTNAME matches (case-insensitive, trailing blanks ignored), or null.</summary>
    public Hdu? Find(string extName)
    {
        foreach (var h in Hdus)
            if (string.Equals(h.Name, extName, StringComparison.OrdinalIgnoreCase)) return h;
        return null;
    }

    /// <summary>The HDU with this EXTNAME as type T; throws <see cref="FitsFormatException"/> naming the file when absent or of another kind.</summary>
    public T Get<T>(string extName) where T : Hdu => Find(extName) switch
    {
        T hdu => hdu,
        null => throw new FitsFormatException($"{Name}: no HDU named {extName}"),
        var other => throw new FitsFormatException($"{Name}: HDU {extName} is {other.Extension ?? "the primary array"}, not {typeof(T).Name}"),
    };

    /// <summary>
    /// The image with this EXTNAME, whether stored plainly or tile-compressed (a ZIMAGE binary table,
    /// decompressed once and kept); throws <see cref="FitsFormatException"/> naming the file otherwise.
    /// </summary>
    public ImageHdu GetImage(string extName) => Find(extName) switch
    {
        ImageHdu image => image,
        BinaryTable table when CompressedImage.IsCompressedImage(table) => Decompressed(table),
        null => throw new FitsFormatException($"{Name}: no HDU named {extName}"),
        var other => throw new FitsFormatException($"{Name}: HDU {extName} is {other.Extension ?? "the primary array"}, not an image"),
    };

    private ImageHdu Decompressed(BinaryTable table)
    {
        try { return _decompressed.GetOrAdd(table.Index, _ => CompressedImage.Decompress(table)); }
        catch (FitsFormatException e) { throw new FitsFormatException($"{Name}: {e.Message}", e); }
    }
}
