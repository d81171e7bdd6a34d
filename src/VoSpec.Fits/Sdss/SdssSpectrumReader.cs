using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Sdss;

/// <summary>
/// Reads one SDSS spectrum file into a <see cref="Spectrum"/>: DR8+ spec-PLATE-MJD-FIBER files (lite or full;
/// SPECOBJ or SPALL catalogue HDU) and DR7 spSpec files. Gzipped files are recognised by their magic bytes.
/// Files of another layout throw <see cref="FitsFormatException"/> naming the file and the reason.
/// </summary>
public static class SdssSpectrumReader
{
    public static Spectrum Read(string path) => Read(FitsReader.Open(path));

    public static Spectrum Read(Stream stream, string nameForErrors) => Read(FitsReader.Read(stream, nameForErrors));

    /// <summary>Reads from a whole file held in memory (the fast path for bulk ingest: no copy, columns decoded from the buffer).</summary>
    public static Spectrum Read(ReadOnlyMemory<byte> fileBytes, string nameForErrors) => Read(FitsReader.Parse(fileBytes, nameForErrors));

    public static Spectrum Read(FitsFile file)
    {
        Spectrum spectrum;
        try
        {
            spectrum = file.Find("COADD") switch
            {
                BinaryTable coadd => SpecFileReader.Read(file, coadd),
                null when SpSpecReader.Recognises(file) => SpSpecReader.Read(file),
                null => throw new FitsFormatException($"{file.Name}: not an SDSS spectrum: no COADD table and no DR7 spSpec image"),
                var other => throw new FitsFormatException($"{file.Name}: the COADD HDU is {other.Extension ?? "an image"}, not a binary table"),
            };
        }
        // A column of the wrong type (MJD as a float, a string where a number belongs): the table API refuses it;
        // a number too large for its field (a FIELD or FIBERID beyond int) overflows.
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            throw new FitsFormatException($"{file.Name}: not a readable SDSS spectrum: {e.Message}", e);
        }
        try { spectrum.Arrays.Validate(); }
        catch (InvalidDataException e) { throw new FitsFormatException($"{file.Name}: {e.Message}", e); }
        return spectrum;
    }
}
