namespace VoSpec.VOTable.Tests;

/// <summary>
/// Like an ASP.NET response body: write-only, not seekable, and synchronous writes throw (Kestrel's
/// AllowSynchronousIO = false). Records the largest single write, to show output leaves in bounded chunks.
/// </summary>
internal sealed class AsyncOnlyStream(Stream inner) : Stream
{
    public int Writes { get; private set; }
    public int LargestWrite { get; private set; }
    public long BytesWritten { get; private set; }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Writes++;
        LargestWrite = Math.Max(LargestWrite, buffer.Length);
        BytesWritten += buffer.Length;
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous write");
    public override void Flush() => throw new InvalidOperationException("synchronous flush");
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
