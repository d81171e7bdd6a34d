using VoSpec.Core.IO;

namespace VoSpec.VOTable.Tests;

/// <summary>
/// Like an ASP.NET response body: write-only, not seekable, and synchronous writes throw (Kestrel's
/// AllowSynchronousIO = false). Records the largest single write, to show output leaves in bounded chunks.
/// </summary>
internal sealed class AsyncOnlyStream(Stream inner) : WriteOnlyStream
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
}
