namespace VoSpec.Adql.Translator;

/// <summary>
/// A table whose positions are in the archive's R*Tree spatial_idx (keyed by <see cref="KeyColumn"/>).
/// <see cref="RegionColumn"/> is an STC-S circle around the position whose radius is at most
/// max(<see cref="RegionDiameterColumn"/>)/2 — enough to use the index for INTERSECTS on it.
/// </summary>
public sealed record SpatialIndexTable(string Table, string RaColumn, string DecColumn, string KeyColumn = "spec_id",
    string? RegionColumn = null, string? RegionDiameterColumn = null)
{
    public const string IndexTable = "spatial_idx";

    public static IReadOnlyList<SpatialIndexTable> Archive { get; } =
    [
        new("ivoa.obscore", "s_ra", "s_dec", "spec_id", "s_region", "s_fov"),
        new("spec.specobj", "ra", "dec", "spec_id"),
    ];
}
