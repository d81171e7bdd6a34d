using System.Globalization;

namespace VoSpec.Fits.Sdss;

/// <summary>SDSS facts shared by the readers and the writer.</summary>
internal static class SdssConventions
{
    /// <summary>First BOSS plate; earlier plates were observed with the original SDSS spectrographs.</summary>
    public const int FirstBossPlate = 3510;

    public const double BossFiberDiameter = 2.0;
    public const double SdssFiberDiameter = 3.0;

    public const double SecondsPerDay = 86400;

    public static bool IsBoss(string run2d, int plate, bool spallCatalog) =>
        // The reduction version says it best (BOSS: v5_13_2..., SDSS-I/II: 26, 103...); the plate number only when it is missing.
        spallCatalog || run2d.StartsWith('v') || (run2d.Length == 0 && plate >= FirstBossPlate);

    /// <summary>
    /// TAI seconds → MJD. Done in decimal from the card's text so that a value the writer produced from an MJD
    /// (see <see cref="TaiText"/>) comes back as exactly that double.
    /// </summary>
    public static double? MjdFromTai(FitsHeader h, string keyword)
    {
        var card = h.Find(keyword);
        if (card is null || card.Kind is not (HeaderValueKind.Integer or HeaderValueKind.Float)) return null;
        string text = card.ValueText.Replace('D', 'E').Replace('d', 'e');
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal tai))
            return double.Parse((tai / (decimal)SecondsPerDay).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return card.TryGetDouble(out double d) ? d / SecondsPerDay : null;
    }

    /// <summary>MJD → exact TAI seconds as decimal (the shortest round-trip text of the MJD times 86400).</summary>
    public static decimal TaiSeconds(double mjd) =>
        decimal.Parse(mjd.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture) * (decimal)SecondsPerDay;

    /// <summary>DR7 SPEC_CLN → class name.</summary>
    public static string ClassFromSpecCln(long specCln) => specCln switch
    {
        1 or 6 => "STAR",
        2 => "GALAXY",
        3 or 4 => "QSO",
        5 => "SKY",
        _ => "UNKNOWN",
    };

    public static int Run2dCode(string run2d) =>
        int.TryParse(run2d.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0;
}
