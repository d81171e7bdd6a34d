using System.Collections.Concurrent;
using VoSpec.Core.Faults;
using VoSpec.Fits;
using VoSpec.Fits.Desi;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// Serves spectra ingested in place (<c>vospec ingest --in-place</c>) from their source files, as DaCHS serves its
/// products from where they lie: each file is opened (memory-mapped) once and kept, and a fibre's merged spectrum is
/// made when asked for (<see cref="DesiFibreSource.Merge"/>), into a record of the pixel store's layout, so every
/// consumer reads it as it reads a copied one. Before each read the file's length and modification time are compared
/// with those recorded at ingest (<see cref="SpectrumLocation.StampOf"/>): a file removed, rewritten or truncated since
/// is a <see cref="NotFoundException"/> for that spectrum, which each protocol answers in its own error form (404; the
/// /spec service its one-line 400), and no byte of a changed file is read. A file kept open and then rewritten in
/// place while a read runs is not guarded against (docs/publishing.md: replace files by rename). Thread-safe.
/// </summary>
public sealed class SourceFiles : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Opened>> _open = new();
    private readonly ConcurrentBag<Opened> _retired = [];

    private sealed record Opened(DesiFibreSource Source, long Stamp);

    /// <summary>The merged spectrum of an in-place <paramref name="location"/> as a pixel record.</summary>
    public PixelData Read(SpectrumLocation location)
    {
        var arrays = Open(location).Merge(location.SourceRow);
        var record = GC.AllocateUninitializedArray<byte>(checked((int)PixelRecordLayout.RecordLength(arrays.Count, PixelRecordLayout.FlagsOf(arrays), arrays.Grid is not VoSpec.Core.Spectra.LogLinearGrid)));
        PixelRecordLayout.Write(arrays, location.SpecId, record);
        return new PixelData(record);
    }

    /// <summary>Throws the <see cref="NotFoundException"/> a read would for every in-place location whose file is gone or changed.</summary>
    public static void Check(IEnumerable<SpectrumLocation> locations)
    {
        HashSet<(string?, long)>? seen = null;
        foreach (var location in locations)
            if (location.InSource && (seen ??= []).Add((location.SourcePath, location.SourceStamp))) Verify(location);
    }

    private DesiFibreSource Open(SpectrumLocation location)
    {
        string path = Verify(location);
        var entry = _open.GetOrAdd(path, p => new Lazy<Opened>(() => new Opened(DesiFibreSource.Open(p), location.SourceStamp)));
        Opened opened;
        try { opened = entry.Value; }
        catch (Exception e) when (e is FitsFormatException or IOException or UnauthorizedAccessException)
        {
            _open.TryRemove(new(path, entry));
            throw Unavailable(location, "cannot be read as it was at ingest");
        }
        if (opened.Stamp != location.SourceStamp)
        {
            // Opened for a version of the file recorded by another ingest, or before it was replaced: drop it (kept until
            // disposal, as a request may still read it) and open the file as it is now, which matched this stamp above.
            if (_open.TryRemove(new(path, entry))) _retired.Add(opened);
            return Open(location);
        }
        return opened.Source;
    }

    /// <summary>The source file's path, when it is there and unchanged since ingest; else the spectrum's error.</summary>
    private static string Verify(SpectrumLocation location)
    {
        if (location.SourcePath is not { } path) throw Unavailable(location, "is not recorded");
        var file = new FileInfo(path);
        if (!file.Exists) throw Unavailable(location, "is no longer where it was ingested from");
        if (SpectrumLocation.StampOf(file) != location.SourceStamp) throw Unavailable(location, "has changed since ingest (its length or modification time differ)");
        return path;
    }

    /// <summary>The error for one spectrum: it names the file (not its directory, which is the server's business).</summary>
    private static NotFoundException Unavailable(SpectrumLocation location, string why) => new(
        $"spectrum {location.SpecObjId} of {location.Collection} is served from its source file " +
        $"{(location.SourcePath is { } p ? Path.GetFileName(p) : "")}, which {why}: its data cannot be served until the file is restored or re-ingested");

    public void Dispose()
    {
        foreach (var entry in _open.Values)
            if (entry.IsValueCreated) entry.Value.Source.Dispose();
        _open.Clear();
        foreach (var opened in _retired) opened.Source.Dispose();
    }
}
