using System.Globalization;

namespace VoSpec.Fits.Desi;

/// <summary>
/// The FITS file of one DESI arm of one fibre, as DataLink's arm links serve it: a primary header saying which target,
/// arm and source file it is, and a BINTABLE "ARM" of one row per pixel with the arm's WAVELENGTH, FLUX, IVAR, MASK and
/// RESOLUTION (the D diagonals of each pixel) in the file's own types. Written with <see cref="FitsWriter"/>; its length
/// is known from the headers alone (<see cref="Length"/>), which {links} gives as content_length.
/// </summary>
public static class DesiArmFits
{
    public const string ContentType = "application/fits";
    public const string ExtName = "ARM";

    /// <summary>The primary header's cards (the writer adds SIMPLE, BITPIX, NAXIS, EXTEND).</summary>
    public static FitsHeader PrimaryCards(string sourceFile, FitsHeader groupCards, DesiArmFibre fibre, DesiArmLayout arm, string? did)
    {
        var h = new FitsHeader()
            .Add("TARGETID", fibre.TargetId, "DESI target id (FIBERMAP TARGETID)")
            .Add("ARM", arm.Name, "spectrograph arm (camera) of this table")
            .Add("OBS_ID", Printable(fibre.ObsId), "the merged spectrum this arm went into");
        if (fibre.ExpId is long expId) h.Add("EXPID", expId, "exposure of this single-exposure spectrum");
        if (did is not null) h.Add("DID", Printable(did), "publisher DID of the merged spectrum");
        h.Add("SOURCE", Printable(sourceFile), "DESI file the values were copied from")
            .Add("FIBROW", (long)fibre.Row, "row of the fibre in the source FIBERMAP (0-based)")
            .Add("WAVEMIN", arm.WaveMin, "[Angstrom] first wavelength of the arm")
            .Add("WAVEMAX", arm.WaveMax, "[Angstrom] last wavelength of the arm")
            .Add("NPIX", (long)arm.Pixels, "pixels of the arm");
        foreach (var card in groupCards) h.Add(card);
        h.AddComment($"Arm {arm.Name} of one fibre as DESI's pipeline wrote it: {arm.Name}_WAVELENGTH, {arm.Name}_FLUX,");
        h.AddComment($"{arm.Name}_IVAR, {arm.Name}_MASK and {arm.Name}_RESOLUTION, with the source images' types.");
        h.AddComment("Table ARM: one row per pixel; RESOLUTION[i, d] is the source's X_RESOLUTION[fibre, d, i].");
        h.AddComment("Wavelengths in vacuum Angstrom; flux in 1e-17 erg/s/cm2/Angstrom.");
        return h;
    }

    public static FitsHeader TableCards(DesiArmLayout arm) => new FitsHeader()
        .Add("ARM", arm.Name, "spectrograph arm (camera)")
        .Add("NDIAG", (long)arm.Diagonals, "diagonals of the resolution matrix per pixel");

    /// <summary>Exact bytes of the file <see cref="Write"/> writes for these arguments.</summary>
    public static long Length(string sourceFile, FitsHeader groupCards, DesiArmFibre fibre, DesiArmLayout arm, string? did)
    {
        long primary = FitsWriter.PrimaryHeader(PrimaryCards(sourceFile, groupCards, fibre, arm, did)).ToBytes().Length;
        long table = BinaryTableWriter.Header(arm.Columns, arm.Pixels, TableCards(arm), ExtName).ToBytes().Length;
        long data = (long)BinaryTableWriter.RowBytes(arm.Columns) * arm.Pixels;
        return primary + table + (data + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;
    }

    /// <summary>Writes the file: <paramref name="values"/> as <see cref="DesiArmSource.ReadArm"/> gives them.</summary>
    public static void Write(Stream output, string sourceFile, FitsHeader groupCards, DesiArmFibre fibre, DesiArmLayout arm, string? did, Array[] values)
    {
        using var w = new FitsWriter(output, leaveOpen: true);
        w.WritePrimaryHeader(PrimaryCards(sourceFile, groupCards, fibre, arm, did));
        using (var t = w.BeginBinaryTable(arm.Columns, arm.Pixels, TableCards(arm), ExtName))
        {
            t.WriteColumns(values);
            t.Complete();
        }
        w.Flush();
    }

    /// <summary>FITS strings hold printable ASCII: anything else (a file name in another script, an identifier as a client spelled it) becomes '?'.</summary>
    private static string Printable(string text) =>
        text.All(c => c is >= ' ' and <= '~') ? text : new string(text.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());

    /// <summary>"3600.0-5800.0": an arm's range for a description.</summary>
    public static string Range(DesiArmLayout arm) =>
        arm.WaveMin.ToString("0.0", CultureInfo.InvariantCulture) + "-" + arm.WaveMax.ToString("0.0", CultureInfo.InvariantCulture);
}
