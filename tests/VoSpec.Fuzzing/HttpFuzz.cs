using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Microsoft.AspNetCore.Builder;
using VoSpec.Server.Hosting;

namespace VoSpec.Fuzzing;

/// <summary>One HTTP request of the fuzz: method, path, parameters, and whether they go as a form body.</summary>
public sealed record HttpCase(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Parameters, bool Form)
{
    public override string ToString() =>
        $"{Method} {Path}{(Form ? " [form] " : "?")}{string.Join("&", Parameters.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)))}";
}

/// <summary>
/// Requests to every endpoint of the server (TAP sync and async/UWS, VOSI, SSA, DataLink, SODA, /spec), with the
/// parameter names each one reads and values that are valid, nearly valid (real ids with a character changed, ranges
/// inverted, units odd) or hostile (huge, control characters, path traversal, repeated parameters, wrong case).
/// </summary>
public static class HttpGenerator
{
    public static Gen<HttpCase> Cases(IReadOnlyList<string> ids) => new PcgGen<HttpCase>(r => Case(r, ids));

    private sealed record Endpoint(string Path, string[] Methods, string[] Parameters);

    private static readonly Endpoint[] Endpoints =
    [
        new("/tap/sync", ["GET", "POST"], ["REQUEST", "LANG", "QUERY", "FORMAT", "RESPONSEFORMAT", "MAXREC", "UPLOAD", "RUNID", "VERSION"]),
        new("/tap/async", ["GET", "POST"], ["REQUEST", "LANG", "QUERY", "RESPONSEFORMAT", "MAXREC", "PHASE", "RUNID", "LAST", "AFTER", "UPLOAD"]),
        new("/tap/async/{job}", ["GET", "POST"], ["PHASE", "ACTION", "EXECUTIONDURATION", "DESTRUCTION", "WAIT"]),
        new("/tap/async/{job}/phase", ["GET", "POST"], ["PHASE"]),
        new("/tap/async/{job}/executionduration", ["GET", "POST"], ["EXECUTIONDURATION"]),
        new("/tap/async/{job}/destruction", ["GET", "POST"], ["DESTRUCTION"]),
        new("/tap/async/{job}/parameters", ["GET", "POST"], ["QUERY", "LANG", "MAXREC"]),
        new("/tap/async/{job}/results/result", ["GET"], []),
        new("/tap/async/{job}/error", ["GET"], []),
        new("/tap/tables/{table}", ["GET"], ["detail"]),
        new("/tap/tables", ["GET"], ["detail"]),
        new("/tap/capabilities", ["GET"], []),
        new("/tap/availability", ["GET"], []),
        new("/tap/examples", ["GET"], []),
        new("/ssa", ["GET", "POST"], ["REQUEST", "VERSION", "POS", "SIZE", "BAND", "TIME", "FORMAT", "MAXREC", "TOP", "TARGETNAME", "TARGETCLASS", "REDSHIFT", "SNR", "COLLECTION", "PUBDID", "RESPONSEFORMAT"]),
        new("/datalink/links", ["GET", "POST"], ["ID", "RESPONSEFORMAT"]),
        new("/datalink/dataset", ["GET"], ["ID", "RESPONSEFORMAT"]),
        new("/datalink/progenitor", ["GET"], ["ID"]),
        new("/datalink/arm", ["GET"], ["ID", "ARM", "RESPONSEFORMAT"]),
        new("/datalink/preview", ["GET"], ["ID", "size", "width", "height", "xscale"]),
        new("/soda/sync", ["GET", "POST"], ["ID", "BAND", "CIRCLE", "POLYGON", "POS", "TIME", "POL", "RESPONSEFORMAT"]),
        new("/spec/query", ["GET"], ["cond", "fields", "catalog", "format", "id", "context", "profile"]),
        new("/spec/getSpec", ["GET", "POST"], ["id", "id_list", "context", "profile", "format", "values", "align", "cutout", "w0", "w1"]),
        new("/spec/listSpan", ["GET", "POST"], ["id", "id_list", "context"]),
        new("/spec/preview", ["GET"], ["id", "context", "size", "xscale", "cmap", "width", "height"]),
        new("/spec/plotGrid", ["GET", "POST"], ["id", "id_list", "context", "size", "ncols", "xscale", "yscale", "cmap", "width", "height"]),
        new("/spec/stackedImage", ["GET", "POST"], ["id", "id_list", "context", "w0", "w1", "cmap", "inverse", "align", "width", "height", "thickness"]),
        new("/spec/contexts", ["GET"], ["context", "profile", "format"]),
        new("/spec/profiles", ["GET"], ["profile", "format"]),
        new("/spec/catalogs", ["GET"], ["context", "profile"]),
        new("/spec/validate", ["GET"], ["what", "value", "context", "profile"]),
        new("/spec/available", ["GET"], []),
        new("/spec/shutdown", ["GET", "POST"], ["token"]),
        new("/", ["GET"], []),
    ];

