using VoSpec.Archive.Sqlite;
namespace VoSpec.Archive;

/// <summary>Where one spectrum lives: its archive key, its ids, and its record in the pixel store.</summary>
public readonly record struct SpectrumLocation(long SpecId, string Collection, long SpecObjId, long Offset, long Length, int NPix);

/// <summary>One collection (a spec-service context) and what it holds.</summary>
/// <summary>
/// A collection's coverage for registry records and /coverage: its sky (the HEALPix cells its apertures touch), MJD and
/// wavelength (Å) ranges, and when an ingest last changed it.
/// </summary>
public sealed record CollectionCoverage(string Name, long Spectra, VoSpec.Core.Sky.Moc Sky, double? TMin, double? TMax,
    double? WaveMin, double? WaveMax, DateTimeOffset Updated);

public sealed record CollectionInfo(string Name, string Title, string DataRights, long Count, double? WaveMin, double? WaveMax, double? ZMin, double? ZMax);
