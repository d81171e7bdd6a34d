using VoSpec.Bench;

// Macro benchmarks of the foundation; each prints a Markdown table row for docs/benchmarks.md.
// Usage: dotnet run -c Release --project bench/VoSpec.Bench -- <ingest|pixels> [options]
var cmd = args.Length > 0 ? args[0] : "help";
var opts = Options.Parse(args.Skip(1));
switch (cmd)
{
    case "ingest": IngestBench.Run(opts); break;
    case "desi-ingest": DesiIngestBench.Run(opts); break;
    case "pixels": PixelReadBench.Run(opts); break;
    case "catalogue": TapBench.Catalogue(opts); break;
    case "tap-stream": TapBench.Stream(opts); break;
    case "spec": SpecBench.Run(opts); break;
    case "tap-layers": TapLayersBench.Run(opts); break;
    case "tap-query": TapQueryBench.Run(opts); break;
    case "engine": EngineBench.Run(opts); break;
    case "fuzz": return FuzzBench.Run(opts);
    case "web": WebBudgetBench.Run(opts); break;
    default:
        Console.WriteLine("usage: VoSpec.Bench ingest [--count 10000] [--work DIR] | desi-ingest [--files 4] [--work DIR] [--source COADD] [--rounds 2] [--requests 200] [--serve-rounds 3] | pixels [--count 100000] [--work DIR] [--rounds 3] [--prefault]\n" +
            "       | catalogue [--count 1000000] [--archive DIR] [--database NPGSQL]\n" +
            "       | tap-stream --url TAP [--pid SERVER_PID] [--rows EXPECTED] [--query ADQL]\n" +
            "       | tap-layers [--archive DIR] [--query ADQL] [--rounds 2] [--writer-only]\n" +
            "       | tap-query [--archive DIR] [--query ADQL] [--n 2000] [--rounds 3]\n" +
            "       | spec [--archive DIR] [--n 1000] [--rounds 5] [--threads N]\n" +
            "       | engine [--n 10000] [--rounds 3] [--samples DIR]\n" +
            "       | web --url SERVER [--rounds 5]\n" +
            "       | fuzz [--target all|adql|fits|votable|cond|http[,…]] [--n 1000000] [--seed 1] [--minutes BUDGET] [--slow-ms 2000] [--reasons]");
        return 2;
}
return 0;
