namespace VoSpec.Archive.Demo;

/// <summary>Rest-frame vacuum wavelengths (Å) of the lines the demo spectra carry.</summary>
public static class DemoLines
{
    // QSO broad / narrow lines
    public const double LyLimit = 911.75;
    public const double LyBeta = 1025.72;
    public const double LyAlpha = 1215.67;
    public const double NV = 1240.14;
    public const double SiIV = 1399.8;
    public const double CIV = 1549.06;
    public const double CIII = 1908.73;
    public const double MgII = 2799.12;

    // nebular lines
    public const double OII = 3728.48;
    public const double NeIII = 3869.86;
    public const double HEpsilon = 3971.20;
    public const double HDelta = 4102.89;
    public const double HGamma = 4341.68;
    public const double HBeta = 4862.68;
    public const double OIII4960 = 4960.30;
    public const double OIII5008 = 5008.24;
    public const double OI6302 = 6302.05;
    public const double NII6550 = 6549.86;
    public const double HAlpha = 6564.61;
    public const double NII6585 = 6585.27;
    public const double SII6718 = 6718.29;
    public const double SII6733 = 6732.67;

    // absorption features
    public const double H8 = 3890.16;
    public const double CaIIK = 3934.78;
    public const double CaIIH = 3969.59;
    public const double GBand = 4305.61;
    public const double MgB1 = 5168.76;
    public const double MgB2 = 5174.13;
    public const double MgB3 = 5185.05;
    public const double NaD2 = 5891.58;
    public const double NaD1 = 5897.56;
    public const double CaT1 = 8500.36;
    public const double CaT2 = 8544.44;
    public const double CaT3 = 8664.52;

    // night-sky lines (observed frame)
    public const double SkyOI5579 = 5578.89;
    public const double SkyOI6302 = 6302.05;
    public const double SkyOI6365 = 6365.54;
    public const double SkyNaD = 5891.58;
}
