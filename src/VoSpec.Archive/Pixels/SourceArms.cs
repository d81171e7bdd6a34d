using System.Collections.Concurrent;
using VoSpec.Archive.Queries;
using VoSpec.Core.Faults;
using VoSpec.Core.Spectra;
using VoSpec.Fits;
using VoSpec.Fits.Desi;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// A DESI spectrum's arms, read from the file it was ingested from (copied or in place): DataLink lists each arm and
/// serves it as the file has it. Each source file is indexed (<see cref="DesiArmSource"/>: its target fibres and arm
/// layouts, no file kept open) once per version of it — its length and modification time
/// (<see cref="SpectrumLocation.StampOf"/>) — and up to <see cref="MaxFiles"/> files are remembered. A file that is gone,
/// no longer holds the spectrum, or (in place) differs from ingest's stamp has no arms: {links} lists none and
/// <see cref="Write"/> is a <see cref="NotFoundException"/> naming the file. A copied ingest recorded no stamp, so before
/// an arm is served the fibre is merged again from the file and compared bit for bit with the archive's merged spectrum:
/// a file rewritten with other values for that fibre is refused rather than served as the spectrum's arms. Thread-safe.
/// </summary>
public sealed class SourceArms
{
    /// <summary>Source files whose index is kept (a DESI file's is ~50 KB for 500 fibres); beyond, one is dropped at random.</summary>
    public const int MaxFiles = 512;

    private readonly ConcurrentDictionary<string, Lazy<Indexed>> _indexed = new();

    private sealed record Indexed(DesiArmSource? Source, long Stamp);

    /// <summary>The arms of <paramref name="d"/> when its source file is there (cheap checks only: what {links} lists); null otherwise.</summary>
    public SpectrumArms? Describe(Dataset d)
    {
        if (d.Instrument != DesiConventions.Instrument || d.SourcePath is not { } path) return null;
        var file = new FileInfo(path);
        if (!file.Exists) return null;
        long stamp = SpectrumLocation.StampOf(file);
        if (d.Location.InSource && stamp != d.Location.SourceStamp) return null;
        if (Index(path, stamp) is not { } source) return null;
        return source.Find(d.ObsId) is { } fibre ? new SpectrumArms(source, fibre) : null;
    }

    /// <summary>
    /// Writes arm <paramref name="armName"/> of <paramref name="d"/> as FITS (<see cref="DesiArmFits"/>) after checking that
    /// its source file still holds the spectrum the archive has (<paramref name="stored"/> reads the archive's merged
    /// arrays); a <see cref="NotFoundException"/> naming the file otherwise. Returns the arm written.
    /// </summary>
    public DesiArmLayout Write(Dataset d, string armName, Stream output, Func<SpectrumArrays> stored)
    {
        if (d.Instrument != DesiConventions.Instrument)
            throw new NotFoundException($"spectrum {d.Location.SpecObjId} of {d.Location.Collection} is not a DESI spectrum: it has no arms");
        if (d.SourcePath is not { } path) throw Unavailable(d, "is not recorded");
        var file = new FileInfo(path);
        if (!file.Exists) throw Unavailable(d, "is no longer where it was ingested from");
        long stamp = SpectrumLocation.StampOf(file);
        if (d.Location.InSource && stamp != d.Location.SourceStamp)
            throw Unavailable(d, "has changed since ingest (its length or modification time differ)");
        var source = Index(path, stamp) ?? throw Unavailable(d, "cannot be read as a DESI file");
        var fibre = source.Find(d.ObsId) ?? throw Unavailable(d, $"no longer holds its fibre");
        var arm = source.Arm(armName)
            ?? throw new NotFoundException($"spectrum {d.Location.SpecObjId} of {d.Location.Collection} has no {armName} arm in {source.FileName}");
        try
        {
            using var reader = source.OpenReader();
            if (!reader.Holds(fibre)) throw Unavailable(d, "no longer holds its fibre");
            if (!d.Location.InSource && !SameValues(reader.Merge(fibre), stored()))
                throw Unavailable(d, "has changed since ingest (the fibre's values differ from the archive's spectrum)");
            DesiArmFits.Write(output, source.FileName, source.GroupCards, fibre, arm, d.Did, reader.ReadArm(fibre, arm));
            return arm;
        }
        catch (Exception e) when (e is FitsFormatException or IOException or UnauthorizedAccessException
            or InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            throw Unavailable(d, "cannot be read as it was indexed");
        }
    }

    /// <summary>
    /// The file's index as it is now (stamp <paramref name="stamp"/>), read once per version; null when it is not a
    /// readable DESI file (remembered for that version too, so {links} does not try again on every request).
    /// </summary>
    private DesiArmSource? Index(string path, long stamp)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (_indexed.Count >= MaxFiles && !_indexed.ContainsKey(path))
                foreach (var key in _indexed.Keys.Take(_indexed.Count - MaxFiles + 1)) _indexed.TryRemove(key, out _);
            var entry = _indexed.GetOrAdd(path, p => new Lazy<Indexed>(() => Read(p, stamp)));
            var indexed = entry.Value;
            if (indexed.Stamp == stamp) return indexed.Source;
            // Indexed for another version of the file: drop it and read this one.
            _indexed.TryRemove(new(path, entry));
        }
        // The file keeps changing under us: read it once, unkept.
        return Read(path, stamp).Source;
    }

    private static Indexed Read(string path, long stamp)
    {
        try { return new Indexed(DesiArmSource.Open(path), stamp); }
        catch (Exception e) when (e is FitsFormatException or IOException or UnauthorizedAccessException) { return new Indexed(null, stamp); }
    }

    /// <summary>Flux, ivar and both masks equal bit for bit (NaNs included).</summary>
    private static bool SameValues(SpectrumArrays a, SpectrumArrays b) =>
        a.Count == b.Count
        && Same<float, int>(a.Flux, b.Flux)
        && Same<float, int>(a.Ivar, b.Ivar)
        && Same<int, int>(a.OrMask, b.OrMask)
        && Same<int, int>(a.AndMask, b.AndMask);

    private static bool Same<T, TBits>(T[]? a, T[]? b) where T : unmanaged where TBits : unmanaged, IEquatable<TBits>
    {
        if (a is null || b is null) return a is null && b is null;
        return System.Runtime.InteropServices.MemoryMarshal.Cast<T, TBits>(a).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<T, TBits>(b));
    }

    /// <summary>The error for one spectrum: it names the file (not its directory, which is the server's business).</summary>
    private static NotFoundException Unavailable(Dataset d, string why) => new(
        $"spectrum {d.Location.SpecObjId} of {d.Location.Collection} was ingested from " +
        $"{(d.SourcePath is { } p ? Path.GetFileName(p) : "a file")}, which {why}: its arms cannot be served");
}

/// <summary>One DESI spectrum's arms as {links} lists them: the source file's index and the fibre in it.</summary>
public sealed record SpectrumArms(DesiArmSource Source, DesiArmFibre Fibre)
{
    public IReadOnlyList<DesiArmLayout> Arms => Source.Arms;

    /// <summary>Exact bytes of the FITS file of <paramref name="arm"/> (<see cref="DesiArmFits.Length"/>).</summary>
    public long Length(DesiArmLayout arm, string? did) => Source.Length(Fibre, arm, did);
}
