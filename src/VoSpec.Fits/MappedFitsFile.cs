using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace VoSpec.Fits;

/// <summary>
/// A FITS file parsed from a read-only memory map rather than read whole: only the pages of the HDUs a reader
/// touches are ever read from disk or page cache. A 500-fibre DESI coadd is 223 MB, 11 of every 14 bytes its
/// resolution matrices, which ingest never needs; reading it whole cost more than all the parsing (issue 15's
/// profile: page faults and copies of ReadAllBytes and the zeroing of its buffer were 70% of ingest's CPU).
/// The <see cref="File"/>'s HDUs are views on the map: copy what must outlive <see cref="Dispose"/>.
/// A gzipped file (1f 8b) cannot be mapped usefully and is read and un-gzipped as <see cref="FitsReader"/> does.
/// </summary>
public sealed class MappedFitsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly MappedMemory? _memory;

    public FitsFile File { get; }

    private MappedFitsFile(FitsFile file, MemoryMappedFile? map, MemoryMappedViewAccessor? view, MappedMemory? memory)
    {
        File = file; _map = map; _view = view; _memory = memory;
    }

    public static MappedFitsFile Open(string path)
    {
        FileStream fs;
        try { fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None); }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        { throw new FitsFormatException($"{path}: cannot read the file ({e.Message})", e); }
        using (fs)
        {
            long length = fs.Length;
            if (length > int.MaxValue) throw new FitsFormatException($"{path}: file too large ({length} bytes) for this reader");
            Span<byte> magic = stackalloc byte[2];
            int got = fs.Read(magic);
            // Empty, or gzipped: nothing to map (an empty file cannot be mapped at all); the buffered path says what is wrong.
            if (length < FitsHeader.BlockSize || FitsReader.IsGzip(magic[..got]))
            {
                fs.Position = 0;
                return new MappedFitsFile(FitsReader.Read(fs, path), null, null, null);
            }
            var map = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            MemoryMappedViewAccessor? view = null;
            MappedMemory? memory = null;
            try
            {
                view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
                memory = new MappedMemory(view, (int)length);
                return new MappedFitsFile(FitsReader.Parse(memory.Memory, path), map, view, memory);
            }
            catch
            {
                memory?.Release();
                view?.Dispose();
                map.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        _memory?.Release();
        _view?.Dispose();
        _map?.Dispose();
    }

    /// <summary>The mapped bytes as a Memory the FITS reader slices (views stay valid until the map is released).</summary>
    private sealed unsafe class MappedMemory : MemoryManager<byte>
    {
        private readonly MemoryMappedViewAccessor _view;
        private readonly byte* _pointer;
        private readonly int _length;
        private bool _released;

        public MappedMemory(MemoryMappedViewAccessor view, int length)
        {
            _view = view;
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _pointer = p + view.PointerOffset;
            _length = length;
        }

        public override Span<byte> GetSpan() => _released ? throw new ObjectDisposedException(nameof(MappedFitsFile)) : new Span<byte>(_pointer, _length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

        public override void Unpin() { }

        public void Release()
        {
            if (_released) return;
            _released = true;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        protected override void Dispose(bool disposing) => Release();
    }
}
