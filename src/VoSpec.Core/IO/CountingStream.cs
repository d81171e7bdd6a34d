namespace VoSpec.Core.IO;

/// <summary>
/// Passes writes on to another stream and counts their bytes: what a streamed answer (a TAP result, with no
/// Content-Length) weighed, for the metrics. Flushes pass through; disposing leaves the inner stream open.
/// </summary>
public sealed class CountingStream(Stream inner) : WriteOnlyStream
{
    public long Bytes { get; private set; }

    public override void Write(byte[] buffer, int offset, int count) { inner.Write(buffer, offset, count); Bytes += count; }
    public override void Write(ReadOnlySpan<byte> buffer) { inner.Write(buffer); Bytes += buffer.Length; }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        await inner.WriteAsync(buffer, ct);
        Bytes += buffer.Length;
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
}
