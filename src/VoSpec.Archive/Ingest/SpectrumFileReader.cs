using System.Buffers;
using VoSpec.Fits;
using VoSpec.Fits.Desi;
using VoSpec.Fits.Lamost;
using VoSpec.Fits.Sdss;

namespace VoSpec.Archive.Ingest;

/// <summary>
/// Turns a survey file into spectra. Every format takes this one path into the archive: real SDSS, DESI and
/// LAMOST files and the demo generator's files alike. The survey is told by content (DESI: a FIBERMAP and arm
/// images; LAMOST: TELESCOP and OBSID; SDSS-V: VERS2D v6 or a SPALL with FIELD and CATALOGID), never by file name; anything else goes to the SDSS reader, whose error
/// says what is missing.
/// </summary>
public static class SpectrumFileReader
{
    public static readonly string[] Patterns = ["*.fits", "*.fit", "*.fits.gz", "*.fit.gz", "*.fts"];

    /// <summary>Files from this size on are memory-mapped; below it one pooled read costs less than a map and its page faults.</summary>
    public const long MapFrom = 8 << 20;

    /// <summary>
    /// Reads one file through a pooled buffer: survey files are ~100-200 KB, so a fresh array per file
    /// would land on the large-object heap and make bulk ingest pay for page faults and gen-2 GCs.
    /// The parsed Spectrum holds copies, never views on the buffer.
    /// </summary>
    /// <param name="inPlace">
    /// A DESI file whose fibres can be read one by one (<see cref="DesiFibreSource.CanServe"/>) is read for its catalogue
    /// values only: no pixel is decoded, and the result's <see cref="SurveyFile.SourceRows"/> say where each spectrum is.
    /// Other files are read whole, as without it.
    /// </param>
    public static SurveyFile Read(string path, bool inPlace = false)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = file.Length;
        if (length >= MapFrom)
        {
            // A survey-sized file (a DESI coadd is 223 MB, mostly resolution matrices ingest never reads) is
            // mapped, not read: only the HDUs read are paged in, and nothing is copied or zeroed whole.
            file.Dispose();
            using var mapped = MappedFitsFile.Open(path);
            return Read(mapped.File, inPlace);
        }
        if (length > int.MaxValue) throw new InvalidDataException($"{path}: file too large ({length} bytes)");
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
        try
        {
            int got = 0, n;
            while (got < length && (n = file.Read(buffer, got, (int)length - got)) > 0) got += n;
            return Read(FitsReader.Parse(buffer.AsMemory(0, got), path), inPlace);
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private static SurveyFile Read(FitsFile file, bool inPlace)
    {
        if (inPlace && DesiFibreSource.CanServe(file))
        {
            // Served from the file: the FIBERMAP and the arms' wavelengths are all the catalogue needs.
            var desi = DesiReader.Read(file, pixels: false);
            string format = desi.Kind == DesiFileKind.Coadd ? "desi-coadd" : "desi-spectra";
            return new SurveyFile(Survey.Desi, format, desi.Spectra.Select(s => s.Merged).ToList(), desi.SkyFibres + desi.UnassignedFibres,
                desi.Spectra.Select(s => s.Fibre.Row).ToList());
        }
        if (DesiReader.Recognises(file))
        {
            // The merged spectrum carries no resolution matrix and is all ingest stores: neither the resolution
            // images nor per-fibre copies of the arms are made.
            var desi = DesiReader.Read(file, resolution: false, arms: false);
            string format = desi.Kind == DesiFileKind.Coadd ? "desi-coadd" : "desi-spectra";
            return new SurveyFile(Survey.Desi, format, desi.Spectra.Select(s => s.Merged).ToList(), desi.SkyFibres + desi.UnassignedFibres);
        }
        if (LamostReader.Recognises(file)) return new SurveyFile(Survey.Lamost, "lamost-lrs", [LamostReader.Read(file).Spectrum]);
        // SDSS-V (v6) files go to the SDSS collection with BOSS's others: same telescope, spectrographs and units.
        return new SurveyFile(Survey.Sdss, SdssV6.Recognises(file) ? "sdss-v6-spec" : "sdss-spec", [SdssSpectrumReader.Read(file)]);
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
