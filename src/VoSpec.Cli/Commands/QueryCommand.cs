using System.CommandLine;
using VoSpec.Adql;
using VoSpec.Archive;
using VoSpec.Archive.Queries;
using VoSpec.Core.Faults;
using VoSpec.Server.Tap;
using VoSpec.VOTable;

namespace VoSpec.Cli.Commands;

/// <summary>
/// vospec query: one ADQL query on an archive, without a server — through the archive's ADQL executor, the same
/// checker, translator and guards as TAP (every collection visible: whoever can read the archive directory can read
/// it all), rows to standard output as CSV, TSV or a VOTable. Exit code 0 on success, 1 when the query is refused
/// (the reason on standard error), 2 when the archive cannot be opened.
/// </summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var archive = new Option<string>("--archive") { Description = "Archive directory", DefaultValueFactory = _ => ArchiveOptions.DefaultDirectory };
        var format = new Option<string>("--format") { Description = "csv, tsv or votable", DefaultValueFactory = _ => "csv" };
        var maxRec = new Option<long>("--maxrec") { Description = "At most this many rows (0: only the columns)", DefaultValueFactory = _ => long.MaxValue };
        var adql = new Argument<string>("ADQL") { Description = "The query, e.g. \"SELECT TOP 5 obs_id, s_ra, s_dec FROM ivoa.obscore\"" };
        var command = new Command("query", "Run one ADQL query on the archive and write its rows to standard output") { archive, format, maxRec, adql };
        command.SetAction((parse, cancel) => RunAsync(parse.GetValue(archive)!, parse.GetValue(format)!, parse.GetValue(maxRec), parse.GetValue(adql)!, cancel));
        return command;
    }

    private static async Task<int> RunAsync(string archiveDir, string format, long maxRec, string adql, CancellationToken cancel)
    {
        if (format is not ("csv" or "tsv" or "votable"))
        {
            Console.Error.WriteLine($"vospec query: --format {format} is not one of csv, tsv, votable");
            return 1;
        }
        SpectrumArchive archive;
        try { archive = SpectrumArchive.Open(archiveDir); }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException || CatalogueFault.Of(e) is not null)
        {
            Console.Error.WriteLine($"vospec query: {e.Message}");
            return 2;
        }
        using (archive)
        {
            try
            {
                await using var q = await archive.Adql.PrepareAsync(new AdqlRequest { Text = adql }, cancel);
                var fields = TapQueryRunner.Fields(q.Columns);
                await using var stdout = Console.OpenStandardOutput();
                switch (format)
                {
                    case "csv": await DelimitedTableWriter.WriteCsvAsync(stdout, q.Reader, fields, maxRec, cancel); break;
                    case "tsv": await DelimitedTableWriter.WriteTsvAsync(stdout, q.Reader, fields, maxRec, cancel); break;
                    default:
                        await using (var w = new VOTableWriter(stdout, leaveOpen: true))
                        {
                            w.BeginDocument();
                            w.BeginResource("results");
                            w.WriteInfo("QUERY_STATUS", "OK");
                            w.WriteInfo("QUERY", adql);
                            if (fields.Any(f => f.Ref == TapQueryRunner.CooSysId)) w.WriteCooSys(TapQueryRunner.CooSysId, "ICRS");
                            var result = await w.WriteTableAsync(q.Reader, fields, Serialization.TableData, maxRec, "results", cancel);
                            if (result.Overflow) w.WriteInfo("QUERY_STATUS", "OVERFLOW");
                            w.EndResource();
                            w.EndDocument();
                            await w.FlushAsync(cancel);
                        }
                        break;
                }
                return 0;
            }
            catch (Exception e) when (e is AdqlException or UserInputException or OperationCanceledException || CatalogueFault.Of(e) is not null)
            {
                Console.Error.WriteLine($"vospec query: {TapQueryRunner.Describe(e)}");
                return 1;
            }
        }
    }
}
