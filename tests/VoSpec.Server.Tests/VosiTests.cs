using System.Net;
using System.Xml.Linq;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

[Collection("host")]
public class VosiTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    private async Task<XDocument> GetXml(string path)
    {
        var r = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/xml", r.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Capabilities_declare_tap_with_obscore_and_the_vosi_endpoints_at_this_address()
    {
        var doc = await GetXml("tap/capabilities");
        var caps = doc.Root!.Elements("capability").ToList();
        var tap = Assert.Single(caps, c => (string?)c.Attribute("standardID") == "ivo://ivoa.net/std/TAP");
        Assert.Equal("tr:TableAccess", (string?)tap.Attribute(Xsi + "type"));
        Assert.Equal(server.BaseUri + "tap", tap.Element("interface")!.Element("accessURL")!.Value);
        Assert.Equal("ivo://ivoa.net/std/ObsCore#core-1.1", (string?)tap.Element("dataModel")!.Attribute("ivo-id"));
        Assert.Contains(tap.Elements("uploadMethod"), u => ((string?)u.Attribute("ivo-id"))!.EndsWith("upload-http"));
        foreach (var id in new[] { "VOSI#capabilities", "VOSI#availability", "VOSI#tables-1.1", "DALI#examples" })
            Assert.Contains(caps, c => ((string?)c.Attribute("standardID"))!.EndsWith(id));
    }

    [Theory]
    [InlineData("soda", "ivo://ivoa.net/std/SODA#sync-1.0", "soda/sync")]
    [InlineData("datalink", "ivo://ivoa.net/std/DataLink#links-1.1", "datalink/links")]
    [InlineData("ssa", "ivo://ivoa.net/std/SSA", "ssa")]
    public async Task Soda_datalink_and_ssa_have_their_own_vosi_capabilities_and_availability(string service, string standardId, string endpoint)
    {
        var doc = await GetXml(service + "/capabilities");
        var caps = doc.Root!.Elements("capability").ToList();
        var own = Assert.Single(caps, c => (string?)c.Attribute("standardID") == standardId);
        var iface = own.Element("interface")!;
        Assert.Equal("vs:ParamHTTP", (string?)iface.Attribute(Xsi + "type"));
        Assert.Equal("std", (string?)iface.Attribute("role"));
        Assert.Equal(server.BaseUri + endpoint, iface.Element("accessURL")!.Value);
        Assert.NotEmpty(iface.Element("resultType")!.Value);
        Assert.Contains(caps, c => (string?)c.Attribute("standardID") == "ivo://ivoa.net/std/VOSI#availability"
            && c.Element("interface")!.Element("accessURL")!.Value == server.BaseUri + service + "/availability");
        // The advertised endpoint answers.
        var probe = await server.Client.GetAsync(endpoint);
        Assert.True((int)probe.StatusCode < 500);

        var avail = await GetXml(service + "/availability");
        XNamespace v = "http://www.ivoa.net/xml/VOSIAvailability/v1.0";
        Assert.Equal("true", avail.Root!.Element(v + "available")!.Value);
    }

    [Fact]
    public void Pyvo_reads_every_services_vosi_documents_without_a_warning()
    {
        ExternalTool.Require(ExternalTool.Python);
        const string script = """
import io, sys, warnings, requests
import pyvo.io.vosi as vosi
warnings.simplefilter("error")
base = sys.argv[1]
for service in ("tap", "soda", "datalink", "ssa"):
    caps = vosi.parse_capabilities(io.BytesIO(requests.get(base + service + "/capabilities").content))
    assert any(c.standardid.startswith("ivo://ivoa.net/std/VOSI#availability") for c in caps), service
    assert vosi.parse_availability(io.BytesIO(requests.get(base + service + "/availability").content)).available, service
print("ok")
""";
        var r = ExternalTool.RunPython(script, server.BaseUri.ToString());
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("ok", r.StdOut);
    }

    [Fact]
    public async Task Availability_says_the_archive_answers()
    {
        var doc = await GetXml("tap/availability");
        XNamespace v = "http://www.ivoa.net/xml/VOSIAvailability/v1.0";
        Assert.Equal("true", doc.Root!.Element(v + "available")!.Value);
    }

    [Fact]
    public async Task Tables_list_obscore_with_every_column_typed_and_min_detail_omits_columns()
    {
        var doc = await GetXml("tap/tables");
        var obscore = doc.Descendants("table").Single(t => t.Element("name")!.Value == "ivoa.obscore");
        var sRegion = obscore.Elements("column").Single(c => c.Element("name")!.Value == "s_region");
        Assert.Equal("adql:REGION", (string?)sRegion.Element("dataType")!.Attribute("extendedType"));
        Assert.Equal("true", (string?)sRegion.Attribute("std"));
        Assert.DoesNotContain(obscore.Elements("column"), c => c.Element("name")!.Value == "spec_id");
        Assert.Contains(doc.Descendants("table"), t => t.Element("name")!.Value == "TAP_SCHEMA.columns");

        var min = await GetXml("tap/tables?detail=min");
        Assert.Empty(min.Descendants("column"));
        Assert.NotEmpty(min.Descendants("table"));
    }

    [Fact]
    public async Task One_table_is_served_by_name_and_an_unknown_one_is_404()
    {
        var doc = await GetXml("tap/tables/ivoa.obscore");
        Assert.Equal("table", doc.Root!.Name.LocalName);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("tap/tables/no.such")).StatusCode);
    }

    [Fact]
    public async Task Examples_are_well_formed_xhtml_with_queries()
    {
        var r = await server.Client.GetAsync("tap/examples");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        XNamespace h = "http://www.w3.org/1999/xhtml";
        var examples = doc.Descendants(h + "div").Where(d => (string?)d.Attribute("typeof") == "example").ToList();
        Assert.True(examples.Count >= 5);
        Assert.All(examples, e => Assert.Equal("#" + (string?)e.Attribute("id"), (string?)e.Attribute("resource")));
        Assert.All(examples, e => Assert.Contains(e.Descendants(), x => (string?)x.Attribute("property") == "query"));
    }
}
