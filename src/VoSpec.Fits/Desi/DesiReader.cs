using System.Buffers;
using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Desi;

/// <summary>
/// Reads DESI coadd-*.fits and spectra-*.fits files: FIBERMAP (and a coadd's EXP_FIBERMAP) rows, and per arm
/// X_WAVELENGTH, X_FLUX, X_IVAR, X_MASK (plain or tile-compressed) and X_RESOLUTION images with one row per
/// fibre. Fibres with OBJTYPE 'TGT' and a positive TARGETID become spectra; sky fibres and unassigned
/// positioners are counted and skipped. Files of another layout throw <see cref="FitsFormatException"/>.
/// </summary>
public static class DesiReader
{
    /// <summary>Reads a file through a memory map: only the HDUs read are touched (the spectra hold copies).</summary>
    public static DesiFile Read(string path, bool resolution = true, bool arms = true)
    {
        using var mapped = MappedFitsFile.Open(path);
        return Read(mapped.File, resolution, arms);
    }

    public static DesiFile Read(ReadOnlyMemory<byte> fileBytes, string nameForErrors) => Read(FitsReader.Parse(fileBytes, nameForErrors));

    /// <summary>A FITS file DESI's pipeline wrote: a FIBERMAP table and at least one arm's wavelength and flux images.</summary>
    public static bool Recognises(FitsFile file) =>
        file.Find("FIBERMAP") is BinaryTable && file.Hdus.Any(h => h.Name.EndsWith("_WAVELENGTH", StringComparison.OrdinalIgnoreCase))
        && file.Hdus.Any(h => h.Name.EndsWith("_FLUX", StringComparison.OrdinalIgnoreCase));

