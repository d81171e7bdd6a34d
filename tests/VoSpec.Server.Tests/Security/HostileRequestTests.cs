using System.Net;
using System.Net.Sockets;
using System.Text;
using VoSpec.Server.Hosting;
using Xunit;

namespace VoSpec.Server.Tests.Security;

/// <summary>
/// Why this file exists: what an attacker on the internet sends first — broken parameters on every endpoint, paths
/// that climb out of directories, XML with entities, UPLOAD URLs pointing at the inside network — must meet a clear
/// 4xx with no file content, stack trace or .NET type name, and the answers must carry the browser safety headers.
/// </summary>
[Collection("host")]
public class HostileRequestTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly string[] Leaks = ["   at ", "System.", "Exception", "Microsoft.", "/work/", "/tmp/", "root:x:0:0"];

    private static void AssertNoLeak(string what, HttpStatusCode status, string body)
    {
        foreach (var leak in Leaks)
            Assert.False(body.Contains(leak, StringComparison.Ordinal), $"{what} → {(int)status} leaks '{leak}': {body[..Math.Min(body.Length, 600)]}");
        Assert.True((int)status < 500, $"{what} → {(int)status}: {body[..Math.Min(body.Length, 600)]}");
    }

    private async Task<(HttpStatusCode, string)> Send(HttpRequestMessage request)
    {
        using var r = await server.Client.SendAsync(request);
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    public static TheoryData<string> BrokenGets => new()
    {
        "tap/sync?LANG=ADQL&QUERY=SELEC%20*%20FRM",
        "tap/sync?LANG=PQL&QUERY=SELECT%201",
        "tap/sync?LANG=ADQL&QUERY=SELECT%20*%20FROM%20ivoa.obscore&MAXREC=-5&RESPONSEFORMAT=%00",
        "tap/sync?LANG=ADQL&QUERY=SELECT%20*%20FROM%20TAP_UPLOAD.x&UPLOAD=x,param:missing",
        "tap/sync?LANG=ADQL&QUERY=SELECT%20CAST(s_ra%20AS%20BLOB)%20FROM%20ivoa.obscore",
        "tap/sync?LANG=ADQL&QUERY=SELECT%20*%20FROM%20sqlite_master",
        "tap/async/not-a-job", "tap/async/not-a-job/results/result", "tap/async?PHASE=NOPE", "tap/async?AFTER=yesterday&LAST=-1",
        "tap/tables/no.such.table", "tap/tables/%00",
        "datalink/links?ID=%00%ff", "datalink/links?ID=ivo://x/y?%27;DROP%20TABLE", "datalink/links",
        "datalink/dataset?ID=ivo://evil.org/demo?1", "datalink/dataset?ID=" , "datalink/preview?ID=x&SIZE=99999x1",
        "datalink/progenitor?ID=%ZZ", "datalink/arm?ID=%ZZ&ARM=%00", "datalink/arm?ID=ivo://x/y?1&ARM=../../etc/passwd",
        "soda/sync?ID=x&BAND=abc", "soda/sync?ID=x&CIRCLE=1%202", "soda/sync?ID=x&POS=RANGE%20NaN",
        "ssa?REQUEST=queryData&POS=abc&SIZE=-1", "ssa?REQUEST=queryData&BAND=1/0&TIME=x", "ssa?REQUEST=nope", "ssa?FORMAT=%00",
        "spec/query?cond=((((&fields=*", "spec/query?fields=%27;--&catalog=x.y", "spec/query?cond=q3c_radial_query(ra,dec,1,2)%20UNION%20SELECT",
        "spec/preview?id=abc&size=9x9", "spec/preview?id=(1,2)", "spec/getSpec?id_list=[[[", "spec/listSpan?id_list=1e400",
        "spec/validate?context=%00", "spec/catalogs?context=../../etc", "spec/contexts?profile=x%00",
        "spec/plotGrid?id_list=1,2&ncols=-1", "spec/stackedImage?id_list=1&width=-5&cmap=nope",
        "spec/debug", "spec/shutdown",
    };

    [Theory]
    [MemberData(nameof(BrokenGets))]
    public async Task Broken_requests_answer_below_500_without_stack_traces_type_names_or_paths(string path)
    {
        var (status, body) = await Send(new HttpRequestMessage(HttpMethod.Get, path));
        AssertNoLeak("GET " + path, status, body);
    }

    public static TheoryData<string, string, string> BrokenPosts => new()
    {
        { "tap/sync", "application/x-www-form-urlencoded", "LANG=ADQL&QUERY=%%%" },
        { "tap/sync", "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"QUERY\"\r\n\r\nSELECT 1" },
        { "tap/sync", "application/json", "{\"QUERY\": [1, 2, {}]}" },
        { "tap/async", "multipart/form-data", "not multipart at all" },
        { "tap/async", "application/x-www-form-urlencoded", "UPLOAD=a,file:///etc/passwd&PHASE=RUN&LANG=ADQL&QUERY=SELECT%20*%20FROM%20TAP_UPLOAD.a" },
        { "datalink/links", "application/x-www-form-urlencoded", "ID=" + new string('x', 100_000) },
        { "spec/getSpec", "application/x-www-form-urlencoded", "id_list=[1,2&values=flux,nope&format=xml" },
        { "spec/getSpec", "application/json", "{\"id_list\": " },
        { "spec/plotGrid", "application/x-www-form-urlencoded", "id_list=abc&ncols=1e9" },
        { "spec/stackedImage", "application/x-www-form-urlencoded", "id_list=1,2&xscale=NaN&yscale=-1" },
        { "soda/sync", "text/plain", "\u0000\u0001" },
    };

    [Theory]
    [MemberData(nameof(BrokenPosts))]
    public async Task Broken_posts_answer_below_500_without_stack_traces_type_names_or_paths(string path, string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var (status, answer) = await Send(new HttpRequestMessage(HttpMethod.Post, path) { Content = content });
        AssertNoLeak("POST " + path, status, answer);
    }

    [Theory]
    [InlineData("static/../../../../etc/passwd")]
    [InlineData("static/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("tap/async/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("tap/async/%2e%2e/results/result")]
    [InlineData("tap/async/..%252f..%252fcatalogue.sqlite/results/result")]
    [InlineData("datalink/preview?ID=../../../../etc/passwd")]
    [InlineData("datalink/dataset?ID=..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("datalink/dataset?ID=ivo://vospec.local/..%2f..%2fetc%2fpasswd?1")]
    [InlineData("datalink/links?ID=ivo://vospec.local/../../pixels/demo?1")]
    [InlineData("soda/sync?ID=file:///etc/passwd")]
    [InlineData("spec/preview?id=../../../etc/passwd")]
    [InlineData("spec/getSpec?id_list=[../../etc/passwd]&context=../../etc")]
    [InlineData("tap/tables/..%2f..%2fetc%2fpasswd")]
    public async Task Paths_that_climb_out_reach_no_file(string path)
    {
        var (status, body) = await Send(new HttpRequestMessage(HttpMethod.Get, path));
        AssertNoLeak(path, status, body);
        Assert.DoesNotContain("SQLite format 3", body);
        Assert.DoesNotContain("PNG", body[..Math.Min(body.Length, 8)]);
    }

    [Fact]
    public async Task Html_pages_carry_a_content_security_policy_and_every_answer_nosniff()
    {
        foreach (var (path, policy) in new[] { ("", VoSpec.Server.Web.WebPages.ContentSecurityPolicy), ("search", VoSpec.Server.Web.WebPages.ContentSecurityPolicy), ("tap", ResponseSafety.ContentSecurityPolicy), ("tap/examples", ResponseSafety.ContentSecurityPolicy) })
        {
            using var r = await server.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(policy, string.Join(",", r.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", string.Join(",", r.Headers.GetValues("X-Content-Type-Options")));
        }
        foreach (var path in new[] { "tap/sync?LANG=ADQL&QUERY=SELECT%20TOP%201%20*%20FROM%20ivoa.obscore", "spec/available", "tap/async/nope", "ssa?REQUEST=nope" })
        {
            using var r = await server.Client.GetAsync(path);
            Assert.Equal("nosniff", string.Join(",", r.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    private static string Upload(string doctype, string cell) => $"""
        <?xml version="1.0"?>
        {doctype}
        <VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results"><TABLE>
        <FIELD name="v" datatype="char" arraysize="*"/><DATA><TABLEDATA><TR><TD>{cell}</TD></TR></TABLEDATA></DATA>
        </TABLE></RESOURCE></VOTABLE>
        """;

    [Theory]
    [InlineData("<!DOCTYPE VOTABLE [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;")]
    [InlineData("<!DOCTYPE VOTABLE [<!ENTITY xxe SYSTEM \"http://127.0.0.1:1/x\">]>", "&xxe;")]
    [InlineData("<!DOCTYPE VOTABLE [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>", "&h;")]
    [InlineData("<!DOCTYPE VOTABLE SYSTEM \"file:///etc/passwd\">", "plain")]
    public async Task A_votable_upload_with_a_dtd_expands_no_entity_and_reads_no_file(string doctype, string cell)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("ADQL"), "LANG" },
            { new StringContent("csv"), "RESPONSEFORMAT" },
            { new StringContent("SELECT v, LENGTH(v) AS n FROM TAP_UPLOAD.t"), "QUERY" },
            { new StringContent("t,param:p"), "UPLOAD" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(Upload(doctype, cell))), "p", "p.xml" },
        };
        var started = DateTime.UtcNow;
        using var r = await server.Client.PostAsync("tap/sync", form);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "entity expansion took too long");
        AssertNoLeak("UPLOAD with " + doctype, r.StatusCode, body);
        Assert.DoesNotContain("aaaaaaaaaaaaaaaaaaaa", body);
        // Either refused as a bad VOTable, or read with the DTD ignored (no entity expanded).
        if (r.StatusCode == HttpStatusCode.OK) Assert.DoesNotContain("root", body);
        else Assert.Contains("QUERY_STATUS", body);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/x.xml")]
    [InlineData("gopher://127.0.0.1:25/x")]
    [InlineData("http://10.0.0.1/x.xml")]
    [InlineData("http://192.168.1.1/x.xml")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00::1]/x.xml")]
    [InlineData("http://[::ffff:10.0.0.1]/x.xml")]
    [InlineData("http://metadata.google.internal/x")]
    [InlineData("http://localhost.evil.example/x.xml")]
    [InlineData("http://127.0.0.1@10.0.0.1/x.xml")]
    public async Task Upload_urls_outside_the_loopback_allowlist_are_refused_without_a_request(string url)
    {
        var (status, body) = await Send(new HttpRequestMessage(HttpMethod.Get,
            $"tap/sync?LANG=ADQL&QUERY={Uri.EscapeDataString("SELECT * FROM TAP_UPLOAD.t")}&UPLOAD={Uri.EscapeDataString("t," + url)}"));
        AssertNoLeak(url, status, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.Contains("loopback", StringComparison.Ordinal) || body.Contains("must be param:PART or an http(s) URL", StringComparison.Ordinal), body);
    }

    [Fact]
    public async Task A_loopback_upload_url_that_redirects_elsewhere_is_not_followed()
    {
        // A tiny HTTP server on loopback that redirects every request to a private address.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var redirected = 0;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer); // the request line is enough
            Interlocked.Increment(ref redirected);
            var answer = "HTTP/1.1 302 Found\r\nLocation: http://10.0.0.1/secret.xml\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
        });
        var (status, body) = await Send(new HttpRequestMessage(HttpMethod.Get,
            $"tap/sync?LANG=ADQL&QUERY={Uri.EscapeDataString("SELECT * FROM TAP_UPLOAD.t")}&UPLOAD={Uri.EscapeDataString($"t,http://127.0.0.1:{port}/x.xml")}"));
        await serve.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, redirected);
        AssertNoLeak("redirecting upload", status, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("HTTP 302", body);
    }
}
