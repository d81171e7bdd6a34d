using System.IO.MemoryMappedFiles;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// Reads records from one collection's pixel store file through a memory map. The file only grows
/// (ingest appends), so when a record lies past the mapped end the file is mapped again; earlier
/// maps stay alive until the reader is disposed, so spans handed out never dangle.
/// </summary>
public sealed unsafe class PixelStoreReader : IDisposable
{
    private readonly string _path;
    private readonly object _gate = new();
    private readonly List<Mapping> _retired = [];
    private Mapping? _current;
    private bool _disposed;

    public PixelStoreReader(string path) => _path = path;

    public PixelData Read(long offset, long length)
    {
        var map = _current;
        if (map is null || offset + length > map.Length) map = Remap(offset + length);
        return new PixelData(map.Pointer + offset, length);
    }

    /// <summary>
    /// Maps the first <paramref name="length"/> bytes (committed records) now and faults their pages
    /// in, <paramref name="chunkBytes"/> at a time, so that it can stop between chunks when cancelled or
    /// when the reader is disposed. Returns the bytes warmed.
    /// </summary>
    public long Prefault(long length, long chunkBytes, CancellationToken cancel)
    {
        if (length <= 0) return 0;
        var map = _current;
        if (map is null || length > map.Length) map = Remap(length);
        long done = 0;
        while (done < length && !cancel.IsCancellationRequested)
        {
            long n = Math.Min(chunkBytes, length - done);
            // Under the gate: Dispose waits for the chunk in hand rather than unmapping under it.
            lock (_gate)
            {
                if (_disposed) break;
                PageWarmer.Warm(map.Pointer + done, n);
            }
            done += n;
        }
        return done;
    }

    private Mapping Remap(long needed)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is not null && needed <= _current.Length) return _current;
            long fileLength = new FileInfo(_path).Length;
            if (needed > fileLength)
                throw new InvalidDataException($"pixel store {Path.GetFileName(_path)} is shorter ({fileLength} bytes) than the catalogue says ({needed})");
            var next = new Mapping(_path, fileLength);
            if (_current is not null) _retired.Add(_current);
            _current = next;
            return next;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _current?.Dispose();
            foreach (var m in _retired) m.Dispose();
            _retired.Clear();
        }
    }

    private sealed class Mapping : IDisposable
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;

        public Mapping(string path, long length)
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _file = MemoryMappedFile.CreateFromFile(fs, null, length, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            Pointer = p + _view.PointerOffset;
            Length = length;
        }

        public byte* Pointer { get; }
        public long Length { get; }

        public void Dispose()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }
}
