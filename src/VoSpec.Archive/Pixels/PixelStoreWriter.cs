using System.Buffers;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// Appends records to one collection's pixel store file. Appended bytes count only once the
/// catalogue transaction that names them commits (with the new committed length); until then a
/// crash or a failed batch leaves a tail that <see cref="TruncateTo"/> removes on the next open.
/// </summary>
public sealed class PixelStoreWriter : IDisposable
{
    private readonly FileStream _file;

    public PixelStoreWriter(string path, long committedLength)
    {
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1 << 16);
        TruncateTo(committedLength);
    }

    /// <summary>Where the next record will start.</summary>
    public long Position => _file.Position;

    public (long Offset, long Length) Append(SpectrumArrays arrays, long specId)
    {
        long len = PixelRecordLayout.RecordLength(arrays.Count, PixelRecordLayout.FlagsOf(arrays), arrays.Grid is not LogLinearGrid);
        byte[] buf = ArrayPool<byte>.Shared.Rent(checked((int)len));
        try
        {
            PixelRecordLayout.Write(arrays, specId, buf.AsSpan(0, (int)len));
            long offset = _file.Position;
            _file.Write(buf, 0, (int)len);
            return (offset, len);
        }
        finally { ArrayPool<byte>.Shared.Return(buf); }
    }

    /// <summary>The length last made durable (<see cref="Flush"/>).</summary>
    private long _synced = -1;

    /// <summary>
    /// Makes appended bytes durable before the catalogue commits them. Nothing appended since the last call (a batch of
    /// catalogue-only rows): no fsync, which has nothing to make durable.
    /// </summary>
    public void Flush()
    {
        if (_file.Position == _synced) return;
        _file.Flush(flushToDisk: true);
        _synced = _file.Position;
    }

    /// <summary>Drops everything past the committed length (a failed batch, or a crash's leftovers).</summary>
    public void TruncateTo(long committedLength)
    {
        _file.Flush();
        if (_file.Length != committedLength) _file.SetLength(committedLength);
        _file.Position = committedLength;
        _synced = -1;
    }

    public void Dispose() => _file.Dispose();
}
