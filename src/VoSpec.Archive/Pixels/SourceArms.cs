using System.Collections.Concurrent;
using VoSpec.Archive.Queries;
using VoSpec.Core.Faults;
using VoSpec.Core.Spectra;
using VoSpec.Fits;
using VoSpec.Fits.Desi;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// A DESI spectrum's arms, read from the file it was ingested from (copied or in place): DataLink lists each arm and
/// serves it as the file has it. Each source file is opened (memory-mapped, its FIBERMAP indexed) once per version of
/// it — its length and modification time (<see cref="SpectrumLocation.StampOf"/>) — and kept. A file that is gone, no
/// longer holds the spectrum, or (in place) differs from ingest's stamp has no arms: {links} lists none and
/// <see cref="Open"/> is a <see cref="NotFoundException"/>. A copied ingest recorded no stamp, so before arms are served
/// the fibre is merged again from the file and compared bit for bit with the archive's merged spectrum: a file
/// rewritten with other values for that fibre is refused rather than served as the spectrum's arms. Thread-safe.
/// </summary>
public sealed class SourceArms : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Opened>> _open = new();
    private readonly ConcurrentBag<DesiArmSource> _retired = [];

    private sealed record Opened(DesiArmSource? Source, long Stamp);

    /// <summary>The arms of <paramref name="d"/> when its source file is there (cheap checks only: what {links} lists); null otherwise.</summary>
    public SpectrumArms? Describe(Dataset d)
    {
        if (d.Instrument != DesiConventions.Instrument || d.SourcePath is not { } path) return null;
        var file = new FileInfo(path);
        if (!file.Exists) return null;
        long stamp = SpectrumLocation.StampOf(file);
        if (d.Location.InSource && stamp != d.Location.SourceStamp) return null;
        if (OpenFile(path, stamp) is not { } source) return null;
        return source.Find(d.ObsId) is { } fibre ? new SpectrumArms(source, fibre) : null;
    }

    /// <summary>
    /// The arms of <paramref name="d"/> to serve, after checking that its source file still holds the spectrum the archive
    /// has (<paramref name="stored"/> reads the archive's merged arrays); a <see cref="NotFoundException"/> naming the file otherwise.
    /// </summary>
    public SpectrumArms Open(Dataset d, Func<SpectrumArrays> stored)
    {
        if (d.Instrument != DesiConventions.Instrument)
            throw new NotFoundException($"spectrum {d.Location.SpecObjId} of {d.Location.Collection} is not a DESI spectrum: it has no arms");
        if (d.SourcePath is not { } path) throw Unavailable(d, "is not recorded");
        var file = new FileInfo(path);
        if (!file.Exists) throw Unavailable(d, "is no longer where it was ingested from");
        long stamp = SpectrumLocation.StampOf(file);
        if (d.Location.InSource && stamp != d.Location.SourceStamp)
            throw Unavailable(d, "has changed since ingest (its length or modification time differ)");
        var source = OpenFile(path, stamp) ?? throw Unavailable(d, "cannot be read as a DESI file");
        var fibre = source.Find(d.ObsId) ?? throw Unavailable(d, $"holds no fibre {d.ObsId}");
        if (!d.Location.InSource)
        {
            SpectrumArrays merged;
            try { merged = source.Merge(fibre); }
            catch (FitsFormatException) { throw Unavailable(d, "cannot be read as a DESI file"); }
            if (!SameValues(merged, stored())) throw Unavailable(d, "has changed since ingest (the fibre's values differ from the archive's spectrum)");
        }
        return new SpectrumArms(source, fibre);
    }

    /// <summary>
    /// The file as it is now (stamp <paramref name="stamp"/>), opened once per version; null when it is not a readable
    /// DESI file (remembered for that version too, so {links} does not try again on every request).
    /// </summary>
    private DesiArmSource? OpenFile(string path, long stamp)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var entry = _open.GetOrAdd(path, p => new Lazy<Opened>(() => TryOpen(p, stamp)));
            var opened = entry.Value;
            if (opened.Stamp == stamp) return opened.Source;
            // Opened for another version of the file: drop it (kept until disposal, as a request may still read it) and open this one.
            if (_open.TryRemove(new(path, entry)) && opened.Source is { } old) _retired.Add(old);
        }
        // The file keeps changing under us: read it once, uncached.
        var once = TryOpen(path, stamp).Source;
        if (once is not null) _retired.Add(once);
        return once;
    }

    private static Opened TryOpen(string path, long stamp)
    {
        try { return new Opened(DesiArmSource.Open(path), stamp); }
        catch (Exception e) when (e is FitsFormatException or IOException or UnauthorizedAccessException) { return new Opened(null, stamp); }
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

    public void Dispose()
    {
        foreach (var entry in _open.Values)
            if (entry.IsValueCreated) entry.Value.Source?.Dispose();
        _open.Clear();
        foreach (var source in _retired) source.Dispose();
    }
}

/// <summary>One DESI spectrum's arms: the opened source file and the fibre in it.</summary>
public sealed record SpectrumArms(DesiArmSource Source, DesiArmFibre Fibre)
{
    public IReadOnlyList<DesiArmLayout> Arms => Source.Arms;

    /// <summary>Exact bytes of the FITS file of <paramref name="arm"/> (<see cref="DesiArmFits.Length"/>).</summary>
    public long Length(DesiArmLayout arm, string? did) => DesiArmFits.Length(Source.FileName, Source.GroupCards, Fibre, arm, did);

    /// <summary>Writes the FITS file of <paramref name="arm"/>: the fibre's values as the source file has them.</summary>
    public void Write(Stream output, DesiArmLayout arm, string? did) =>
        DesiArmFits.Write(output, Source.FileName, Source.GroupCards, Fibre, arm, did, Source.ReadArm(Fibre, arm));
}
