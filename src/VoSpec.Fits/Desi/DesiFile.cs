using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Desi;

/// <summary>
/// What <see cref="DesiReader"/> found in one DESI coadd-*.fits or spectra-*.fits file: the target spectra
/// (each with its arms as stored and merged onto one grid) and how many fibres were skipped, and why.
/// </summary>
public sealed record DesiFile(
    DesiFileKind Kind,
    DesiGroup Group,
    IReadOnlyList<DesiSpectrum> Spectra,
    int FibreRows,
    int SkyFibres,
    int UnassignedFibres);

public enum DesiFileKind
{
    /// <summary>coadd-*.fits: one row per target, exposures listed in EXP_FIBERMAP.</summary>
    Coadd,
    /// <summary>spectra-*.fits: one row per target and exposure.</summary>
    Spectra,
}

/// <summary>
/// How the file's spectra were grouped (primary SPGRP): by HEALPix pixel within one survey and program, or by
/// tile (cumulative through a night, per night, per exposure). Part of every identifier: a target is coadded in several groups.
/// </summary>
public sealed record DesiGroup(string Kind, string Survey, string Program, long? Healpix, long? TileId, long? Night, string SpecProd)
{
    /// <summary>sv3-dark-26065 for a HEALPix group, 169-thru20210419 for a cumulative tile, 169-20210419 per night.</summary>
    public string Name => Kind switch
    {
        "healpix" => $"{Survey}-{Program}-{Healpix}",
        "cumulative" => $"{TileId}-thru{Night}",
        _ when Night is not null => $"{TileId}-{Night}",
        _ => $"{TileId}",
    };
}

/// <summary>The FIBERMAP row of one target spectrum (positions are the target's, ICRS degrees).</summary>
public sealed record DesiFibre(
    int Row,
    long TargetId,
    string ObjType,
    double Ra,
    double Dec,
    int? Fiber,
    long? TileId,
    long? ExpId,
    double? ExpTime,
    int FibreStatus);

/// <summary>One exposure that went into a spectrum (an EXP_FIBERMAP row of a coadd, or the row itself in a spectra file).</summary>
public sealed record DesiExposure(long ExpId, long Night, double Mjd, long TileId, int Fiber, double ExpTime);

/// <summary>
/// One spectrograph arm of one spectrum, as the file stores it: linear wavelengths (Å, vacuum), flux in
/// 1e-17 erg/s/cm²/Å, inverse variance, the DESI bit mask (uint32 bits in an int), and the resolution matrix as
/// <see cref="ResolutionDiagonals"/> diagonals of <see cref="Wavelength"/>.Length values each (diagonal d at d·N).
/// </summary>
public sealed record DesiArm(string Name, double[] Wavelength, float[] Flux, float[] Ivar, int[]? Mask, float[]? Resolution, int ResolutionDiagonals)
{
    public int Count => Wavelength.Length;
}

/// <summary>
/// One target spectrum: its fibre, its exposures, its arms as stored (empty when the reader was asked for the merged
/// spectrum only), and all arms merged into one <see cref="Spectrum"/>.
/// </summary>
public sealed record DesiSpectrum(DesiFibre Fibre, IReadOnlyList<DesiExposure> Exposures, IReadOnlyList<DesiArm> Arms, Spectrum Merged);