    private static readonly string[] Hostile =
    [
        "", " ", "\u0000", "\u0001\u0002", "%00", "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd", "/etc/passwd", "file:///etc/passwd", "http://169.254.169.254/",
        "<script>alert(1)</script>", "' OR 1=1 --", "\"; DROP TABLE specobj; --", "${jndi:ldap://x}", "{{7*7}}", "%s%s%s%n", "\uFFFF", "\uD800", "é", "𝔸",
        "-1", "0", "1e308", "-1e309", "NaN", "Infinity", "9223372036854775808", "99999999999999999999999", "0x10", "1,2", "true", "None", "null",
    ];

    private static string Value(PCG r, string name, IReadOnlyList<string> ids)
    {
        if (r.Chance(15)) return r.Pick(Hostile);
        if (r.Chance(3)) return new string(r.Pick(['a', '9', '(', ' ', '\'']), r.Chance(50) ? 10_000 : 100_000);
        string valid = name.ToUpperInvariant() switch
        {
            "QUERY" => r.Chance(50) ? AdqlGenerator.Query(r) : r.Pick(AdqlGenerator.Corpus),
            "LANG" => r.Pick(["ADQL", "adql", "ADQL-2.1", "SQL", "PQL"]),
            "REQUEST" => r.Pick(["doQuery", "queryData", "getCapabilities", "nope"]),
            "FORMAT" or "RESPONSEFORMAT" => r.Pick(["votable", "votable/td", "csv", "tsv", "fits", "application/x-votable+xml", "text/xml", "json", "png", "npy", "application/fits", "metadata", "all", "image/png", "text/plain"]),
            "MAXREC" or "TOP" or "LAST" or "NCOLS" or "WIDTH" or "HEIGHT" or "SIZE" or "THICKNESS" => r.Pick(["0", "1", "10", "1000", "-5", "2147483648", "1.5", "x"]),
            "PHASE" => r.Pick(["RUN", "ABORT", "SUSPENDED", "PENDING", "run", "DELETE"]),
            "ACTION" => r.Pick(["DELETE", "delete", "PURGE"]),
            "EXECUTIONDURATION" => r.Pick(["10", "0", "-1", "99999999999", "x"]),
            "DESTRUCTION" or "AFTER" => r.Pick(["2030-01-01T00:00:00Z", "2000-01-01", "yesterday", "2030-13-45T99:99:99Z"]),
            "WAIT" => r.Pick(["1", "0", "-1", "x"]),
            "UPLOAD" => r.Pick(["t,param:t", "t,http://127.0.0.1:1/x.xml", "t,http://example.com/x.xml", "t,file:///etc/passwd", "1x,param:x", "t", ",", "t,param:t;u,param:t"]),
            "ID" or "PUBDID" or "PROGENITOR" => r.Chance(60) ? r.Pick(ids) : Mutator.Text(r, r.Pick(ids), ["?", "/", "..", "%", "ivo://", "#"]),
            "POS" => r.Pick(["180,0", "180.0,0.0;ICRS", "400,100", "10", "a,b", "0,-91", "CIRCLE 180 0 1", "10,20,30"]),
            "CIRCLE" => r.Pick(["180 0 1", "180 0 -1", "0 95 1", "1 2", "NaN 0 1", "10 10 200"]),
            "POLYGON" => r.Pick(["179 -1 181 -1 181 1", "1 2 3 4", "0 0 0 0 0 0", "1 2 3 4 5 6 7"]),
            "BAND" => r.Pick(["4e-7 6e-7", "6e-7 4e-7", "-1 1", "4e-7/6e-7", "NaN NaN", "5e-7", "/5e-7", "-Inf +Inf"]),
            "TIME" => r.Pick(["50000 60000", "60000 50000", "2000-01-01/2010-01-01", "x"]),
            "POL" => r.Pick(["I", "Q", "X"]),
            "REDSHIFT" or "SNR" => r.Pick(["0.1/0.5", "0.5", "/1", "1/", "a/b"]),
            "TARGETNAME" or "TARGETCLASS" or "COLLECTION" => r.Pick(["demo", "GALAXY", "QSO", "nope"]),
            "VERSION" => r.Pick(["1.1", "1.0", "2.0"]),
            "COND" => CondGenerator.Cond(r),
            "FIELDS" => r.Pick(["ra,dec", "*", "specobjid,z", "nope"]),
            "CATALOG" => r.Pick(["demo.specobj", "nope"]),
            "CONTEXT" or "PROFILE" => r.Pick(["default", "demo", "nope"]),
            "ID_LIST" => "[" + string.Join(",", Enumerable.Range(0, r.Int(5)).Select(_ => r.Pick(["1", "2", "'x'", "-1", "99999999999999999999"]))) + "]",
            "VALUES" => r.Pick(["flux", "flux,ivar", "wavelength,model", "all", "nope"]),
            "ALIGN" or "INVERSE" or "DETAIL" => r.Pick(["true", "false", "1", "yes", "maybe", "max"]),
            "CUTOUT" or "W0" or "W1" => r.Pick(["4000", "9000", "-1", "1e999", "NaN", "x"]),
            "XSCALE" or "YSCALE" => r.Pick(["linear", "log", "nope"]),
            "CMAP" => r.Pick(["gray", "viridis", "nope"]),
            "WHAT" => r.Pick(["context", "profile", "fields", "nope"]),
            _ => r.Pick(Hostile),
        };
        return r.Chance(15) ? Mutator.Text(r, valid, ["'", "(", ")", ",", " ", "%", "e", "-", "9"]) : valid;
    }

