using System.CommandLine;
using Spectre.Console;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;

namespace VoSpec.Cli.Commands;

/// <summary>
/// vospec ingest: files and directories (recursively; .fits and .fits.gz). SDSS files go into the named collection,
/// DESI and LAMOST files (told by content) into collections 'desi' and 'lamost'.
/// Exit code 0 when every file went in or was already there, 1 when some failed, 2 on a fatal error.
/// </summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var archive = new Option<string>("--archive") { Description = "Archive directory", DefaultValueFactory = _ => ArchiveOptions.DefaultDirectory };
        var collection = new Option<string>("--collection") { Description = "Collection (spec-service context) for SDSS files; DESI and LAMOST files go to 'desi' and 'lamost'", DefaultValueFactory = _ => "sdss" };
        var title = new Option<string?>("--title") { Description = "Human-readable title of a new collection" };
        var batch = new Option<int>("--batch") { Description = "Spectra per transaction", DefaultValueFactory = _ => 500 };
        var inPlace = new Option<bool>("--in-place")
        {
            Description = "Serve DESI coadds from where they are instead of copying their pixels (the files must then stay there, unchanged and readable by the server); other files are copied",
        };
        var database = ServeCommand.DatabaseOption();
        var paths = new Argument<string[]>("PATH") { Description = "Files or directories", Arity = ArgumentArity.OneOrMore };
        var command = new Command("ingest", "Ingest survey spectra (SDSS spec-*.fits lite/full, spSpec; DESI coadd/spectra; LAMOST LRS) into the archive") { archive, database, collection, title, batch, inPlace, paths };
        command.SetAction((parse, cancel) => Task.FromResult(Run(parse.GetValue(archive)!, parse.GetValue(database), parse.GetValue(collection)!, parse.GetValue(title),
            parse.GetValue(batch), parse.GetValue(inPlace), parse.GetValue(paths)!, cancel)));
        return command;
    }

    private static int Run(string archiveDir, string? database, string collection, string? title, int batch, bool inPlace, string[] paths, CancellationToken cancel)
    {
        try
        {
            Ingester.ValidateCollectionName(collection);
            // The server's settings (appsettings.json, VOSPEC_*) decide the DIDs' authority and the coverage order here too.
            var settings = VoSpec.Server.Hosting.VoSpecHost.LoadSettings();
            using var archive = SpectrumArchive.Open(archiveDir, new ArchiveOptions
            {
                IngestBatchSize = batch, Authority = settings.Authority, CoverageOrder = settings.Publishing.CoverageOrder,
                Database = database ?? settings.Database,
            });
            var ingester = new Ingester(archive);
            IngestReport report;
            if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                report = null!;
                AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                        new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx => report = ingester.Run(paths, collection, new BarProgress(ctx), cancel, title, inPlace));
            }
            else report = ingester.Run(paths, collection, new LineProgress(), cancel, title, inPlace);
            PrintSummary(report);
            return report.Failed > 0 ? 1 : 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException || VoSpec.Archive.Queries.CatalogueFault.Of(e) is not null)
        {
            Console.Error.WriteLine($"vospec ingest: {e.Message}");
            return 2;
        }
    }

    private static void PrintSummary(IngestReport r)
    {
        double rate = r.Elapsed.TotalSeconds > 0 ? r.Total / r.Elapsed.TotalSeconds : 0;
        Console.WriteLine(FormattableString.Invariant(
            $"ingested {r.Ingested}{(r.InPlace > 0 ? $" ({r.InPlace} served from their source files)" : "")}, skipped as duplicate {r.Duplicates}, failed {r.Failed}{(r.Cancelled ? " (cancelled)" : "")} in {r.Elapsed.TotalSeconds:0.00} s ({rate:0} spectra/s; parsing {r.ParseTime.TotalSeconds:0.00} s CPU, archive writes {r.WriteTime.TotalSeconds:0.00} s)"));
        foreach (var (path, reason) in r.Failures) Console.WriteLine($"failed: {path}: {reason}");
    }

    /// <summary>Plain log lines when the output is not a terminal (CI, pipes).</summary>
    private sealed class LineProgress : IIngestProgress
    {
        private int _total, _done;
        public void Started(int totalFiles) { _total = totalFiles; Console.WriteLine($"ingesting {totalFiles} file(s)"); }
        public void FileDone(string path, IngestOutcome outcome, string? reason)
        {
            _done++;
            if (outcome == IngestOutcome.Failed) Console.WriteLine($"[{_done}/{_total}] failed: {path}: {reason}");
            else if (_done % 1000 == 0 || _done == _total) Console.WriteLine($"[{_done}/{_total}] done");
        }
    }

    private sealed class BarProgress(ProgressContext ctx) : IIngestProgress
    {
        private ProgressTask? _task;
        public void Started(int totalFiles) => _task = ctx.AddTask("ingesting", maxValue: Math.Max(1, totalFiles));
        public void FileDone(string path, IngestOutcome outcome, string? reason)
        {
            _task?.Increment(1);
            if (outcome == IngestOutcome.Failed) AnsiConsole.MarkupLineInterpolated($"[red]failed[/]: {path}: {reason}");
        }
    }
}
