using System.Data.Common;

namespace VoSpec.Archive.Queries;

/// <summary>
/// An SSA search: every constraint optional, ranges overlap, the cone exact (the spatial index, then the great-circle
/// distance). Collections in <see cref="Hidden"/> are left out whatever the other constraints say.
/// </summary>
public sealed record SpectrumSearch
{
    /// <summary>False when the requested FORMAT is not served: the answer then has the columns and no row.</summary>
    public bool FormatServed { get; init; } = true;
    public (double Ra, double Dec)? Position { get; init; }
    public double RadiusDeg { get; init; }
    /// <summary>Spectral ranges in metres; a spectrum overlapping any of them matches.</summary>
    public IReadOnlyList<(double Lo, double Hi)> Bands { get; init; } = [];
    /// <summary>Time ranges as MJD; an observation overlapping any of them matches.</summary>
    public IReadOnlyList<(double Lo, double Hi)> Times { get; init; } = [];
    public (double Lo, double Hi)? Redshift { get; init; }
    /// <summary>A target name (case-insensitive) or an obs_id.</summary>
    public string? TargetName { get; init; }
    public IReadOnlyList<string> TargetClasses { get; init; } = [];
    /// <summary>A collection name prefix (case-insensitive).</summary>
    public string? Collection { get; init; }
    public string? PubDid { get; init; }
    public double? MinSnr { get; init; }
    public IReadOnlyList<string> Hidden { get; init; } = [];
}

/// <summary>Searches by position, wavelength, time and the other SSA constraints.</summary>
public interface ISpectrumSearch
{
    /// <summary>
    /// The rows of the ssa.spectra table (schemas/ssa.spectra.json, in its column order) that match, ordered by spectrum;
    /// a forward-only reader the caller disposes (which closes what the search opened).
    /// </summary>
    DbDataReader Search(SpectrumSearch search);
}
