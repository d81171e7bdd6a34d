using System.CommandLine;
using VoSpec.Archive.Ingest;

namespace VoSpec.Cli.Commands;

/// <summary>vospec demo: writes generated SDSS-like spec-lite files (deterministic for a seed).</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Directory to write spec-*.fits files into", Required = true };
        var count = new Option<int>("--count") { Description = "How many spectra", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Generator seed", DefaultValueFactory = _ => 20260101 };
        var first = new Option<int>("--first") { Description = "Index of the first spectrum", DefaultValueFactory = _ => 0 };
        var command = new Command("demo", "Write generated SDSS-like spectra as spec-lite FITS files") { output, count, seed, first };
        command.SetAction(parse =>
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            DemoCollection.WriteFiles(parse.GetValue(output)!, parse.GetValue(count), parse.GetValue(seed), parse.GetValue(first));
            Console.WriteLine(FormattableString.Invariant($"wrote {parse.GetValue(count)} files to {parse.GetValue(output)} in {sw.Elapsed.TotalSeconds:0.00} s"));
            return 0;
        });
        return command;
    }
}
