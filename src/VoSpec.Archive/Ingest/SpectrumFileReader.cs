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

    public static (Spectrum Spectrum, string Format) Read(string path) => (SdssSpectrumReader.Read(path), "sdss-spec");

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
