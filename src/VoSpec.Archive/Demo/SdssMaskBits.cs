namespace VoSpec.Archive.Demo;

/// <summary>
/// The SDSS/BOSS per-pixel mask bits (SPPIXMASK, as in and_mask / or_mask) and redshift-warning
/// bits (ZWARNING) the demo generator sets. Values follow the idlutils sdssMaskbits definitions.
/// </summary>
public static class SdssMaskBits
{
    // SPPIXMASK, pixel-level bits
    public const int NearBadPixel = 1 << 16;
    public const int LowFlat = 1 << 17;
    public const int FullReject = 1 << 18;
    public const int PartialReject = 1 << 19;
    public const int ScatteredLight = 1 << 20;
    public const int CrossTalk = 1 << 21;
    public const int NoSky = 1 << 22;
    public const int BrightSky = 1 << 23;
    public const int NoData = 1 << 24;
    public const int CombineRej = 1 << 25;

    // ZWARNING
    public const int ZwSky = 1 << 0;
    public const int ZwLittleCoverage = 1 << 1;
    public const int ZwSmallDeltaChi2 = 1 << 2;
    public const int ZwNegativeModel = 1 << 3;
    public const int ZwManyOutliers = 1 << 4;
}
