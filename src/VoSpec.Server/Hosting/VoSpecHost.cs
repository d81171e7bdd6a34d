using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Admin;
using VoSpec.Server.Limits;
using VoSpec.Server.Operations;
using Prometheus;
using VoSpec.Server.Ssa;
using VoSpec.Server.SpecService;
using VoSpec.Server.Tap;
using VoSpec.Server.Web;
using VoSpec.Server.Registry;
using VoSpec.Server.Coverage;
using VoSpec.Server.OData;

namespace VoSpec.Server.Hosting;

/// <summary>
/// Builds the ASP.NET Core host: configuration, the archive (with the demo collection on first
/// start), and every protocol's endpoint group.
/// </summary>
public static class VoSpecHost
{
    /// <summary>
    /// Builds the application. <paramref name="overrides"/> are command-line settings as
    /// configuration keys ("VoSpec:Archive", ...); they win over VOSPEC_* variables and appsettings.json.
    /// </summary>
    public static WebApplication Build(IDictionary<string, string?>? overrides = null, string[]? args = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddLayers(builder.Configuration, overrides);
        var settings = Settings(builder.Configuration);
        var ops = settings.Operations;
        // Metrics on their own port (off the public path): one more listening URL, on the first URL's host.
        builder.WebHost.UseUrls(ops.Metrics && ops.MetricsPort > 0 ? settings.Urls + ";" + MetricsUrl(settings) : settings.Urls);
        builder.Services.AddSingleton(ops);
        var metrics = new Operations.ServerMetrics();
        builder.Services.AddSingleton(metrics);
        builder.Services.AddVoSpecHealth();
        builder.Services.AddSpecApi();
        builder.Services.AddODataApi();
        if (ops.JsonLogs)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ");
        }
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(settings.Limits);
        builder.Services.AddRequestLimits(settings.Limits);
        ThreadPoolFloor.Ensure(settings.Limits);
        // Built now: a malformed token in the configuration stops the start with a message, not the first request.
        builder.Services.AddSingleton(new Access.AccessPolicy(settings.Access, settings.Admin));
        builder.Services.AddSingleton(sp => OpenArchive(settings, sp.GetRequiredService<ILoggerFactory>().CreateLogger("VoSpec.Archive")));
        builder.Services.AddSingleton(new TapService(settings.Tap, VoSpec.Adql.Feature.AdqlFeatures.All));
        builder.Services.AddSingleton<TapQueryRunner>();
        builder.Services.AddSingleton(sp => new Engine.Plotting.PreviewCache(Path.Combine(sp.GetRequiredService<SpectrumArchive>().Directory, "previews")));
        builder.Services.AddSingleton(settings.Spec);
        builder.Services.AddSingleton(settings.Publishing);
        builder.Services.AddSingleton(settings.OData);
        builder.Services.AddSingleton<Registry.RegistryPublisher>();
        builder.Services.AddSingleton<Coverage.CoverageCache>();
        builder.Services.AddSingleton(sp =>
        {
            var archive = sp.GetRequiredService<SpectrumArchive>();
            var tap = sp.GetRequiredService<TapService>();
            var store = archive.OpenJobStore();
            var executor = new TapJobExecutor(sp.GetRequiredService<TapQueryRunner>(), tap, sp.GetRequiredService<Access.AccessPolicy>(), id => Path.Combine(store.Directory, id),
                settings.Limits.AsyncQuerySeconds);
            return new Uws.JobManager(store, executor, sp.GetRequiredService<ILoggerFactory>().CreateLogger("VoSpec.Uws"),
                tap.Limits.AsyncExecutionSeconds, tap.Limits.RetentionSeconds, Uws.JobLimits.From(settings.Limits));
        });
        builder.Services.AddSingleton<PixelPrefaultService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PixelPrefaultService>());
        builder.Services.AddSingleton<TapWarmUpService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TapWarmUpService>());
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var app = builder.Build();
        var archive = app.Services.GetRequiredService<SpectrumArchive>();
        // ObsCore's data_rights says what the configuration decides (changed collections only are rewritten).
        try
        {
            var changed = archive.ApplyDataRights(app.Services.GetRequiredService<Access.AccessPolicy>().Proprietary);
            if (changed.Count > 0) app.Logger.LogInformation("data_rights updated from the configuration for {Collections}", string.Join(", ", changed));
        }
        catch (Exception e) when (CatalogueFault.Of(e) is { Kind: CatalogueFaultKind.Damaged })
        {
            // A damaged catalogue still serves what is intact; access control never depends on data_rights.
            app.Logger.LogError("the catalogue {Path} is damaged ({Error}): serving what can be read; check it with sqlite3 '.recover' or PRAGMA integrity_check", archive.CataloguePath, e.Message);
        }
        app.Lifetime.ApplicationStarted.Register(() => PublishUrl(app, settings, archive));
        // Fonts load on the first render (~50 ms): do it before the first preview request.
        app.Lifetime.ApplicationStarted.Register(() => Task.Run(Engine.Plotting.SpectrumPlot.Warmup));
        metrics.Watch(archive, () => app.Services.GetRequiredService<Uws.JobManager>().List(), app.Services.GetRequiredService<Engine.Plotting.PreviewCache>(),
            app.Services.GetRequiredService<Access.AccessPolicy>().IsProprietary);
        app.UseResponseSafety();
        if (ops.RequestLog) app.UseRequestLog();
        app.UseConfiguredStaticFiles(settings);
        // Routing first: the body limits, the rate limiter and the metrics read the endpoint's metadata.
        app.UseHeadAsGet();
        app.UseRouting();
        app.UseHeadRestored();
        if (ops.Metrics)
            app.UseHttpMetrics(o =>
            {
                o.SetMetricFactory(Prometheus.Metrics.WithCustomRegistry(metrics.Registry));
                o.AddCustomLabel("protocol", http => Operations.ServerMetrics.Protocol(http.Request.Path.Value ?? ""));
            });
        app.UseReadinessGate(settings);
        app.UseRequestLimits(settings.Limits);
        app.MapVoSpecHealth();
        app.MapSpecApi();
        if (ops.Metrics)
        {
            var endpoint = app.MapMetrics("/metrics", metrics.Registry);
            if (ops.MetricsPort > 0) endpoint.RequireHost($"*:{ops.MetricsPort}");
        }
        app.MapWebPages();
        app.MapGroup("/spec").MapSpecService().MapAdmin(app.Services.GetRequiredService<Access.AccessPolicy>());
        app.MapGroup("/tap").MapTap();
        app.MapGroup("/ssa").MapSsa();
        DataLink.DataLinkEndpoints.MapDataLink(app.MapGroup("/datalink"));
        app.MapOaiPmh();
        app.MapOData();
        app.MapCoverage();
        Soda.SodaEndpoints.MapSoda(app.MapGroup("/soda"));
        return app;
    }

    private static string MetricsUrl(ServerSettings settings)
    {
        var first = new Uri(settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]);
        return $"{first.Scheme}://{first.Host}:{settings.Operations.MetricsPort}";
    }

    /// <summary>The settings as the server would see them, without starting anything (for tests and tools).</summary>
    public static ServerSettings LoadSettings(IDictionary<string, string?>? overrides = null)
    {
        var config = new ConfigurationManager();
        config.SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true);
        AddLayers(config, overrides);
        return Settings(config);
    }

    private static void AddLayers(IConfigurationBuilder config, IDictionary<string, string?>? overrides)
    {
        config.AddInMemoryCollection(EnvironmentSettings());
        if (overrides is not null) config.AddInMemoryCollection(overrides);
    }

    private static ServerSettings Settings(IConfiguration config) =>
        config.GetSection(ServerSettings.Section).Get<ServerSettings>() ?? new ServerSettings();

    /// <summary>VOSPEC_ARCHIVE → VoSpec:Archive, VOSPEC_DEMO → VoSpec:Demo, and so on ("__" nests).</summary>
    private static IEnumerable<KeyValuePair<string, string?>> EnvironmentSettings()
    {
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var name = (string)e.Key;
            if (!name.StartsWith("VOSPEC_", StringComparison.OrdinalIgnoreCase) || name.Length == 7) continue;
            yield return new(ServerSettings.Section + ":" + name[7..].Replace("__", ":"), (string?)e.Value);
        }
    }

    private static SpectrumArchive OpenArchive(ServerSettings settings, ILogger log)
    {
        var archive = SpectrumArchive.Open(settings.Archive, new ArchiveOptions { Authority = settings.Authority, Database = settings.Database, MaxStandbyLag = TimeSpan.FromSeconds(Math.Max(0, settings.MaxStandbyLagSeconds)), RetryReadsOnPrimary = settings.RetryReadsOnPrimary, DatasetCache = settings.DatasetCache, CoverageOrder = settings.Publishing.CoverageOrder, Log = m => log.LogInformation("{Message}", m) });
        if (settings.Demo > 0 && archive.Lookup.CountSpectra() == 0)
        {
            log.LogInformation("Archive {Dir} is empty: generating {N} demo spectra", archive.Directory, settings.Demo);
            var report = DemoCollection.Create(archive, settings.Demo, settings.DemoSeed);
            log.LogInformation("Demo collection: {Ingested} spectra ingested in {Seconds:0.0} s ({Failed} failed)",
                report.Ingested, report.Elapsed.TotalSeconds, report.Failed);
        }
        return archive;
    }

    /// <summary>Once Kestrel listens, answers put the address clients use in front of every access_url.</summary>
    private static void PublishUrl(WebApplication app, ServerSettings settings, SpectrumArchive archive)
    {
        var url = settings.PublicUrl ?? BaseUrls(app).FirstOrDefault();
        if (url is not null) archive.SetPublicUrl(url);
        app.Logger.LogInformation("VoSpec serving {Archive} at {Urls}", archive.Directory, string.Join(", ", BaseUrls(app)));
    }

    /// <summary>The addresses Kestrel really listens on (with the port picked for ":0").</summary>
    public static IReadOnlyList<string> BaseUrls(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => a.EndsWith('/') ? a : a + "/").ToList() ?? [];
}