    private static HttpCase Case(PCG r, IReadOnlyList<string> ids)
    {
        var e = r.Pick(Endpoints);
        string path = e.Path
            .Replace("{job}", r.Pick(["0123456789abcdef", "..", "%2e%2e", "nope", new string('x', 300), "job?x=1"]))
            .Replace("{table}", r.Pick(["ivoa.obscore", "spec.specobj", "TAP_SCHEMA.columns", "nope", "..%2f..%2f", "ivoa.obscore%00"]));
        if (r.Chance(3)) path = Mutator.Text(r, path, ["/", "..", "%", "//", "?", "#"]);
        // Still a path on this server: "//host/…" would send the client elsewhere, and the client refuses raw controls.
        path = "/" + Uri.EscapeDataString(path.TrimStart('/')).Replace("%2F", "/").Replace("%3F", "?").Replace("%3D", "=").Replace("%26", "&").Replace("%25", "%");
        var p = new List<KeyValuePair<string, string>>();
        int n = e.Parameters.Length == 0 ? r.Int(2) : 1 + r.Int(e.Parameters.Length);
        for (int i = 0; i < n; i++)
        {
            string name = e.Parameters.Length == 0 || r.Chance(5) ? r.Pick(["x", "", "QUERY", "id", "\u0000", "a[b]"]) : r.Pick(e.Parameters);
            if (r.Chance(10)) name = r.Chance(50) ? name.ToLowerInvariant() : name.ToUpperInvariant();
            p.Add(new(name, Value(r, name, ids)));
        }
        // TAP sync needs LANG and QUERY to get anywhere; give them most of the time.
        if (e.Path == "/tap/sync" && r.Chance(70))
        {
            p.Add(new("LANG", "ADQL"));
            p.Add(new("QUERY", Value(r, "QUERY", ids)));
        }
        string method = r.Pick(e.Methods);
        return new HttpCase(method, path, p, method == "POST" && r.Chance(80));
    }
}

