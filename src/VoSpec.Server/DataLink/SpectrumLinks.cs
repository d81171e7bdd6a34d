
using VoSpec.Archive.Pixels;
using VoSpec.Fits.Desi;
using VoSpec.Server.Formats;

namespace VoSpec.Server.DataLink;

/// <summary>
/// The links of one spectrum, always in the same order and with the same description/local_semantics, so that
/// clients (TOPCAT's auto-invoke) can pick "the same" link for every row.
/// </summary>
public static class SpectrumLinks
{
    public const string DatasetPath = "datalink/dataset";
    public const string ProgenitorPath = "datalink/progenitor";
    public const string ArmPath = "datalink/arm";

    /// <param name="related">
    /// The spectra of the archive this one was made from (a DESI coadd's single exposures: #progenitor, after the
    /// source file's) or went into (a single exposure's coadd: #derivation), each linked to its own spectrum.
    /// </param>
    /// <param name="arms">
    /// A DESI spectrum's arms as its source file has them (null for other spectra, or when the file is gone): one
    /// #progenitor row per arm, bluest first, after the source file's.
    /// </param>
    /// <param name="sodaId">XML ID of this spectrum's SODA descriptor in the same document.</param>
    public static IEnumerable<Link> For(Dataset d, IReadOnlyList<RelatedSpectrum> related, SpectrumArms? arms, string publicUrl, string sodaId)
    {
        string id = Uri.EscapeDataString(d.Did);
        yield return new Link(d.Did, "#this", $"The calibrated spectrum {d.ObsId} as an SDSS spec-lite style FITS file (COADD table with flux, loglam, ivar, masks, sky, model and vacuum wavelength in Angstrom)")
        {
            AccessUrl = $"{publicUrl}{DatasetPath}?ID={id}",
            ContentType = SpectrumFits.ContentType,
            ContentLength = SpectrumFits.Length(d.Location.NPix, d.Instrument),
            ContentQualifier = "#spectrum",
            LocalSemantics = "fits",
        };
        yield return new Link(d.Did, "#auxiliary", $"The calibrated spectrum {d.ObsId} as a VOTable (Spectrum DM utypes: wavelength, flux, flux_error)")
        {
            AccessUrl = $"{publicUrl}{DatasetPath}?ID={id}&RESPONSEFORMAT=votable",
            ContentType = SpectrumVOTable.ContentType,
            ContentQualifier = "#spectrum",
            LocalSemantics = "votable",
        };
        yield return new Link(d.Did, "#auxiliary", $"The calibrated spectrum {d.ObsId} as CSV (wavelength in Angstrom, flux, flux_error)")
        {
            AccessUrl = $"{publicUrl}{DatasetPath}?ID={id}&RESPONSEFORMAT=csv",
            ContentType = SpectrumCsv.ContentType,
            ContentQualifier = "#spectrum",
            LocalSemantics = "csv",
        };
        yield return new Link(d.Did, "#auxiliary", $"The spectrum {d.ObsId} as a NumPy .npy structured array (one row per pixel: wavelength in vacuum Angstrom, loglam, flux, ivar, and_mask, or_mask, wdisp, sky, model)")
        {
            AccessUrl = $"{publicUrl}{DatasetPath}?ID={id}&RESPONSEFORMAT=npy",
            ContentType = SpectrumNpy.ContentType,
            ContentLength = SpectrumNpy.Length(d.Location.NPix),
            ContentQualifier = "#spectrum",
            LocalSemantics = "npy",
        };
        // The file's length as /datalink/progenitor serves it (spectrum_store's source_bytes is the file's share per
        // spectrum: half a DESI coadd of two targets).
        if (d.SourcePath is { } source && new FileInfo(source) is { Exists: true } sourceFile)
            yield return new Link(d.Did, "#progenitor", $"The file {Path.GetFileName(source)} this spectrum was ingested from, as it was")
            {
                AccessUrl = $"{publicUrl}{ProgenitorPath}?ID={id}",
                ContentType = ProgenitorContentType(source),
                ContentLength = sourceFile.Length,
                ContentQualifier = "#spectrum",
                LocalSemantics = "source-file",
            };
        if (arms is not null)
            foreach (var arm in arms.Arms.Where(a => DesiConventions.Arms.Contains(a.Name)))
                yield return new Link(d.Did, "#progenitor", ArmDescription(d, arms, arm))
                {
                    AccessUrl = $"{publicUrl}{ArmPath}?ID={id}&ARM={arm.Name}",
                    ContentType = DesiArmFits.ContentType,
                    ContentLength = arms.Length(arm, d.Did),
                    ContentQualifier = "#spectrum",
                    LocalSemantics = "arm-" + arm.Name.ToLowerInvariant(),
                };
        foreach (var r in related)
            yield return r.Relation == SpectrumRelation.Progenitor
                ? new Link(d.Did, "#progenitor", $"The single exposure {r.ObsId} (EXPID {r.ExpId}) that went into this coadd, as an SDSS spec-lite style FITS file; its own ID is {r.Did}")
                {
                    AccessUrl = $"{publicUrl}{DatasetPath}?ID={Uri.EscapeDataString(r.Did)}",
                    ContentType = SpectrumFits.ContentType,
                    ContentLength = SpectrumFits.Length(r.NPix, r.Instrument),
                    ContentQualifier = "#spectrum",
                    LocalSemantics = "exposure",
                }
                : new Link(d.Did, "#derivation", $"The coadd {r.ObsId} this exposure went into, as an SDSS spec-lite style FITS file; its own ID is {r.Did}")
                {
                    AccessUrl = $"{publicUrl}{DatasetPath}?ID={Uri.EscapeDataString(r.Did)}",
                    ContentType = SpectrumFits.ContentType,
                    ContentLength = SpectrumFits.Length(r.NPix, r.Instrument),
                    ContentQualifier = "#spectrum",
                    LocalSemantics = "coadd",
                };
        yield return new Link(d.Did, "#preview", $"A plot of {d.ObsId}: flux and model against wavelength (PNG, 1000x500)")
        {
            AccessUrl = $"{publicUrl}{Previews.Path}?ID={id}",
            ContentType = Previews.ContentType,
            LocalSemantics = "preview",
        };
        yield return new Link(d.Did, "#preview", $"A small plot of {d.ObsId} (PNG, 320x200)")
        {
            AccessUrl = $"{publicUrl}{Previews.Path}?ID={id}&SIZE=thumbnail",
            ContentType = Previews.ContentType,
            LocalSemantics = "preview-thumbnail",
        };
        yield return new Link(d.Did, "#cutout", $"SODA service: cut a wavelength range out of {d.ObsId} (FITS, VOTable, CSV or NumPy .npy)")
        {
            ServiceDef = sodaId,
            ContentType = SpectrumFits.ContentType,
            ContentQualifier = "#spectrum",
            LocalSemantics = "soda",
        };
    }

    /// <summary>Names the arm and its wavelength range, and says what the file holds.</summary>
    private static string ArmDescription(Dataset d, SpectrumArms arms, DesiArmLayout arm) =>
        $"The {arm.Name} arm ({DesiArmFits.Range(arm)} Angstrom, {arm.Pixels} pixels) that went into {d.ObsId}, as DESI's pipeline wrote it in " +
        $"{arms.Source.FileName}: FITS table of {string.Join(", ", arm.Columns.Select(c => c.Name == "RESOLUTION" ? $"RESOLUTION ({arm.Diagonals} diagonals per pixel)" : c.Name))}";

    public static Link Failure(string id, string fault) =>
        new(id, "#this", "No links: the identifier could not be resolved") { ErrorMessage = fault };

    public static string ProgenitorContentType(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? "application/gzip" : SpectrumFits.ContentType;
}
