using System.Collections.Concurrent;
using System.Threading.Channels;

namespace VoSpec.VOTable;

/// <summary>
/// The second half of a streamed BINARY2 table on a second core: full raw blocks from <see cref="Base64RowSink"/> are
/// base64-encoded and written to the output by a consumer task while the query's thread keeps producing rows. At most
/// <see cref="Depth"/> blocks wait in the queue; beyond that the producer is asked to wait (<see cref="Backlogged"/>,
/// <see cref="WaitAsync"/>), so memory stays bounded. Only the consumer writes to the output until
/// <see cref="CompleteAsync"/> returns; the last, partial block stays with the sink (it carries the padding).
/// </summary>
internal sealed class Base64Pipeline
{
    /// <summary>
    /// Raw bytes per block: twelve lines, 768 KiB of text per write. Against 144 KiB blocks this halved the server's
    /// system time on a million-row stream (fewer hand-offs and thread wake-ups); memory stays ~2.5 MB a stream.
    /// </summary>
    public const int BlockSize = 12 * Base64RowSink.LineBytes;
    private const int Depth = 2;

    private readonly Channel<byte[]> _full = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(Depth) { SingleReader = true });
    private readonly ConcurrentQueue<byte[]> _free = new();
    private readonly Queue<byte[]> _backlog = new();
    private readonly Task _consumer;

    public Base64Pipeline(Stream output, CancellationToken ct) => _consumer = Task.Run(() => ConsumeAsync(output, ct), CancellationToken.None);

    /// <summary>Takes a full block (<see cref="BlockSize"/> bytes; none at first) and returns an empty one to fill.</summary>
    public byte[] Hand(byte[]? full)
    {
        if (full is not null && (_backlog.Count > 0 || !_full.Writer.TryWrite(full))) _backlog.Enqueue(full);
        return _free.TryDequeue(out var block) ? block : RentBlock();
    }

    // Blocks and text buffers (large-object heap) are kept for the next stream: allocating ~3 MB per stream made the
    // server's memory creep up between gen-2 collections.
    private static readonly ConcurrentBag<byte[]> s_blocks = new(), s_texts = new();
    private const int KeptBuffers = 8;

    private static byte[] RentBlock() => s_blocks.TryTake(out var b) ? b : new byte[BlockSize];

    /// <summary>Gives a block of <see cref="BlockSize"/> back for the next stream (the sink's last one, once encoded).</summary>
    public static void ReturnBlock(byte[] block)
    {
        if (block.Length == BlockSize && s_blocks.Count < KeptBuffers) s_blocks.Add(block);
    }

    /// <summary>True when the queue was full: the producer should <see cref="WaitAsync"/> before the next row.</summary>
    public bool Backlogged => _backlog.Count > 0;

    public async Task WaitAsync(CancellationToken ct)
    {
        try
        {
            while (_backlog.Count > 0)
            {
                await _full.Writer.WriteAsync(_backlog.Peek(), ct).ConfigureAwait(false);
                _backlog.Dequeue();
            }
        }
        catch (ChannelClosedException)
        {
            await _consumer.ConfigureAwait(false); // the consumer failed (client gone, cancelled): its exception
            throw;
        }
    }

    /// <summary>Waits until every handed block is written; rethrows the consumer's failure.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        await WaitAsync(ct).ConfigureAwait(false);
        _full.Writer.TryComplete();
        try { await _consumer.ConfigureAwait(false); }
        finally
        {
            while (_free.TryDequeue(out var block)) ReturnBlock(block);
        }
    }

    /// <summary>
    /// Ends the pipeline after a failure on the producer's side. Every block handed so far still goes out, so the rows
    /// before the failure stay whole and the sink's last block follows them; the consumer's own error is not reported
    /// again (the producer's is what the caller reports).
    /// </summary>
    public async Task AbandonAsync()
    {
        try { await CompleteAsync(CancellationToken.None).ConfigureAwait(false); }
        catch (Exception) { }
    }

    private async Task ConsumeAsync(Stream output, CancellationToken ct)
    {
        var text = s_texts.TryTake(out var kept) ? kept : new byte[Base64RowSink.EncodedSize(BlockSize)];
        try
        {
            await foreach (var block in _full.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                int used = Base64RowSink.EncodeLines(block, text);
                _free.Enqueue(block);
                await output.WriteAsync(text.AsMemory(0, used), ct).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            _full.Writer.TryComplete(e);
            throw;
        }
        finally
        {
            if (s_texts.Count < KeptBuffers) s_texts.Add(text);
        }
    }
}
