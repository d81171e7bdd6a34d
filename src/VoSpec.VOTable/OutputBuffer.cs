using System.Buffers;
using VoSpec.Core.IO;

namespace VoSpec.VOTable;

/// <summary>
/// Bytes written but not yet sent: XmlWriter writes here, BINARY2 base64 is encoded straight into it, and the owner
/// drains it to the real output with <see cref="DrainTo"/> or <see cref="DrainToAsync"/>. Keeping the only synchronous
/// writes in memory is what lets the writers feed an ASP.NET response body, which forbids synchronous I/O.
/// </summary>
internal sealed class OutputBuffer : WriteOnlyStream
{
    private byte[] _buffer;
    private int _used;

    // Rented: a small document (a {links} answer) would otherwise allocate and zero 64 KiB for a few KiB of output.
    public OutputBuffer(int capacity = 1 << 16) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public int Pending => _used;
    public long TotalWritten { get; private set; }

    /// <summary>A span of at least <paramref name="size"/> bytes at the end; fill it, then <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _used < size)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _used + size));
            _buffer.AsSpan(0, _used).CopyTo(bigger);
            Return();
            _buffer = bigger;
        }
        return _buffer.AsSpan(_used);
    }

    public void Advance(int count) { _used += count; TotalWritten += count; }

    public void DrainTo(Stream output)
    {
        if (_used == 0) return;
        output.Write(_buffer, 0, _used);
        _used = 0;
    }

    public async ValueTask DrainToAsync(Stream output, CancellationToken ct)
    {
        if (_used == 0) return;
        await output.WriteAsync(_buffer.AsMemory(0, _used), ct).ConfigureAwait(false);
        _used = 0;
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _used);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        buffer.CopyTo(GetSpan(buffer.Length));
        Advance(buffer.Length);
    }

    public override void WriteByte(byte value) { GetSpan(1)[0] = value; Advance(1); }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    private void Return()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Hands the array back to the pool; anything still pending is dropped (drain first).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) { Return(); _used = 0; }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
