namespace VoSpec.Fits;

/// <summary>A FITS file read into memory: its HDUs in order, each a view on one shared buffer.</summary>
public sealed class FitsFile
{
    internal FitsFile(string name, IReadOnlyList<Hdu> hdus) { Name = name; Hdus = hdus; }

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
}
