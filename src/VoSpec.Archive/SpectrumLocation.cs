using VoSpec.Archive.Sqlite;
namespace VoSpec.Archive;

/// <summary>
/// Where one spectrum lives: its archive key, its ids, and its record in the pixel store — or, for a spectrum ingested
/// in place (<c>vospec ingest --in-place</c>), its row in its source file: spectrum_store's px_length is then negative,
/// −(FIBERMAP row + 1), and px_offset holds the source file's <see cref="StampOf">stamp</see> at ingest, so that both
/// catalogue backends keep it in the columns they have; <see cref="SourcePath"/> is spectrum_store's source_path.
/// </summary>
public readonly record struct SpectrumLocation(long SpecId, string Collection, long SpecObjId, long Offset, long Length, int NPix, string? SourcePath = null)
{
    /// <summary>Served from its source file rather than the pixel store.</summary>
    public bool InSource => Length < 0;

    /// <summary>The FIBERMAP row of a spectrum served from its source file.</summary>
    public int SourceRow => InSource ? checked((int)(-Length - 1)) : throw new InvalidOperationException("not a spectrum served from its source file");

    /// <summary>The source file's stamp recorded at ingest (<see cref="StampOf"/>).</summary>
    public long SourceStamp => Offset;

    /// <summary>The (px_offset, px_length) pair that records FIBERMAP row <paramref name="row"/> of a source file of stamp <paramref name="stamp"/>.</summary>
    public static (long Offset, long Length) SourceRecord(int row, long stamp) => (stamp, -(long)row - 1);

    /// <summary>
    /// A file's length and last write time (UTC, 100 ns) folded into one number: a source file that is replaced,
    /// rewritten or truncated after ingest has another stamp, and its spectra are refused rather than served wrong.
    /// </summary>
    /// <summary>
    /// A location from a row whose first seven columns are spectrum_store's spec_id, collection, specobjid, px_offset,
    /// px_length, npix and source_path (both backends' lookups select them so).
    /// </summary>
    internal static SpectrumLocation Read(System.Data.Common.DbDataReader r)
    {
        long length = r.GetInt64(4);
        return new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), length, r.GetInt32(5),
            length < 0 && !r.IsDBNull(6) ? r.GetString(6) : null);
    }

    public static long StampOf(FileInfo file) => unchecked(file.LastWriteTimeUtc.Ticks ^ (file.Length * -7046029254386353131L));
}

/// <summary>One collection (a spec-service context) and what it holds.</summary>
/// <summary>
/// A collection's coverage for registry records and /coverage: its sky (the HEALPix cells its apertures touch), MJD and
/// wavelength (Å) ranges, and when an ingest last changed it.
/// </summary>
public sealed record CollectionCoverage(string Name, long Spectra, VoSpec.Core.Sky.Moc Sky, double? TMin, double? TMax,
    double? WaveMin, double? WaveMax, DateTimeOffset Updated);

public sealed record CollectionInfo(string Name, string Title, string DataRights, long Count, double? WaveMin, double? WaveMax, double? ZMin, double? ZMax);
