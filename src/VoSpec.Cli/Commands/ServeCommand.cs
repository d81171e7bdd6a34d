using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using VoSpec.Archive;
using VoSpec.Server.Hosting;

namespace VoSpec.Cli.Commands;

/// <summary>vospec serve: the HTTP server over an archive (Ctrl-C or SIGTERM stops it gracefully).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var archive = new Option<string?>("--archive") { Description = $"Archive directory (default {ArchiveOptions.DefaultDirectory}, or VOSPEC_ARCHIVE / appsettings.json)" };
        var urls = new Option<string?>("--urls") { Description = $"Listening URLs (default {ServerSettings.DefaultUrls}; port 0 picks a free port)" };
        var demo = new Option<int?>("--demo") { Description = "On first start with an empty archive, generate and ingest N demo spectra" };
        var publicUrl = new Option<string?>("--public-url") { Description = "Base URL clients use, when behind a proxy" };
        var staticFiles = new Option<string?>("--static-files") { Description = "Also serve this directory's files under /static/ (off by default)" };
        var prefault = new Option<string?>("--prefault") { Description = "Warm the pixel store's memory maps in the background at start: auto (default; when it fits in half the available memory), on, off" };
        var database = DatabaseOption();
        var command = new Command("serve", "Serve the archive over HTTP (TAP, DataLink, SODA, SSA, /spec)") { archive, database, urls, demo, publicUrl, staticFiles, prefault };
        command.SetAction(async (parse, cancel) =>
        {
            var overrides = new Dictionary<string, string?>();
            void Set(string key, object? value) { if (value is not null) overrides[$"{ServerSettings.Section}:{key}"] = value.ToString(); }
            Set(nameof(ServerSettings.Archive), parse.GetValue(archive));
            Set(nameof(ServerSettings.Database), parse.GetValue(database));
            Set(nameof(ServerSettings.Urls), parse.GetValue(urls));
            Set(nameof(ServerSettings.Demo), parse.GetValue(demo));
            Set(nameof(ServerSettings.PublicUrl), parse.GetValue(publicUrl));
            Set(nameof(ServerSettings.StaticFiles), parse.GetValue(staticFiles));
            Set(nameof(ServerSettings.Prefault), parse.GetValue(prefault));
            try
            {
                var app = VoSpecHost.Build(overrides);
                await app.RunAsync();
                return 0;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException || VoSpec.Archive.Queries.CatalogueFault.Of(e) is not null)
            {
                // A bad archive path, a port in use, an archive of another version: say so, no stack trace.
                Console.Error.WriteLine($"vospec serve: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>--database: the catalogue in PostgreSQL (also VOSPEC_DATABASE or VoSpec:Database).</summary>
    internal static Option<string?> DatabaseOption() =>
        new("--database") { Description = "Npgsql connection string of a PostgreSQL database (with pgSphere) for the catalogue (default: SQLite in the archive; or VOSPEC_DATABASE)" };
}
