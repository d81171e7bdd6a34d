using System.Net;
using System.Xml.Linq;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.Registry.PublishingServer;

namespace VoSpec.Server.Tests.Registry;

/// <summary>
/// The publishing registry (issue 17): every OAI-PMH verb and error against a real server, every answer and every record
/// validated against the IVOA and OAI-PMH schemas (python3-gavo's copies), a harvest through resumption tokens as a
/// harvester does it, and datestamps that move when ingest changes what a record describes, and only then.
/// </summary>
[Collection("host")]
public class OaiPmhTests : IAsyncLifetime
{
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    private PublishingServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static readonly string[] Expected =
        ["ivo://vospec.test", "ivo://vospec.test/demo", "ivo://vospec.test/org", "ivo://vospec.test/registry", "ivo://vospec.test/spec", "ivo://vospec.test/ssa", "ivo://vospec.test/tap"];

    /// <summary>Follows resumption tokens to the end, as a harvester does; the answers' elements of the list.</summary>
    private static async Task<List<XElement>> Harvest(PublishingServer server, string verb, string arguments)
    {
        var items = new List<XElement>();
        string query = $"verb={verb}&{arguments}";
        for (int page = 0; page < 50; page++)
        {
            var d = await server.Oai(query);
            Assert.Null(ErrorCode(d));
            var list = d.Root!.Element(OaiNs + verb)!;
            int before = items.Count;
            items.AddRange(list.Elements(OaiNs + (verb == "ListIdentifiers" ? "header" : "record")));
            var token = list.Element(OaiNs + "resumptionToken");
            // The cursor counts what came before this part.
            if (token is not null) Assert.Equal(before.ToString(), token.Attribute("cursor")!.Value);
            if (token is null || token.Value.Length == 0)
            {
                if (token is not null) Assert.Equal(items.Count.ToString(), token.Attribute("completeListSize")!.Value);
                return items;
            }
            query = $"verb={verb}&resumptionToken={Uri.EscapeDataString(token.Value)}";
        }
        throw new Xunit.Sdk.XunitException("the list did not end after 50 pages");
    }

    private static XElement Header(XElement item) => item.Name.LocalName == "header" ? item : item.Element(OaiNs + "header")!;
    private static string Id(XElement item) => Header(item).Element(OaiNs + "identifier")!.Value;

