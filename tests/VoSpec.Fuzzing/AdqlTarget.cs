using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using VoSpec.Adql;
using VoSpec.Archive;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Core.Faults;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Tap;

namespace VoSpec.Fuzzing;

/// <summary>
/// ADQL the way TAP sync runs it: TapRequest → TapQueryRunner (parse, check, translate, SQLite with the kept
/// connection and its time limit) → the requested writer. Refusals are AdqlException, UserInputException and SQLite's
/// run-time errors (what TAP answers with QUERY_STATUS=ERROR); a SQLite error that says the translator wrote SQL it
/// should not have (syntax, unknown names, misuse) is a finding, and so is an "internal error" inside a VOTable.
/// </summary>
public sealed partial class AdqlTarget(SpectrumArchive archive, int timeoutSeconds = 10) : IFuzzTarget<string>
{
    private readonly TapService _tap = new(new TapLimits(), VoSpec.Adql.Feature.AdqlFeatures.All);
    private readonly TapQueryRunner _runner = new(archive, new TapService(new TapLimits(), VoSpec.Adql.Feature.AdqlFeatures.All));
    private readonly MemoryStream _output = new();
    private int _n;

    public string Name => "adql";

    public bool Run(string adql)
    {
        var format = (_n++ % 5) switch { 0 => "votable/td", 1 => "csv", 2 => "fits", 3 => "tsv", _ => "votable" };
        var request = TapRequest.Parse(DaliParameters.From(new Dictionary<string, string>
        {
            ["LANG"] = "ADQL", ["QUERY"] = adql, ["MAXREC"] = "50", ["RESPONSEFORMAT"] = format,
        }), _tap.Limits);
        _output.SetLength(0);
        var q = _runner.PrepareAsync(request, AccessRights.Everything, _ => null, timeoutSeconds, CancellationToken.None).GetAwaiter().GetResult();
        try { _runner.WriteAsync(q, _output).GetAwaiter().GetResult(); }
        finally { q.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        if (format.StartsWith("votable", StringComparison.Ordinal))
        {
            var text = Encoding.UTF8.GetString(_output.GetBuffer(), 0, (int)_output.Length);
            int at = text.IndexOf("internal error", StringComparison.Ordinal);
            if (at >= 0) throw new InternalErrorInResultException(text.Substring(at, Math.Min(200, text.Length - at)));
        }
        return true;
    }

    public bool IsUserError(Exception e) => e switch
    {
        AdqlException or UserInputException or OperationCanceledException => true,
        SqliteException s => !TranslatorWroteBadSql(s),
        _ => false,
    };

    /// <summary>
    /// SQLite errors that only SQL the checker should have refused can cause. Errors raised by our own geometry
    /// functions ("ADQL geometry: AREA of a Union region is not supported") are answers about the user's values.
    /// </summary>
    public static bool TranslatorWroteBadSql(SqliteException s) =>
        !s.Message.Contains("ADQL geometry: ", StringComparison.Ordinal) && BadSql().IsMatch(s.Message);

    [GeneratedRegex("syntax error|no such |ambiguous|misuse|wrong number of arguments|unrecognized token|not supported|incomplete input|must appear|more than|ORDER BY term|does not match|has no column")]
    private static partial Regex BadSql();

    public string Show(string input) => input;

    /// <summary>A fresh demo archive of <paramref name="count"/> spectra in <paramref name="dir"/> (seeded, so every run sees the same rows).</summary>
    public static SpectrumArchive CreateArchive(string dir, int count = 30)
    {
        var archive = SpectrumArchive.Open(dir);
        new Ingester(archive).Store(new DemoGenerator(1).GenerateMany(count), "demo");
        return archive;
    }
}

/// <summary>A result document that reports "internal error: TypeName" mid-stream: found by the fuzzer, never thrown by the server.</summary>
public sealed class InternalErrorInResultException(string message) : Exception(message);
