using VoSpec.Archive.Demo;
using VoSpec.Fits.Sdss;

namespace VoSpec.Archive.Ingest;

/// <summary>
/// The demo collection: generated spectra are written as real SDSS spec-lite files under
/// ARCHIVE/sources/demo/ (they are the #progenitor files) and ingested like any survey file.
/// </summary>
public static class DemoCollection
{
    public const string Name = "demo";

    public static IngestReport Create(SpectrumArchive archive, int count, int seed, IIngestProgress? progress = null)
    {
        var dir = Path.Combine(archive.Directory, "sources", Name);
        WriteFiles(dir, count, seed);
        return new Ingester(archive).Run([dir], Name, progress, title: "VoSpec demo: generated SDSS-like spectra");
    }

    /// <summary>Writes spec-PLATE-MJD-FIBER.fits files for demo spectra 0..count-1 (in parallel).</summary>
    public static void WriteFiles(string directory, int count, int seed, int firstIndex = 0)
    {
        System.IO.Directory.CreateDirectory(directory);
        var generator = new DemoGenerator(seed);
        Parallel.For(firstIndex, firstIndex + count, i =>
        {
            var spectrum = generator.Generate(i);
            WriteAtomically(Path.Combine(directory, $"spec-{spectrum.Meta.ObsId}.fits"), fs => SdssSpecWriter.WriteLite(spectrum, fs));
        });
    }

    /// <summary>
    /// Writes SDSS-V (v6) spec-FIELD-MJD-CATALOGID.fits files, lite or full, for v6 demo spectra
    /// firstIndex..firstIndex+count-1 (<see cref="DemoSdssV"/>; in parallel, byte for byte the same for a seed).
    /// </summary>
    public static void WriteSdssVFiles(string directory, int count, int seed, bool full, int firstIndex = 0)
    {
        System.IO.Directory.CreateDirectory(directory);
        var generator = new DemoGenerator(seed);
        Parallel.For(firstIndex, firstIndex + count, i =>
        {
            var (spectrum, target) = DemoSdssV.Generate(generator, i);
            WriteAtomically(Path.Combine(directory, $"spec-{spectrum.Meta.ObsId}.fits"), fs => SdssV6SpecWriter.Write(spectrum, target, fs, full));
        });
    }

    /// <summary>Writes to a .tmp beside <paramref name="path"/> and renames it, so a reader never sees half a file.</summary>
    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            write(fs);
        File.Move(tmp, path, overwrite: true);
    }
}