    [Fact]
    public async Task A_harvest_through_resumption_tokens_gets_every_record_once_and_no_proprietary_collection()
    {
        var records = await Harvest(_server, "ListRecords", "metadataPrefix=ivo_vor");
        var ids = records.Select(Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Expected, ids.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(records, r => r.ToString().Contains("secret_survey"));
        // Each record's metadata is the resource with that identifier.
        foreach (var r in records)
            Assert.Equal(Id(r), r.Element(OaiNs + "metadata")!.Element(Ri + "Resource")!.Element("identifier")!.Value);

        var headers = await Harvest(_server, "ListIdentifiers", "metadataPrefix=oai_dc&set=ivo_managed");
        Assert.Equal(Expected, headers.Select(Id).Order(StringComparer.Ordinal));
        var dc = await Harvest(_server, "ListRecords", "metadataPrefix=oai_dc");
        Assert.Equal(Expected.Length, dc.Count);
    }

    [Fact]
    public async Task Identify_formats_sets_and_every_record_in_both_formats_validate()
    {
        var identify = (await _server.Oai("verb=Identify")).Root!.Element(OaiNs + "Identify")!;
        Assert.Equal("2.0", identify.Element(OaiNs + "protocolVersion")!.Value);
        Assert.Equal("persistent", identify.Element(OaiNs + "deletedRecord")!.Value);
        Assert.Equal("YYYY-MM-DDThh:mm:ssZ", identify.Element(OaiNs + "granularity")!.Value);
        Assert.EndsWith("/oai", identify.Element(OaiNs + "baseURL")!.Value);
        Assert.Equal("ops@vospec.test", identify.Element(OaiNs + "adminEmail")!.Value);
        var self = identify.Element(OaiNs + "description")!.Element(Ri + "Resource")!;
        Assert.Equal("vg:Registry", self.Attribute(Xsi + "type")!.Value);
        Assert.Equal("vospec.test", self.Element("managedAuthority")!.Value);
        Assert.Equal("https://vospec.test/oai", self.Element("capability")!.Element("interface")!.Element("accessURL")!.Value);

        var formats = (await _server.Oai("verb=ListMetadataFormats")).Root!.Descendants(OaiNs + "metadataPrefix").Select(e => e.Value);
        Assert.Equal(["ivo_vor", "oai_dc"], formats);
        Assert.Equal(2, (await _server.Oai("verb=ListMetadataFormats&identifier=ivo://vospec.test/tap")).Root!.Descendants(OaiNs + "metadataFormat").Count());
        Assert.Equal("ivo_managed", (await _server.Oai("verb=ListSets")).Root!.Descendants(OaiNs + "setSpec").Single().Value);

        foreach (var id in Expected)
            foreach (var prefix in new[] { "ivo_vor", "oai_dc" })
            {
                var d = await _server.Oai($"verb=GetRecord&identifier={Uri.EscapeDataString(id)}&metadataPrefix={prefix}");
                Assert.Equal(id, d.Root!.Descendants(OaiNs + "identifier").First().Value);
            }
        // POSTed forms work as GET does.
        using var post = await _server.Client.PostAsync("oai", new FormUrlEncodedContent([new("verb", "GetRecord"), new("identifier", "ivo://vospec.test/ssa"), new("metadataPrefix", "ivo_vor")]));
        var posted = await post.Content.ReadAsStringAsync();
        IvoaSchemas.AssertValid(posted, "POST /oai");
        Assert.Contains("ssa:SimpleSpectralAccess", posted);
    }

    [Fact]
    public async Task The_records_describe_the_services_tables_and_coverage_of_the_archive()
    {
        XElement Resource(XDocument d) => d.Root!.Descendants(Ri + "Resource").Single();
        var tap = Resource(await _server.Oai("verb=GetRecord&identifier=ivo://vospec.test/tap&metadataPrefix=ivo_vor"));
        Assert.Equal("vs:CatalogService", tap.Attribute(Xsi + "type")!.Value);
        var standards = tap.Elements("capability").Select(c => c.Attribute("standardID")?.Value).ToList();
        foreach (var s in new[] { "ivo://ivoa.net/std/TAP", "ivo://ivoa.net/std/DataLink#links-1.1", "ivo://ivoa.net/std/SODA#sync-1.0", "ivo://ivoa.net/std/VOSI#tables-1.1" })
            Assert.Contains(s, standards);
        Assert.Contains("ivoa.obscore", tap.Element("tableset")!.Descendants("table").Select(t => t.Element("name")!.Value));
        Assert.Equal("VoSpec test observatory", tap.Element("curation")!.Element("publisher")!.Value);

        var ssa = Resource(await _server.Oai("verb=GetRecord&identifier=ivo://vospec.test/ssa&metadataPrefix=ivo_vor"));
        Assert.Contains(ssa.Elements("capability"), c => c.Attribute(Xsi + "type")?.Value == "ssa:SimpleSpectralAccess");

        // The demo collection: auxiliary TAP and SSA capabilities, and coverage read from the archive.
        var demo = Resource(await _server.Oai("verb=GetRecord&identifier=ivo://vospec.test/demo&metadataPrefix=ivo_vor"));
        Assert.Equal("vs:CatalogResource", demo.Attribute(Xsi + "type")!.Value);
        Assert.Equal(["ivo://ivoa.net/std/TAP#aux", "ivo://ivoa.net/std/SSA#aux"], demo.Elements("capability").Select(c => c.Attribute("standardID")!.Value));
        var coverage = demo.Element("coverage")!;
        Assert.Matches(@"^(\d+/[\d\- ]+ ?)+$", coverage.Element("spatial")!.Value.Trim());

        using var archive = SpectrumArchive.Open(_server.ArchiveDir);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT min(t_min), max(t_max), min(em_min), max(em_max) FROM ivoa_obscore WHERE obs_collection = 'demo'";
        using var r = cmd.ExecuteReader();
        r.Read();
        var temporal = coverage.Element("temporal")!.Value.Split(' ').Select(double.Parse).ToArray();
        Assert.Equal([r.GetDouble(0), r.GetDouble(1)], temporal);
        // Energies in J: E = hc/λ, the longest wavelength giving the lowest energy.
        var spectral = coverage.Element("spectral")!.Value.Split(' ').Select(double.Parse).ToArray();
        Assert.Equal(1.98644586e-25 / r.GetDouble(3), spectral[0], 1e-3 * spectral[0]);
        Assert.Equal(1.98644586e-25 / r.GetDouble(2), spectral[1], 1e-3 * spectral[1]);
        // The footprint is served (at the configured public URL, which a proxy would forward here).
        var url = coverage.Element("footprint")!.Value;
        Assert.StartsWith("https://vospec.test/coverage/demo", url);
        using var footprint = await _server.Client.GetAsync(new Uri(url).PathAndQuery.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, footprint.StatusCode);
        Assert.Equal("application/fits", footprint.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("", "badVerb")]
    [InlineData("verb=ListThings", "badVerb")]
    [InlineData("verb=Identify&verb=Identify", "badVerb")]
    [InlineData("verb=Identify&extra=1", "badArgument")]
    [InlineData("verb=ListRecords", "badArgument")]
    [InlineData("verb=ListRecords&metadataPrefix=ivo_vor&metadataPrefix=oai_dc", "badArgument")]
    [InlineData("verb=ListRecords&metadataPrefix=ivo_vor&from=2026-13-01", "badArgument")]
    [InlineData("verb=ListRecords&metadataPrefix=ivo_vor&from=2026-01-01&until=2026-02-01T00:00:00Z", "badArgument")]
    [InlineData("verb=ListRecords&metadataPrefix=ivo_vor&from=2026-02-01&until=2026-01-01", "badArgument")]
    [InlineData("verb=ListIdentifiers&metadataPrefix=ivo_vor&resumptionToken=x", "badArgument")]
    [InlineData("verb=GetRecord&identifier=ivo://vospec.test/tap", "badArgument")]
    [InlineData("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat")]
    [InlineData("verb=GetRecord&identifier=ivo://vospec.test/tap&metadataPrefix=oai_marc", "cannotDisseminateFormat")]
    [InlineData("verb=GetRecord&identifier=ivo://vospec.test/nothing&metadataPrefix=ivo_vor", "idDoesNotExist")]
    [InlineData("verb=GetRecord&identifier=ivo://vospec.test/secret_survey&metadataPrefix=ivo_vor", "idDoesNotExist")]
    [InlineData("verb=ListMetadataFormats&identifier=ivo://elsewhere/x", "idDoesNotExist")]
    [InlineData("verb=ListRecords&metadataPrefix=ivo_vor&from=2999-01-01", "noRecordsMatch")]
    [InlineData("verb=ListIdentifiers&metadataPrefix=ivo_vor&until=2000-01-01T00:00:00Z", "noRecordsMatch")]
    [InlineData("verb=ListRecords&metadataPrefix=ivo_vor&set=other_set", "noRecordsMatch")]
    [InlineData("verb=ListRecords&resumptionToken=not-a-token", "badResumptionToken")]
    [InlineData("verb=ListSets&resumptionToken=x", "badResumptionToken")]
    public async Task Every_bad_request_gets_its_OAI_PMH_error(string query, string code)
    {
        var d = await _server.Oai(query);
        Assert.Equal(code, ErrorCode(d));
        var request = d.Root!.Element(OaiNs + "request")!;
        // badVerb and badArgument echo only the base URL.
        if (code is "badVerb" or "badArgument") Assert.Empty(request.Attributes());
        else Assert.Equal(query.Split('&')[0]["verb=".Length..], request.Attribute("verb")!.Value);
    }

    [Fact]
    public async Task A_token_of_one_verb_is_refused_by_another()
    {
        var d = await _server.Oai("verb=ListIdentifiers&metadataPrefix=ivo_vor");
        var token = d.Root!.Descendants(OaiNs + "resumptionToken").Single().Value;
        Assert.NotEmpty(token);
        Assert.Equal("badResumptionToken", ErrorCode(await _server.Oai("verb=ListRecords&resumptionToken=" + Uri.EscapeDataString(token))));
        Assert.Equal("badResumptionToken", ErrorCode(await _server.Oai("verb=ListIdentifiers&resumptionToken=" + Uri.EscapeDataString(token[..^2] + "zz"))));
    }

    [Fact]
    public async Task The_schema_check_fails_on_a_broken_record()
    {
        var d = await _server.Oai("verb=GetRecord&identifier=ivo://vospec.test/tap&metadataPrefix=ivo_vor");
        d.Root!.Descendants(Ri + "Resource").Single().Element("identifier")!.Remove();
        Assert.NotEmpty(IvoaSchemas.Validate(d.ToString()));
        d = await _server.Oai("verb=GetRecord&identifier=ivo://vospec.test/ssa&metadataPrefix=ivo_vor");
        d.Root!.Descendants("complianceLevel").Single().Value = "perfect";
        Assert.NotEmpty(IvoaSchemas.Validate(d.ToString()));
    }

    [Theory]
    [InlineData("tap/capabilities")]
    [InlineData("tap/tables")]
    [InlineData("tap/tables/ivoa.obscore")]
    [InlineData("tap/availability")]
    [InlineData("ssa/capabilities")]
    [InlineData("ssa/availability")]
    [InlineData("datalink/capabilities")]
    [InlineData("datalink/availability")]
    [InlineData("soda/capabilities")]
    [InlineData("soda/availability")]
    public async Task Vosi_documents_validate_against_the_IVOA_schemas(string path)
    {
        IvoaSchemas.AssertValid(await _server.Client.GetStringAsync(path), path);
    }
}

/// <summary>Datestamps and deletions over ingests and restarts (a server of its own).</summary>
[Collection("host")]
public class OaiPmhChangeTests
{
    private static async Task<Dictionary<string, (string Datestamp, bool Deleted)>> Headers(PublishingServer s)
    {
        var result = new Dictionary<string, (string, bool)>();
        string query = "verb=ListIdentifiers&metadataPrefix=ivo_vor";
        while (true)
        {
            var d = await s.Oai(query);
            foreach (var h in d.Root!.Descendants(OaiNs + "header"))
                result.Add(h.Element(OaiNs + "identifier")!.Value, (h.Element(OaiNs + "datestamp")!.Value, h.Attribute("status")?.Value == "deleted"));
            var token = d.Root!.Descendants(OaiNs + "resumptionToken").SingleOrDefault()?.Value;
            if (string.IsNullOrEmpty(token)) return result;
            query = "verb=ListIdentifiers&resumptionToken=" + Uri.EscapeDataString(token);
        }
    }

    [Fact]
    public async Task Ingest_updates_what_it_changes_and_a_withdrawn_collection_stays_as_deleted()
    {
        await using var s = await StartAsync(demo: 20, secret: 0);
        var before = await Headers(s);
        Assert.All(before.Values, v => Assert.False(v.Deleted));
        await Task.Delay(1100); // datestamps have one-second granularity

        // More spectra in the demo collection, written beside the running server.
        DemoCollection.WriteFiles(s.FilesDir, 6, seed: 7, firstIndex: 9000);
        using (var archive = SpectrumArchive.Open(s.ArchiveDir))
            Assert.Equal(6, new Ingester(archive).Run([s.FilesDir], "demo").Ingested);
        var after = await Headers(s);
        foreach (var id in new[] { "ivo://vospec.test/demo", "ivo://vospec.test/tap", "ivo://vospec.test/ssa", "ivo://vospec.test/spec" })
            Assert.True(string.CompareOrdinal(after[id].Datestamp, before[id].Datestamp) > 0, id + " was not updated");
        foreach (var id in new[] { "ivo://vospec.test", "ivo://vospec.test/org", "ivo://vospec.test/registry" })
            Assert.Equal(before[id].Datestamp, after[id].Datestamp);
        // A harvest from the last change gets what changed only.
        var since = after.Values.Max(v => v.Datestamp);
        var changed = (await s.Oai("verb=ListIdentifiers&metadataPrefix=ivo_vor&from=" + since)).Root!.Descendants(OaiNs + "identifier").Select(e => e.Value).ToList();
        Assert.Contains("ivo://vospec.test/demo", changed);
        Assert.DoesNotContain("ivo://vospec.test/org", changed);

        // A restart changes nothing.
        await s.RestartAsync();
        Assert.Equal(after, await Headers(s));

        // The collection made proprietary: its record stays, as deleted, without metadata.
        await s.RestartAsync(new() { ["VoSpec:Access:Collections:demo:Tokens:0"] = "tok-demo-now-closed-4e2a" });
        var closed = await Headers(s);
        Assert.True(closed["ivo://vospec.test/demo"].Deleted);
        var record = await s.Oai("verb=GetRecord&identifier=ivo://vospec.test/demo&metadataPrefix=ivo_vor");
        Assert.Equal("deleted", record.Root!.Descendants(OaiNs + "header").Single().Attribute("status")!.Value);
        Assert.Empty(record.Root!.Descendants(OaiNs + "metadata"));
    }
}
