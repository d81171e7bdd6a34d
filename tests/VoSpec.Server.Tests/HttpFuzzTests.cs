using System.Net;
using System.Xml.Linq;
using VoSpec.Fuzzing;
using VoSpec.Server.Tap;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// Every endpoint's parameters under fuzzing, over HTTP to the running server: a short seeded run (no 5xx, no stack
/// trace or .NET type name in a body, the server alive after it), and the answers the long runs found wrong.
/// </summary>
[Collection("host")]
public sealed class HttpFuzzTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public void Seeded_run_of_requests_to_every_endpoint_finds_nothing()
    {
        var target = new HttpTarget(server.Client);
        var report = Fuzzer.Run(target, HttpGenerator.Cases(HttpTarget.Ids(server.Client)), seed: 20261203, count: 1200);
        Assert.True(report.Findings.Count == 0, report.ToString());
        Assert.True(target.Alive(), "the server stopped answering");
        Assert.True(report.Accepted > 100 && report.Rejected > 100, report.Summary());
    }

    [Fact]
    public async Task Uws_job_with_control_characters_in_its_parameters_is_still_an_XML_document()
    {
        var form = new FormUrlEncodedContent([new("LANG", "ADQL"), new("QUERY", "SELECT 1 FROM ivoa.obscore\u0001"), new("RUNID", "run\u0002\uFFFF"), new("X\u0001", "v")]);
        // The client follows the 303 to the job itself.
        using var job = await server.Client.PostAsync("/tap/async", form);
        Assert.Equal(HttpStatusCode.OK, job.StatusCode);
        var doc = XDocument.Parse(await job.Content.ReadAsStringAsync());
        Assert.Contains(doc.Descendants(), e => e.Name.LocalName == "parameter" && e.Value.StartsWith("SELECT 1 FROM ivoa.obscore"));
    }

    [Theory]
    [InlineData("/tap/async?AFTER=2030-01-01T00:00:00Z&AFTER=2031-01-01T00:00:00Z", "AFTER")]
    [InlineData("/tap/async?LAST=1&LAST=2", "LAST")]
    public async Task Parameter_given_twice_where_once_is_allowed_is_a_400(string url, string name)
    {
        using var response = await server.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(name, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Error_written_after_the_rows_names_no_internal_type()
    {
        var message = TapQueryRunner.Describe(new ArgumentException("column c1 (char[1]): text of 23 characters is longer than its arraysize allows"));
        Assert.StartsWith("internal error", message);
        Assert.DoesNotContain("Exception", message);
    }
}
