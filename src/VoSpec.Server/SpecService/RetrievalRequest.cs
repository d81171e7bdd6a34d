using System.Globalization;
using VoSpec.Core.Faults;
using VoSpec.Core.Spectra;

using VoSpec.Server.Formats;

namespace VoSpec.Server.SpecService;

/// <summary>
/// getSpec/listSpan parameters: id_list, values, align, cutout, w0/w1, format, context, profile.
/// A cutout (Å, "start-end") implies align; w0/w1 (from listSpan) widen the aligned grid to that span so that
/// successive pages of one list, or one-id requests for the ids of one list, share a grid. With dloglam (a log10 step),
/// resolving_power (R = λ/Δλ, one pixel per element) or dlambda (a step in Å: a linear grid) beside w0 and w1, the
/// caller names the grid itself: every spectrum, of whatever survey, is resampled onto it (flux-conserving) and the
/// answer is the same whatever the ids. <see cref="Span"/> is the one parser of these for getSpec, plotGrid and stackedImage.
/// </summary>
public sealed record RetrievalRequest
{
    public required IReadOnlyList<SpecId> Ids { get; init; }
    public required SpecContext Context { get; init; }
    /// <summary>The vectors to serve, COADD order; loglam is always among them.</summary>
    public IReadOnlyList<SpecVector> Values { get; init; } = SpecVectors.All;
    public bool Align { get; init; }
    /// <summary>align=True was sent (not only implied by a cutout).</summary>
    public bool AlignAsked { get; init; }
    public WavelengthInterval? Cutout { get; init; }
    public double? W0 { get; init; }
    public double? W1 { get; init; }
    public SpectrumFormat Format { get; init; }
    /// <summary>The grid the caller named (w0, w1 and dloglam, resolving_power or dlambda); null: the common grid of the spectra.</summary>
    public WavelengthGrid? Grid { get; init; }

    public static RetrievalRequest Parse(SpecParameters p, SpecContext context, SpecServiceLimits limits, bool idsOnly = false)
    {
        SpecContexts.CheckProfile(p.Get("profile"));
        var ids = SpecId.ParseList(p.GetAll(SpecParameters.IdListName), limits.MaxIds);
        if (ids.Count == 0) throw new UserInputException("id_list is empty: give at least one specobjid or (plate, mjd, fiberid)");
        if (idsOnly) return new RetrievalRequest { Ids = ids, Context = context };
        var cutout = p.Get("cutout") is { } c ? ParseCutout(c) : (WavelengthInterval?)null;
        var (w0, w1, grid) = Span(p, cutout, limits.MaxAlignedLength);
        return new RetrievalRequest
        {
            Grid = grid,
            Ids = ids,
            Context = context,
            Values = ParseValues(p.Get("values")),
            // A span from listSpan places even an unaligned spectrum on that span's grid: Data Lab's client sends it
            // with each of its one-id requests and stacks the answers, which only works when they share a length.
            Align = p.GetBool("align", false) || cutout is not null || (w0 is not null && w1 is not null),
            AlignAsked = p.GetBool("align", false),
            Cutout = cutout,
            W0 = w0,
            W1 = w1,
            Format = SpectrumNegotiation.SpecService.Parse(p.Get("format")),
        };
    }

    /// <summary>
    /// w0 and w1 (Å; 0 or absent: not given) and the grid dloglam, resolving_power or dlambda names over them (null when
    /// none is given). getSpec, plotGrid and stackedImage take the same span and named grid.
    /// </summary>
    internal static (double? W0, double? W1, WavelengthGrid? Grid) Span(SpecParameters p, WavelengthInterval? cutout, int maxLength)
    {
        double? w0 = Wavelength(p.Get("w0"), "w0"), w1 = Wavelength(p.Get("w1"), "w1");
        if (w0 is { } a && w1 is { } b && a > b) throw new UserInputException($"w0 ({a}) is greater than w1 ({b})");
        return (w0, w1, NamedGrid(p, w0, w1, cutout, maxLength));
    }

    /// <summary>The parameters that name a grid's step over w0-w1: a caller gives one of them.</summary>
    public static readonly string[] GridSteps = ["dloglam", "resolving_power", "dlambda"];

    /// <summary>The grid dloglam, resolving_power or dlambda names over w0-w1; null when none is given.</summary>
    private static WavelengthGrid? NamedGrid(SpecParameters p, double? w0, double? w1, WavelengthInterval? cutout, int maxLength)
    {
        var given = GridSteps.Where(name => p.Get(name) is not null).ToArray();
        if (given.Length == 0) return null;
        if (given.Length > 1) throw new UserInputException($"give one of dloglam, resolving_power or dlambda, not {string.Join(" and ", given)}");
        if (w0 is not { } lo || w1 is not { } hi) throw new UserInputException($"a named grid ({given[0]}) needs w0 and w1 in Angstrom");
        if (cutout is not null) throw new UserInputException("give a cutout or a named grid (w0, w1 and dloglam, resolving_power or dlambda), not both");
        string text = p.Get(given[0])!;
        double step = TryNumber(text, out var v) ? v : throw new UserInputException($"{given[0]} must be a number, not '{text}'");
        return given[0] switch
        {
            "dloglam" => Engine.AlignmentPlan.NamedGrid(lo, hi, step, maxLength),
            "resolving_power" => Engine.AlignmentPlan.NamedGrid(lo, hi, Engine.AlignmentPlan.Log10StepOfResolvingPower(step), maxLength),
            _ => Engine.AlignmentPlan.NamedLinearGrid(lo, hi, step, maxLength),
        };
    }

    /// <summary>"all" or a comma list of vector names; loglam is added when missing (without it nothing can be plotted).</summary>
    public static IReadOnlyList<SpecVector> ParseValues(string? text)
    {
        if (text is null || text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return SpecVectors.All;
        var set = new HashSet<SpecVector> { SpecVector.Loglam };
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name.Equals("all", StringComparison.OrdinalIgnoreCase)) return SpecVectors.All;
            set.Add(SpecVectors.Parse(name) ?? throw new UserInputException(
                $"values: unknown vector '{name}' (use all or a comma list of {string.Join(", ", SpecVectors.All.Select(SpecVectors.Name))})"));
        }
        return SpecVectors.All.Where(set.Contains).ToList();
    }

    /// <summary>"start-end" in Å, start &lt; end, both positive; spaces allowed.</summary>
    public static WavelengthInterval ParseCutout(string text)
    {
        var t = text.Trim();
        int dash = t.IndexOf('-', 1); // a leading '-' would be a sign: refused below as non-positive
        if (t.StartsWith('-') || dash < 0 || !TryNumber(t[..dash], out var lo) || !TryNumber(t[(dash + 1)..], out var hi))
            throw new UserInputException($"cutout must be '<start>-<end>' in Angstrom, e.g. 6500-7200, not '{text}'");
        if (!(lo > 0)) throw new UserInputException($"cutout start must be a positive wavelength in Angstrom, not '{t[..dash].Trim()}'");
        if (lo >= hi) throw new UserInputException($"cutout '{text}' is reversed or empty: start must be less than end");
        return new WavelengthInterval(lo, hi);
    }

    // 0 is "not given": Data Lab's client sends w0=0.0, w1=0.0 until listSpan has told it the span.
    private static double? Wavelength(string? text, string name)
    {
        if (text is null || (TryNumber(text, out var zero) && zero == 0)) return null;
        if (!TryNumber(text, out var v) || !(v > 0)) throw new UserInputException($"{name} must be a positive wavelength in Angstrom, not '{text}'");
        return v;
    }

    private static bool TryNumber(string s, out double v) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);
}
