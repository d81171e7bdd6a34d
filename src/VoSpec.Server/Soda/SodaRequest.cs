using System.Globalization;
using VoSpec.Core.Faults;
using VoSpec.Server.Dali;

using VoSpec.Server.Formats;

namespace VoSpec.Server.Soda;

/// <summary>A SODA parameter given several times where this service takes one value.</summary>
public sealed class MultiValuedParamException(string message) : UserInputException(message);

/// <summary>An interval with closed ends; either may be infinite.</summary>
public readonly record struct Interval(double Lo, double Hi)
{
    public bool IsScalar => Lo == Hi;
    public bool Overlaps(double lo, double hi) => lo <= Hi && hi >= Lo;
}

/// <summary>
/// A SODA 1.0 sync request, parsed and checked: ID, BAND (m), POS/CIRCLE/POLYGON (ICRS deg), TIME (MJD), POL and
/// RESPONSEFORMAT. Names are case-insensitive; empty values count as absent (Aladin's form sends them).
/// </summary>
public sealed record SodaRequest
{
    public required string Id { get; init; }
    public Interval? Band { get; init; }
    public Interval? Time { get; init; }
    /// <summary>Every spatial constraint given (POS, CIRCLE, POLYGON): the dataset must overlap all of them.</summary>
    public IReadOnlyList<SkyRegion> Regions { get; init; } = [];
    public IReadOnlyList<string> Pol { get; init; } = [];
    public SpectrumFormat Format { get; init; }

    /// <summary>Polarisation states SODA knows (the ObsCore pol_states vocabulary).</summary>
    public static readonly string[] PolStates = ["I", "Q", "U", "V", "RR", "LL", "RL", "LR", "XX", "YY", "XY", "YX", "POLI", "POLA"];

    public static SodaRequest Parse(DaliParameters p)
    {
        var ids = Values(p, "ID").Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) throw new UserInputException("missing ID parameter (the publisher DID of a spectrum)");
        if (ids.Count > 1) throw new MultiValuedParamException("this synchronous service cuts one dataset per request; send one ID");

        var regions = new List<SkyRegion>();
        if (Single(p, "POS") is { } pos) regions.Add(SkyRegion.ParsePos(pos));
        if (Single(p, "CIRCLE") is { } circle) regions.Add(SkyRegion.ParseCircle(Numbers("CIRCLE", circle)));
        if (Single(p, "POLYGON") is { } polygon) regions.Add(SkyRegion.ParsePolygon(Numbers("POLYGON", polygon)));

        var pol = Values(p, "POL").SelectMany(v => v.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToList();
        foreach (var s in pol)
            if (!PolStates.Contains(s, StringComparer.OrdinalIgnoreCase))
                throw new UserInputException($"POL: unknown polarisation state '{s}' (one of {string.Join(" ", PolStates)})");

        return new SodaRequest
        {
            Id = ids[0],
            Band = Single(p, "BAND") is { } band ? ParseInterval("BAND", band, positive: true) : null,
            Time = Single(p, "TIME") is { } time ? ParseInterval("TIME", time, positive: false) : null,
            Regions = regions,
            Pol = pol,
            Format = SpectrumNegotiation.Dali.Parse(Single(p, "RESPONSEFORMAT")),
        };
    }

    private static IEnumerable<string> Values(DaliParameters p, string name) => p.GetAll(name).Where(v => !string.IsNullOrWhiteSpace(v));

    private static string? Single(DaliParameters p, string name)
    {
        var values = Values(p, name).Distinct(StringComparer.Ordinal).ToList();
        if (values.Count > 1) throw new MultiValuedParamException($"{name} may be given only once in a synchronous request");
        return values.Count == 0 ? null : values[0];
    }

    /// <summary>"lo hi" (one number = a scalar); ±Inf open ends; lo ≤ hi.</summary>
    public static Interval ParseInterval(string name, string text, bool positive)
    {
        var n = Numbers(name, text);
        if (n.Length is not (1 or 2)) throw new UserInputException($"{name} must be an interval 'lo hi' (two numbers, -Inf/+Inf for open ends), not '{text}'");
        double lo = n[0], hi = n.Length == 2 ? n[1] : n[0];
        if (lo > hi) throw new UserInputException($"{name}: lower bound {n[0]} is above upper bound {n[^1]}");
        if (n.Length == 1 && double.IsInfinity(lo)) throw new UserInputException($"{name}: a single value must be finite");
        if (positive && hi <= 0) throw new UserInputException($"{name}: wavelengths are positive (metres), not '{text}'");
        return new Interval(lo, hi);
    }

    /// <summary>Whitespace-separated numbers: Inf, +Inf, -Inf, Infinity (any case) allowed; NaN and junk rejected.</summary>
    public static double[] Numbers(string name, string text)
    {
        var tokens = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var result = new double[tokens.Length];
        for (int i = 0; i < tokens.Length; i++) result[i] = Number(name, tokens[i]);
        return result;
    }

    public static double Number(string name, string token)
    {
        bool negative = token.StartsWith('-');
        var magnitude = token.StartsWith('-') || token.StartsWith('+') ? token[1..] : token;
        if (magnitude.Equals("inf", StringComparison.OrdinalIgnoreCase) || magnitude.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        // Finite only: NaN is refused, and so is a literal too large for a double.
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
        throw new UserInputException($"{name}: '{token}' is not a number");
    }
}