    /// <param name="resolution">
    /// False: the X_RESOLUTION images (11 of every 14 bytes of a coadd) are not read and each arm's
    /// <see cref="DesiArm.Resolution"/> is null — what ingest does, as the merged spectrum does not carry them.
    /// </param>
    /// <param name="arms">
    /// False: each spectrum's <see cref="DesiSpectrum.Arms"/> is empty (its merged spectrum is read straight from the
    /// arm images, no per-fibre copy of them) — what ingest does.
    /// </param>
    /// <param name="pixels">
    /// False: no pixel is decoded and each merged spectrum's arrays hold its grid only (an empty Flux): what an ingest
    /// that serves the file in place needs (the catalogue's values come from the FIBERMAP and the grid; the pixels are
    /// merged when asked for, by <see cref="DesiFibreSource"/>). Implies no arms.
    /// </param>
    public static DesiFile Read(FitsFile file, bool resolution = true, bool arms = true, bool pixels = true)
    {
        try { return ReadChecked(file, resolution && pixels, arms && pixels, pixels); }
        // A column of the wrong type (TARGETID as text): the table API refuses it.
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            throw new FitsFormatException($"{file.Name}: not a readable DESI file: {e.Message}", e);
        }
    }

    private static DesiFile ReadChecked(FitsFile file, bool resolution, bool keepArms, bool pixels)
    {
        string name = file.Name;
        if (!Recognises(file)) throw new FitsFormatException($"{name}: not a DESI spectra or coadd file: no FIBERMAP table with X_WAVELENGTH and X_FLUX images");
        var fibermap = file.Get<BinaryTable>("FIBERMAP");
        var expFibermap = file.Find("EXP_FIBERMAP") as BinaryTable;
        var kind = expFibermap is not null || fibermap.HasColumn("COADD_EXPTIME") ? DesiFileKind.Coadd : DesiFileKind.Spectra;
        var group = GroupOf(file.Primary.Header, fibermap);
        var arms = ReadArms(file, fibermap.RowCount, resolution, pixels);
        try
        {
            var lattice = DesiArmMerger.Lattice.Of(arms.Select(a => (a.Name, a.Wavelength)).ToList(), name);
            var rows = new DesiArmMerger.ArmRow[arms.Count];

            var exposuresByTarget = expFibermap is null ? null : ExposuresByTarget(expFibermap);
            var spectra = new List<DesiSpectrum>();
            int sky = 0, unassigned = 0;
            for (int row = 0; row < fibermap.RowCount; row++)
            {
                long targetId = fibermap.GetLong(row, "TARGETID");
                string objType = fibermap.HasColumn("OBJTYPE") ? fibermap.GetString(row, "OBJTYPE").Trim() : "TGT";
                if (objType.Equals("SKY", StringComparison.OrdinalIgnoreCase)) { sky++; continue; }
                if (!objType.Equals("TGT", StringComparison.OrdinalIgnoreCase) || targetId <= 0) { unassigned++; continue; }

                var fibre = FibreOf(fibermap, row, targetId, objType, name);
                var exposures = kind == DesiFileKind.Spectra
                    ? ExposureOfRow(fibermap, row, group)
                    : exposuresByTarget?.GetValueOrDefault(targetId) ?? [];
                IReadOnlyList<DesiArm> fibreArms = keepArms ? arms.Select(a => a.Slice(row)).ToList() : [];
                string obsId = kind == DesiFileKind.Spectra && fibre.ExpId is long e
                    ? DesiConventions.ExposureObsId(group.Name, e, targetId) : DesiConventions.CoaddObsId(group.Name, targetId);
                var meta = MetaOf(fibre, exposures, group, kind, obsId, arms[0].FluxUnit) with { SurveyColumns = SurveyColumnsOf(fibermap, row, fibre, group) };
                if (!pixels)
                {
                    spectra.Add(new DesiSpectrum(fibre, exposures, [], new Spectrum { Meta = meta, Arrays = new SpectrumArrays { Grid = lattice.Grid, Flux = [] } }));
                    continue;
                }
                for (int k = 0; k < arms.Count; k++) rows[k] = new DesiArmMerger.ArmRow(arms[k].Flux, arms[k].Ivar, arms[k].Mask, row * arms[k].Wavelength.Length);
                var merged = new Spectrum { Meta = meta, Arrays = lattice.Merge(rows) };
                try { merged.Arrays.Validate(); }
                catch (InvalidDataException ex) { throw new FitsFormatException($"{name} row {row}: {ex.Message}", ex); }
                spectra.Add(new DesiSpectrum(fibre, exposures, fibreArms, merged));
            }
            return new DesiFile(kind, group, spectra, fibermap.RowCount, sky, unassigned);
        }
        finally
        {
            foreach (var a in arms) a.Return();
        }
    }

    private static DesiGroup GroupOf(FitsHeader h, BinaryTable fibermap)
    {
        string kind = h.GetStringOrNull("SPGRP")?.Trim().ToLowerInvariant() ?? (h.Contains("HPXPIXEL") ? "healpix" : "");
        long? tile = h.GetLongOrNull("TILEID") ?? (fibermap.HasColumn("TILEID") && fibermap.RowCount > 0 ? fibermap.GetLong(0, "TILEID") : null);
        long? healpix = h.GetLongOrNull("HPXPIXEL") ?? (kind == "healpix" ? h.GetLongOrNull("SPGRPVAL") : null);
        if (kind == "healpix" ? healpix is null : tile is null)
            throw new FitsFormatException("the primary header names neither a HEALPix pixel (HPXPIXEL) nor a tile (TILEID)");
        return new DesiGroup(kind, h.GetStringOrNull("SURVEY")?.Trim() ?? "", h.GetStringOrNull("PROGRAM")?.Trim() ?? "",
            healpix, tile, h.GetLongOrNull("NIGHT"), SpecProd(h));
    }

    /// <summary>DESI names its processing run (fuji, iron…) among the dependency cards: DEPNAMnn = 'SPECPROD', DEPVERnn = the run.</summary>
    private static string SpecProd(FitsHeader h)
    {
        for (int i = 0; i < 100; i++)
            if (h.GetStringOrNull($"DEPNAM{i:D2}")?.Trim() == "SPECPROD") return h.GetStringOrNull($"DEPVER{i:D2}")?.Trim() ?? "";
        return "";
    }

    /// <summary>One arm's HDUs (its images checked against the FIBERMAP's rows), found without decoding any pixel.</summary>
    internal sealed record ArmHdus(string Name, double[] Wavelength, ImageHdu Flux, ImageHdu Ivar, ImageHdu? Mask, ImageHdu? Resolution, int Diagonals);

    /// <summary>Every arm's HDUs, ordered by wavelength; the X_RESOLUTION images only when <paramref name="resolution"/>.</summary>
    /// <param name="masks">
    /// False: no X_MASK image is returned, and a tile-compressed one is checked from its header without being decompressed
    /// (an index of the file that reads no pixel must not inflate three masks of 500 fibres).
    /// </param>
    internal static List<ArmHdus> FindArms(FitsFile file, int rows, bool resolution, bool masks = true)
    {
        var arms = new List<ArmHdus>();
        foreach (var hdu in file.Hdus)
        {
            if (!hdu.Name.EndsWith("_WAVELENGTH", StringComparison.OrdinalIgnoreCase)) continue;
            string arm = hdu.Name[..^"_WAVELENGTH".Length].ToUpperInvariant();
            var wave = file.GetImage(hdu.Name);
            if (wave.Axes.Count != 1 || wave.Axes[0] < 2) throw new FitsFormatException($"{file.Name}: {hdu.Name} is not a 1-D array of wavelengths");
            int n = wave.Axes[0];
            var flux = Image(file, arm + "_FLUX", n, rows, required: true)!;
            var ivar = Image(file, arm + "_IVAR", n, rows, required: true)!;
            var mask = masks ? Image(file, arm + "_MASK", n, rows, required: false) : CheckShape(file, arm + "_MASK", n, rows);
            var res = !resolution || file.Find(arm + "_RESOLUTION") is null ? null : file.GetImage(arm + "_RESOLUTION");
            int diagonals = 0;
            if (res is not null)
            {
                if (res.Axes.Count != 3 || res.Axes[0] != n || res.Axes[2] != rows || res.Axes[1] < 1)
                    throw new FitsFormatException($"{file.Name}: {arm}_RESOLUTION is ({string.Join(", ", res.Axes)}), not ({n}, diagonals, {rows})");
                diagonals = res.Axes[1];
            }
            arms.Add(new ArmHdus(arm, wave.ReadDoubles(), flux, ivar, mask, res, diagonals));
        }
        if (arms.Count == 0) throw new FitsFormatException($"{file.Name}: no X_WAVELENGTH arm");
        arms.Sort((a, b) => a.Wavelength[0].CompareTo(b.Wavelength[0]));
        return arms;
    }

    /// <summary>All arms' images, each read once for every fibre; arms are ordered by wavelength. No pixel is decoded unless <paramref name="pixels"/>.</summary>
    private static List<ArmImages> ReadArms(FitsFile file, int rows, bool resolution, bool pixels)
    {
        var arms = new List<ArmImages>();
        foreach (var (arm, wavelength, flux, ivar, mask, res, diagonals) in FindArms(file, rows, resolution, masks: pixels))
        {
            int n = wavelength.Length;
            string unit = flux.Header.GetStringOrNull("BUNIT")?.Trim() ?? DesiConventions.FluxUnit;
            if (!pixels) { arms.Add(new ArmImages(arm, wavelength, [], [], null, null, diagonals, unit)); continue; }
            // The images are read into pooled buffers (given back by ReadChecked once every fibre is merged): a coadd's
            // are 5.5 MB each, fresh arrays of them cost page faults and zeroing on every file.
            int[]? maskBits = mask is null ? null : ArrayPool<int>.Shared.Rent(n * rows);
            if (mask is not null && !mask.ReadBits32(maskBits))
            {
                // DESI masks are uint32 (BZERO 2^31); the bits go into an int unchanged.
                var values = mask.ReadInt64s();
                for (int i = 0; i < values.Length; i++)
                    maskBits![i] = values[i] is >= int.MinValue and <= uint.MaxValue ? unchecked((int)(uint)values[i])
                        : throw new FitsFormatException($"{file.Name}: {arm}_MASK value {values[i]} is not a 32-bit mask");
            }
            var fluxValues = ArrayPool<float>.Shared.Rent(n * rows);
            var ivarValues = ArrayPool<float>.Shared.Rent(n * rows);
            arms.Add(new ArmImages(arm, wavelength, fluxValues, ivarValues, maskBits, res?.ReadFloats(), diagonals, unit));
            flux.ReadFloats(fluxValues);
            ivar.ReadFloats(ivarValues);
        }
        return arms;
    }

    /// <summary>An optional image's shape checked as <see cref="Image"/> does, without decompressing a tile-compressed one; always null.</summary>
    private static ImageHdu? CheckShape(FitsFile file, string extName, int n, int rows)
    {
        if (file.Find(extName) is not BinaryTable table || !Compression.CompressedImage.IsCompressedImage(table))
        {
            Image(file, extName, n, rows, required: false);
            return null;
        }
        var h = table.Header;
        if (h.GetLongOrNull("ZNAXIS") != 2 || h.GetLongOrNull("ZNAXIS1") != n || h.GetLongOrNull("ZNAXIS2") != rows)
            throw new FitsFormatException($"{file.Name}: {extName} is ({h.GetLongOrNull("ZNAXIS1")}, {h.GetLongOrNull("ZNAXIS2")}), not ({n}, {rows}) for {rows} FIBERMAP rows");
        return null;
    }

    private static ImageHdu? Image(FitsFile file, string extName, int n, int rows, bool required)
    {
        if (file.Find(extName) is null)
            return required ? throw new FitsFormatException($"{file.Name}: no {extName} image") : null;
        var image = file.GetImage(extName);
        if (image.Axes.Count != 2 || image.Axes[0] != n || image.Axes[1] != rows)
            throw new FitsFormatException($"{file.Name}: {extName} is ({string.Join(", ", image.Axes)}), not ({n}, {rows}) for {rows} FIBERMAP rows");
        return image;
    }

    /// <summary>One arm's images; Flux, Ivar and Mask are pooled buffers (possibly longer than the image) until <see cref="Return"/>.</summary>
    private sealed record ArmImages(string Name, double[] Wavelength, float[] Flux, float[] Ivar, int[]? Mask, float[]? Resolution, int Diagonals, string FluxUnit)
    {
        public void Return()
        {
            if (Flux.Length > 0) ArrayPool<float>.Shared.Return(Flux);
            if (Ivar.Length > 0) ArrayPool<float>.Shared.Return(Ivar);
            if (Mask is { Length: > 0 }) ArrayPool<int>.Shared.Return(Mask);
        }

        public DesiArm Slice(int row)
        {
            int n = Wavelength.Length;
            return new DesiArm(Name, Wavelength, Flux.AsSpan(row * n, n).ToArray(), Ivar.AsSpan(row * n, n).ToArray(),
                Mask?.AsSpan(row * n, n).ToArray(), Resolution?.AsSpan(row * n * Diagonals, n * Diagonals).ToArray(), Diagonals);
        }
    }

    private static DesiFibre FibreOf(BinaryTable t, int row, long targetId, string objType, string name) => new(
        row, targetId, objType,
        t.HasColumn("TARGET_RA") ? t.GetDouble(row, "TARGET_RA") : throw new FitsFormatException($"{name}: FIBERMAP has no TARGET_RA"),
        t.HasColumn("TARGET_DEC") ? t.GetDouble(row, "TARGET_DEC") : throw new FitsFormatException($"{name}: FIBERMAP has no TARGET_DEC"),
        t.HasColumn("FIBER") ? checked((int)t.GetLong(row, "FIBER")) : null,
        t.HasColumn("TILEID") ? t.GetLong(row, "TILEID") : null,
        t.HasColumn("EXPID") ? t.GetLong(row, "EXPID") : null,
        t.HasColumn("COADD_EXPTIME") ? t.GetDouble(row, "COADD_EXPTIME") : t.HasColumn("EXPTIME") ? t.GetDouble(row, "EXPTIME") : null,
        t.HasColumn("COADD_FIBERSTATUS") ? (int)t.GetLong(row, "COADD_FIBERSTATUS") : t.HasColumn("FIBERSTATUS") ? (int)t.GetLong(row, "FIBERSTATUS") : 0);

    private static Dictionary<long, List<DesiExposure>> ExposuresByTarget(BinaryTable t)
    {
        var result = new Dictionary<long, List<DesiExposure>>();
        for (int row = 0; row < t.RowCount; row++)
        {
            long target = t.GetLong(row, "TARGETID");
            if (!result.TryGetValue(target, out var list)) result[target] = list = [];
            list.Add(ExposureAt(t, row, null));
        }
        return result;
    }

    private static IReadOnlyList<DesiExposure> ExposureOfRow(BinaryTable t, int row, DesiGroup group) =>
        t.HasColumn("EXPID") && t.HasColumn("MJD") ? [ExposureAt(t, row, group.TileId)] : [];

    private static DesiExposure ExposureAt(BinaryTable t, int row, long? tile) => new(
        t.GetLong(row, "EXPID"),
        t.HasColumn("NIGHT") ? t.GetLong(row, "NIGHT") : 0,
        t.GetDouble(row, "MJD"),
        t.HasColumn("TILEID") ? t.GetLong(row, "TILEID") : tile ?? 0,
        t.HasColumn("FIBER") ? checked((int)t.GetLong(row, "FIBER")) : 0,
        t.HasColumn("EXPTIME") ? t.GetDouble(row, "EXPTIME") : 0);

    /// <summary>The values of the desi.fibermap table (schemas/desi.fibermap.json): the FIBERMAP row's and the file's grouping.</summary>
    private static Dictionary<string, object?> SurveyColumnsOf(BinaryTable t, int row, DesiFibre f, DesiGroup group)
    {
        long? Long(string column) => t.HasColumn(column) ? t.GetLong(row, column) : null;
        float? Float(string column) => t.HasColumn(column) ? (float)t.GetDouble(row, column) : null;
        return new Dictionary<string, object?>
        {
            ["targetid"] = f.TargetId,
            ["survey"] = group.Survey,
            ["program"] = group.Program,
            ["spgrp"] = group.Kind,
            ["healpix"] = group.Healpix,
            ["tileid"] = f.TileId ?? group.TileId,
            ["expid"] = f.ExpId,
            ["fiber"] = f.Fiber,
            ["target_ra"] = f.Ra,
            ["target_dec"] = f.Dec,
            ["objtype"] = f.ObjType,
            ["desi_target"] = Long("DESI_TARGET"),
            ["bgs_target"] = Long("BGS_TARGET"),
            ["mws_target"] = Long("MWS_TARGET"),
            ["sv3_desi_target"] = Long("SV3_DESI_TARGET"),
            ["fiberstatus"] = f.FibreStatus,
            ["numexp"] = Long("COADD_NUMEXP") is long n ? (int)n : null,
            ["exptime"] = f.ExpTime,
            ["morphtype"] = t.HasColumn("MORPHTYPE") ? t.GetString(row, "MORPHTYPE").Trim() : null,
            ["flux_g"] = Float("FLUX_G"),
            ["flux_r"] = Float("FLUX_R"),
            ["flux_z"] = Float("FLUX_Z"),
            ["ebv"] = Float("EBV"),
            ["specprod"] = group.SpecProd,
        };
    }

    /// <summary>
    /// The SDSS-shaped fields, chosen so that (plate, MJD, fibre) stays unique as the catalogue requires: a coadd's
    /// "plate" is its HEALPix pixel or tile, a single exposure's its EXPID (one target is seen on one fibre in
    /// several exposures of a night).
    /// </summary>
    private static SpectrumMeta MetaOf(DesiFibre f, IReadOnlyList<DesiExposure> exposures, DesiGroup group, DesiFileKind kind, string obsId, string fluxUnit)
    {
        long plate = kind == DesiFileKind.Spectra && f.ExpId is long expId ? expId
            : group.Kind == "healpix" ? group.Healpix!.Value : group.TileId!.Value;
        double? tMin = exposures.Count == 0 ? null : exposures.Min(e => e.Mjd);
        double? tMax = exposures.Count == 0 ? null : exposures.Max(e => e.Mjd + e.ExpTime / 86400.0);
        return new SpectrumMeta
        {
            SpecObjId = DesiConventions.SpecObjId(obsId),
            SurveyObsId = obsId,
            Plate = plate is >= 0 and <= int.MaxValue ? (int)plate : throw new FitsFormatException($"HEALPix pixel, tile or EXPID {plate} does not fit the catalogue's plate number"),
            Mjd = exposures.Count == 0 ? 0 : (int)Math.Floor(exposures.Max(e => e.Mjd)),
            FiberId = f.Fiber ?? (exposures.Count > 0 ? exposures[0].Fiber : 0),
            Run2d = group.SpecProd,
            Ra = f.Ra,
            Dec = f.Dec,
            Survey = group.Survey,
            ProgramName = group.Program,
            Instrument = DesiConventions.Instrument,
            FiberDiameter = DesiConventions.FiberDiameter,
            ExpTime = f.ExpTime,
            TMin = tMin,
            TMax = tMax,
            FluxUnit = fluxUnit,
        };
    }
}
