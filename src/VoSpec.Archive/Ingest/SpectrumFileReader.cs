using System.Buffers;
using VoSpec.Core.Spectra;
using VoSpec.Fits.Sdss;

namespace VoSpec.Archive.Ingest;

/// <summary>
/// Turns a survey file into a Spectrum. Every format takes this one path into the archive:
/// real SDSS files and the demo generator's files alike.
/// </summary>
public static class SpectrumFileReader
{
    public static readonly string[] Patterns = ["*.fits", "*.fit", "*.fits.gz", "*.fit.gz", "*.fts"];

    /// <summary>
    /// Reads one file through a pooled buffer: survey files are ~100-200 KB, so a fresh array per file
    /// would land on the large-object heap and make bulk ingest pay for page faults and gen-2 GCs.
    /// The parsed Spectrum holds copies, never views on the buffer.
    /// </summary>
    public static (Spectrum Spectrum, string Format) Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = file.Length;
        if (length > int.MaxValue) throw new InvalidDataException($"{path}: file too large ({length} bytes)");
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
        try
        {
            int got = 0, n;
            while (got < length && (n = file.Read(buffer, got, (int)length - got)) > 0) got += n;
            return (SdssSpectrumReader.Read(buffer.AsMemory(0, got), path), "sdss-spec");
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Files under the given paths (directories are searched recursively), in a stable order.</summary>
    public static IEnumerable<(string Path, string? Problem)> Expand(IEnumerable<string> paths)
    {
        foreach (var p in paths)
        {
            if (File.Exists(p)) { yield return (Path.GetFullPath(p), null); continue; }
            if (!System.IO.Directory.Exists(p)) { yield return (Path.GetFullPath(p), "no such file or directory"); continue; }
            var files = Patterns
                .SelectMany(pattern => System.IO.Directory.EnumerateFiles(p, pattern, new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive }))
                .Distinct()
                .Order(StringComparer.Ordinal);
            foreach (var f in files) yield return (Path.GetFullPath(f), null);
        }
    }
}
