using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoSpec.Archive;
using VoSpec.Archive.Pixels;

namespace VoSpec.Server.Hosting;

/// <summary>
/// Warms the pixel store's memory maps in the background once the server has started
/// (VoSpec:Prefault = auto|on|off). Requests never wait for it: those that arrive meanwhile fault
/// their own pages as they would without it. Stopping the server cancels it between chunks.
/// </summary>
public sealed class PixelPrefaultService(SpectrumArchive archive, ServerSettings settings, ILogger<PixelPrefaultService> log) : BackgroundService
{
    /// <summary>The last warm-up's result once it has ended (for tests and diagnostics).</summary>
    public Task<PrefaultResult?> Completion => _completion.Task;

    private readonly TaskCompletionSource<PrefaultResult?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // A thread of its own: the warm-up blocks in madvise for a few ms per chunk, and the thread pool serves requests.
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stop)
    {
        try
        {
            long bytes = archive.Lookup.PixelStores().Sum(s => s.Bytes);
            var skip = PixelPrefault.ReasonToSkip(settings.Prefault, bytes, PixelPrefault.AvailableMemoryBytes());
            if (skip is not null)
            {
                log.LogInformation("Pixel store not pre-faulted: {Reason}", skip);
                _completion.TrySetResult(null);
                return;
            }
            log.LogInformation("Pre-faulting the pixel store ({Gb} GB) in the background", PixelPrefault.Gb(bytes));
            PixelPrefault.LowerCurrentThreadPriority();
            var result = PixelPrefault.Run(archive, stop);
            log.LogInformation(result.Completed ? "Pixel store pre-faulted: {Gb} GB in {Seconds:0.00} s" : "Pixel store pre-faulting stopped after {Gb} GB in {Seconds:0.00} s",
                PixelPrefault.Gb(result.Bytes), result.Elapsed.TotalSeconds);
            _completion.TrySetResult(result);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException || CatalogueFault.Of(e) is not null)
        {
            // Only a lost optimisation: requests fault their own pages.
            log.LogWarning("Pixel store pre-faulting failed: {Message}", e.Message);
            _completion.TrySetResult(null);
        }
    }
}
