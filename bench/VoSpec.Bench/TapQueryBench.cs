using System.Diagnostics;
using System.Globalization;
using VoSpec.Adql;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Tap;

namespace VoSpec.Bench;

/// <summary>
/// Where one small TAP query's server time goes, in-process (no HTTP): parsing, checking and translating the ADQL;
/// running the SQL to its last row; and the whole TAP runner (kept connection, SQL, VOTable writer) into a null stream.
/// The default query is bench.py's tap_cone around the first spectrum.
/// </summary>
internal static class TapQueryBench
{
    public static void Run(Options o)
    {
        var dir = Path.GetFullPath(o.Str("archive", "/tmp/bench/tap2000"));
        int n = o.Int("n", 2000), rounds = o.Int("rounds", 3);
        using var archive = SpectrumArchive.Open(dir);
        var adql = o.Str("query", "");
        if (adql.Length == 0)
        {
            using var conn = archive.Sqlite.OpenConnection();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT s_ra, s_dec FROM ivoa_obscore ORDER BY obs_publisher_did LIMIT 1";
            using var r = cmd.ExecuteReader();
            r.Read();
            adql = string.Create(CultureInfo.InvariantCulture,
                $"SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', {r.GetDouble(0)}, {r.GetDouble(1)}, 1)) = 1");
        }
        Console.WriteLine("ADQL: " + adql);
        var tap = new TapService(new TapLimits(), VoSpec.Adql.Feature.AdqlFeatures.All);
        var runner = new TapQueryRunner(archive, tap);
        var request = TapRequest.Parse(DaliParameters.From(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = adql }), tap.Limits);
        for (int round = 0; round < rounds; round++)
        {
            Report("parse", n, () => AdqlParser.Parse(adql));
            var parsed = AdqlParser.Parse(adql);
            Report("check + translate", n, () => SqliteTranslator.Translate(AdqlChecker.Check(parsed, TableMetadata.Published)));
            Report("parse + check + translate", n, () => SqliteTranslator.Translate(adql, TableMetadata.Published));
            Report("whole runner, BINARY2 to a null stream", n, () =>
            {
                var q = runner.PrepareAsync(request, AccessRights.Everything, _ => null, 60, CancellationToken.None).GetAwaiter().GetResult();
                runner.WriteAsync(q, Stream.Null).GetAwaiter().GetResult();
                q.DisposeAsync().AsTask().GetAwaiter().GetResult();
            });
        }
    }

    private static void Report(string what, int n, Action run)
    {
        for (int i = 0; i < Math.Min(200, n); i++) run();
        long gc0 = GC.CollectionCount(0);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) run();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-42} {sw.Elapsed.TotalMilliseconds * 1000 / n,8:0.0} µs/query  ({GC.CollectionCount(0) - gc0} gen0 GCs)"));
    }
}