/// <summary>
/// Sends each case to a running server and judges the answer: never a 5xx (a 503 only with Retry-After), never a
/// stack trace or a .NET type name in the body, and the server still answering (checked every 50 cases and after any
/// transport error).
/// </summary>
public sealed partial class HttpTarget(HttpClient client) : IFuzzTarget<HttpCase>
{
    private int _n;

    public string Name => "http";

    public bool Run(HttpCase c)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Form || c.Parameters.Count == 0
            ? c.Path
            : c.Path + (c.Path.Contains('?') ? "&" : "?") + string.Join("&", c.Parameters.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value))));
        if (c.Form) request.Content = new FormUrlEncodedContent(c.Parameters);
        HttpResponseMessage response;
        try { response = client.Send(request, HttpCompletionOption.ResponseHeadersRead); }
        catch (HttpRequestException e) { throw new ServerDownException($"transport error ({e.Message}); server alive afterwards: {Alive()}"); }
        using (response)
        {
            int status = (int)response.StatusCode;
            var body = ReadPrefix(response, 256 * 1024);
            if (status >= 500 && !(status == 503 && response.Headers.RetryAfter is not null))
                throw new ServerErrorException($"HTTP {status} on {c.Method} {Endpoint(c.Path)}", $"HTTP {status}: {Cut(body)}");
            if (Leak().Match(body) is { Success: true } m)
                throw new LeakException($"internals shown by {c.Method} {Endpoint(c.Path)}: {m.Value.Trim()}", $"HTTP {status} body shows '{m.Value}': {Cut(body[Math.Max(0, m.Index - 200)..])}");
            if (++_n % 50 == 0 && !Alive()) throw new ServerDownException("the server stopped answering");
            return status < 400;
        }
    }

    public bool Alive()
    {
        try
        {
            using var r = client.GetAsync("/tap/availability").GetAwaiter().GetResult();
            return r.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }

    private static string ReadPrefix(HttpResponseMessage response, int max)
    {
        using var s = response.Content.ReadAsStream();
        var buffer = new byte[max];
        int total = 0, n;
        while (total < max && (n = s.Read(buffer, total, max - total)) > 0) total += n;
        // Drain the rest so the connection is reused.
        var sink = new byte[81920];
        while (s.Read(sink, 0, sink.Length) > 0) { }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>The first two segments of a path: the endpoint, without job ids.</summary>
    private static string Endpoint(string path) => string.Join('/', path.Split('?')[0].Split('/').Take(3));

    private static string Cut(string s) => s.Length > 600 ? s[..600] + "…" : s;

    /// <summary>Stack frames, .NET exception and type names, our own namespaces.</summary>
    [GeneratedRegex(@"\n\s+at [\w.<>`]+\(|\bSystem\.[A-Z]\w+\.|\b\w+Exception\b|\bVoSpec\.[A-Z]\w+\.|\binternal error: \w+")]
    private static partial Regex Leak();

    public bool IsUserError(Exception e) => false;

    public string Show(HttpCase input) => input.ToString();

    /// <summary>Starts the real server (Kestrel on a loopback port) over a new demo archive, as the tests' RunningServer does.</summary>
    public static async Task<WebApplication> StartServerAsync(string archiveDir, int demoCount = 40)
    {
        var app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = archiveDir, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:Demo"] = demoCount.ToString(),
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>A few real publisher DIDs and specobjids of the server's archive (asked over TAP), for ID parameters.</summary>
    public static IReadOnlyList<string> Ids(HttpClient client)
    {
        var list = new List<string>();
        foreach (var q in new[] { "SELECT TOP 4 obs_publisher_did FROM ivoa.obscore", "SELECT TOP 3 specobjid FROM spec.specobj" })
        {
            var csv = client.GetStringAsync("/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString(q)).GetAwaiter().GetResult();
            list.AddRange(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Select(v => v.Trim('"')));
        }
        return list;
    }
}

public sealed class ServerErrorException(string signature, string message) : Exception(message), ISignedFinding
{
    public string Signature { get; } = signature;
}

public sealed class LeakException(string signature, string message) : Exception(message), ISignedFinding
{
    public string Signature { get; } = signature;
}

public sealed class ServerDownException(string message) : Exception(message);
