using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoSpec.Adql;
using VoSpec.Archive;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Tap;

namespace VoSpec.Server.Hosting;

/// <summary>
/// Warms TAP, DataLink and SSA up in the background after start (VoSpec:WarmUp), so users do not pay for it: the ADQL
/// parser's first parse (ANTLR builds its prediction tables) and the runtime's first compilations made the first query
/// after a start take ~400 ms instead of ~4, and the requests of the first minute run slower code until the runtime has
/// recompiled the hot methods (after ~30 calls each, in the background). It parses every example, runs
/// a one-row query per output format into nothing, then over loopback HTTP streams up to 65,536 ObsCore rows and sends
/// a few rounds of small requests (a cone, {links}, SSA) with pauses between them. Requests that arrive meanwhile
/// simply run as they would.
/// </summary>
public sealed class TapWarmUpService(ServerSettings settings, SpectrumArchive archive, TapQueryRunner runner, TapService tap, IServer server, IHostApplicationLifetime lifetime, ILogger<TapWarmUpService> log)
    : BackgroundService
{
    /// <summary>Completes when the warm-up has ended (true: every step ran).</summary>
    public Task<bool> Completion => _completion.Task;

    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!settings.WarmUp)
        {
            _completion.TrySetResult(false);
            return;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var example in TapExamples.All) AdqlParser.Parse(example.Query);
            foreach (var format in new[] { "votable", "votable/td", "csv" })
            {
                stoppingToken.ThrowIfCancellationRequested();
                var request = TapRequest.Parse(DaliParameters.From(new Dictionary<string, string>
                {
                    ["LANG"] = "ADQL", ["RESPONSEFORMAT"] = format, ["MAXREC"] = "1",
                    ["QUERY"] = "SELECT TOP 1 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 0, 0, 1)) = 0",
                }), tap.Limits);
                await using var q = await runner.PrepareAsync(request, AccessRights.Everything, _ => null, 60, stoppingToken);
                await runner.WriteAsync(q, Stream.Null);
            }
            await OverHttpAsync(stoppingToken);
            log.LogInformation("TAP warmed up in {Ms} ms", clock.ElapsedMilliseconds);
            _completion.TrySetResult(true);
        }
        catch (Exception e) when (e is OperationCanceledException or AdqlException or IOException or HttpRequestException || CatalogueFault.Of(e) is not null)
        {
            // Only a lost optimisation: the first query warms up instead.
            log.LogWarning("TAP warm-up stopped: {Message}", e.Message);
            _completion.TrySetResult(false);
        }
    }

    private const int WarmRows = 65_536;

    /// <summary>Queries through the server's own HTTP endpoints on loopback, when it listens on one.</summary>
    private async Task OverHttpAsync(CancellationToken stop)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stop.Register(() => started.TrySetCanceled(stop)))
            await started.Task;
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => Uri.TryCreate(a.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1"), UriKind.Absolute, out var u) ? u : null)
            .FirstOrDefault(u => u is not null && u.Scheme == Uri.UriSchemeHttp && u.IsLoopback);
        if (address is null) return;
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        // The warm-up is the server's own: it never takes a client's allowance (127.0.0.1 is one client).
        http.DefaultRequestHeaders.Add(Limits.RequestLimits.WarmUpHeader, Limits.RequestLimits.WarmUpValue);
        var small = new List<string> { "tap/sync?LANG=ADQL&MAXREC=1&QUERY=" + Uri.EscapeDataString("SELECT TOP 1 obs_id FROM ivoa.obscore") };
        // A cone, DataLink and SSA have paths of their own; a public spectrum, if there is one, serves all three.
        if (archive.Lookup.AnyPublicSpectrum() is var (did, ra, dec))
        {
            small.Add("tap/sync?LANG=ADQL&QUERY=" + Uri.EscapeDataString(FormattableString.Invariant(
                $"SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', {ra}, {dec}, 1)) = 1")));
            small.Add("datalink/links?ID=" + Uri.EscapeDataString(did));
            small.Add(FormattableString.Invariant($"ssa?REQUEST=queryData&POS={ra},{dec}&SIZE=1"));
        }
        // Enough of a stream (≤ ~60 MB) for the response path's loops to be compiled optimised before a user's stream.
        await GetAsync(http, "tap/sync?LANG=ADQL&MAXREC=" + WarmRows + "&QUERY=" + Uri.EscapeDataString("SELECT * FROM ivoa.obscore"), stop);
        // The runtime recompiles a method optimised (with its profile) after ~30 calls, in the background: a few rounds
        // with pauses leave the common requests compiled that way before users arrive, not during their first minute.
        for (int round = 0; round < WarmRounds; round++)
        {
            foreach (var url in small)
                for (int i = 0; i < WarmCalls; i++) await GetAsync(http, url, stop);
            await Task.Delay(250, stop);
        }
    }

    private const int WarmRounds = 4, WarmCalls = 40;

    private static async Task GetAsync(HttpClient http, string url, CancellationToken stop)
    {
        // Headers first, then the body streamed into nothing: HttpClient's default reads the whole body into one growing
        // buffer first, which for the ~60 MB stream above left ~70 MB on the large-object heap, kept (committed) until
        // a gen-2 collection, which a server streaming without allocating may not have for hours.
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stop);
        await response.Content.CopyToAsync(Stream.Null, stop);
    }
}
