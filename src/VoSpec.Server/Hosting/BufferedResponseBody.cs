using System.Buffers;
using Microsoft.AspNetCore.Http;
using VoSpec.Core.IO;

namespace VoSpec.Server.Hosting;

/// <summary>
/// A response body that holds back up to <c>limit</c> bytes. A response that ends within it goes out with a
/// Content-Length in one write when <see cref="CompleteAsync"/> is called: one TCP segment for a small document, and the
/// client is done at its last byte instead of waiting for the terminating chunk, which Kestrel sends only after the
/// endpoint returns. A larger response falls back to streaming (chunked) from the moment it passes the limit, so
/// memory stays bounded. Flushes are ignored while buffering.
/// </summary>
public sealed class BufferedResponseBody : WriteOnlyStream
{
    /// <summary>Holds {links} documents of ~100 IDs and an SSA cone of a few hundred rows.</summary>
    public const int DefaultLimit = 256 * 1024;

    private readonly HttpResponse _response;
    private readonly Stream _body;
    private readonly int _limit;
    private byte[]? _buffer;
    private int _used;
    private bool _streaming;

    public BufferedResponseBody(HttpResponse response, int limit = DefaultLimit)
    {
        _response = response;
        _body = response.Body;
        _limit = limit;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        if (_streaming) return _body.WriteAsync(data, ct);
        if (_used + data.Length > _limit) return StartStreamingAsync(data, ct);
        if (_buffer is null || _buffer.Length - _used < data.Length) Grow(_used + data.Length);
        data.Span.CopyTo(_buffer.AsSpan(_used));
        _used += data.Length;
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    private async ValueTask StartStreamingAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        _streaming = true;
        if (_used > 0) await _body.WriteAsync(_buffer.AsMemory(0, _used), ct);
        Release();
        await _body.WriteAsync(data, ct);
    }

    /// <summary>Sends what is held back, with its Content-Length when the whole response was held.</summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        if (_streaming) return;
        _streaming = true;
        _response.ContentLength = _used;
        if (_used > 0) await _body.WriteAsync(_buffer.AsMemory(0, _used), ct);
        Release();
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_limit, Math.Max(needed, Math.Max(16 * 1024, (_buffer?.Length ?? 0) * 2))));
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _used).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = bigger;
    }

    private void Release()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _used = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Release();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Release();
        return ValueTask.CompletedTask;
    }

    public override Task FlushAsync(CancellationToken ct) => _streaming ? _body.FlushAsync(ct) : Task.CompletedTask;
    public override void Flush() { }
    // ASP.NET bodies forbid synchronous I/O; so does this one.
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("write asynchronously");
}
