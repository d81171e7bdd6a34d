using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Sdss;

/// <summary>
/// SDSS DR7 spSpec files: the primary image holds one row per vector (0 flux, 1 continuum-subtracted flux,
/// 2 error σ, 3 mask, …) on a log-linear grid (CRVAL1/CD1_1 in log10 Å); everything else is in the primary header.
/// An extension with andMask/orMask/dispersion columns, when present, supplies the masks and wdisp.
/// </summary>
internal static class SpSpecReader
{
    private const int FluxRow = 0, ErrorRow = 2, MaskRow = 3;

    /// <summary>A DR7 spSpec has a 2-D float primary image with at least flux, continuum-subtracted flux and error rows and a SPEC_CLN card.</summary>
    public static bool Recognises(FitsFile file) =>
        file.Primary is ImageHdu { Axes.Count: 2 } img && img.Axes[1] >= 3 && img.Header.Contains("SPEC_CLN");

    public static Spectrum Read(FitsFile file)
    {
        string name = file.Name;
        var img = (ImageHdu)file.Primary;
        var h = img.Header;
        int npix = img.Axes[0], rows = img.Axes[1];
        if (npix == 0) throw new FitsFormatException($"{name}: the spSpec image has zero pixels");
        var all = img.ReadFloats();

        var flux = all.AsSpan(FluxRow * npix, npix).ToArray();
        var sigma = all.AsSpan(ErrorRow * npix, npix);
        var ivar = new float[npix];
        for (int i = 0; i < npix; i++) ivar[i] = sigma[i] > 0 ? 1f / (sigma[i] * sigma[i]) : 0f;

        int[]? andMask = null, orMask = null;
        float[]? wdisp = null;
        var maskTable = file.Hdus.OfType<BinaryTable>().FirstOrDefault(t => t.RowCount == npix && t.HasColumn("andMask"));
        if (maskTable is not null)
        {
            andMask = maskTable.ReadInt32s("andMask");
            if (maskTable.HasColumn("orMask")) orMask = maskTable.ReadInt32s("orMask");
            if (maskTable.HasColumn("dispersion")) wdisp = maskTable.ReadFloats("dispersion");
        }
        else if (rows > MaskRow)
        {
            andMask = new int[npix];
            for (int i = 0; i < npix; i++) andMask[i] = (int)all[MaskRow * npix + i];
        }

        var arrays = new SpectrumArrays { Grid = Grid(h, npix, name), Flux = flux, Ivar = ivar, AndMask = andMask, OrMask = orMask, WDisp = wdisp };
        return new Spectrum { Meta = Meta(h, flux, ivar, name), Arrays = arrays };
    }

    private static WavelengthGrid Grid(FitsHeader h, int npix, string name)
    {
        double start = h.GetDoubleOrNull("CRVAL1") ?? h.GetDoubleOrNull("COEFF0") ?? throw new FitsFormatException($"{name}: spSpec header has no CRVAL1/COEFF0");
        double step = h.GetDoubleOrNull("CD1_1") ?? h.GetDoubleOrNull("COEFF1") ?? throw new FitsFormatException($"{name}: spSpec header has no CD1_1/COEFF1");
        double crpix = h.GetDoubleOrNull("CRPIX1") ?? 1.0;
        if (!(step > 0)) throw new FitsFormatException($"{name}: spSpec dispersion CD1_1 = {step} is not positive");
        start = Math.Round(start + (1 - crpix) * step, 10);
        // DC-FLAG 1 means log-linear (all SDSS spSpec files); 0 would be linear in Å.
        if (h.GetLongOrNull("DC-FLAG") is 0)
        {
            var w = new double[npix];
            for (int i = 0; i < npix; i++) w[i] = start + i * step;
            return new ExplicitGrid(w);
        }
        return new LogLinearGrid(start, step, npix);
    }

    private static SpectrumMeta Meta(FitsHeader h, float[] flux, float[] ivar, string name)
    {
        int plate = h.TryGetInt("PLATEID", out var p) ? p : throw Missing(name, "PLATEID");
        int mjd = h.TryGetInt("MJD", out var m) ? m : throw Missing(name, "MJD");
        int fiber = h.TryGetInt("FIBERID", out var f) ? f : throw Missing(name, "FIBERID");
        string run2d = h.GetStringOrNull("RUN2D")?.Trim() ?? "";
        bool boss = SdssConventions.IsBoss(run2d, plate, false);
        return new SpectrumMeta
        {
            SpecObjId = SpecObjId.Pack(plate, mjd, fiber, SdssConventions.Run2dCode(run2d)),
            Plate = plate,
            Mjd = mjd,
            FiberId = fiber,
            Run2d = run2d,
            // RAOBJ/DECOBJ are the fibre's object; RA/DEC would be the telescope boresight.
            Ra = h.GetDoubleOrNull("RAOBJ") ?? h.GetDoubleOrNull("PLUG_RA") ?? throw Missing(name, "RAOBJ"),
            Dec = h.GetDoubleOrNull("DECOBJ") ?? h.GetDoubleOrNull("PLUG_DEC") ?? throw Missing(name, "DECOBJ"),
            Z = h.GetDoubleOrNull("Z") ?? 0,
            ZErr = h.GetDoubleOrNull("Z_ERR") ?? 0,
            ZWarning = (int)(h.GetLongOrNull("Z_WARNIN") ?? h.GetLongOrNull("ZWARNING") ?? 0),
            Class = SdssConventions.ClassFromSpecCln(h.GetLongOrNull("SPEC_CLN") ?? 0),
            SnMedian = MedianSn(flux, ivar),
            Instrument = boss ? "BOSS" : "SDSS",
            FiberDiameter = boss ? SdssConventions.BossFiberDiameter : SdssConventions.SdssFiberDiameter,
            ExpTime = h.GetDoubleOrNull("EXPTIME"),
            TMin = SdssConventions.MjdFromTai(h, "TAI-BEG"),
            TMax = SdssConventions.MjdFromTai(h, "TAI-END"),
            FluxUnit = h.GetStringOrNull("BUNIT")?.Trim() ?? "1E-17 erg/cm^2/s/Ang",
        };
    }

    /// <summary>DR7 has no SN_MEDIAN_ALL; compute it as DR8 defines it: the median of flux·√ivar over pixels with ivar &gt; 0.</summary>
    private static double MedianSn(float[] flux, float[] ivar)
    {
        var sn = new List<double>(flux.Length);
        for (int i = 0; i < flux.Length; i++) if (ivar[i] > 0) sn.Add(flux[i] * Math.Sqrt(ivar[i]));
        if (sn.Count == 0) return 0;
        sn.Sort();
        int mid = sn.Count / 2;
        return sn.Count % 2 == 1 ? sn[mid] : (sn[mid - 1] + sn[mid]) / 2;
    }

    private static FitsFormatException Missing(string name, string key) => new($"{name}: spSpec header has no {key}");
}
