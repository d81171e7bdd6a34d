// Why this file exists: the per-spectrum answer of an AlignmentPlan — where a spectrum's pixels land on the
// common grid — exposed so writers and tests can reason about it without re-deriving it.
namespace VoSpec.Engine;

/// <summary>How one spectrum is put on the common grid.</summary>
public enum PlacementKind
{
    /// <summary>The spectrum has no pixel on the common grid (empty, or outside the cutout): its row is all zeros.</summary>
    None,
    /// <summary>Whole-pixel shift: source pixels <see cref="AlignmentPlacement.Source"/> are copied unchanged to <see cref="AlignmentPlacement.DestinationStart"/>.</summary>
    Copy,
    /// <summary>Flux-conserving resampling of the source pixels onto the destination pixels.</summary>
    Resample,
}

/// <summary>
/// Where spectrum pixels <see cref="Source"/> land on the common grid: destination pixels
/// [<see cref="DestinationStart"/>, <see cref="DestinationStart"/> + <see cref="DestinationCount"/>); every other
/// destination pixel is 0. For <see cref="PlacementKind.Copy"/> both counts are equal and source pixel j lands on
/// destination pixel j + <see cref="Offset"/>.
/// </summary>
public readonly record struct AlignmentPlacement(PlacementKind Kind, PixelRange Source, int DestinationStart, int DestinationCount)
{
    /// <summary>The common-grid index of the spectrum's pixel 0 (Copy placements; may be negative after a cutout).</summary>
    public int Offset => DestinationStart - Source.Start;
    public int DestinationEnd => DestinationStart + DestinationCount;
}
