using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Xml;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Vocabularies;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Server.OData;
using VoSpec.Server.Tests.Registry;
using Xunit;

namespace VoSpec.Server.Tests.OData;

/// <summary>
/// The OData feed (issue 16) on a real server with 2,000 demo spectra and a proprietary collection: $metadata read by
/// Microsoft.OData's CSDL reader and checked against TAP_SCHEMA, answers read by its ODataMessageReader against that
/// model, the same questions through TAP and OData giving the same rows, a paged walk of the 2,000 rows, rights as in
/// TAP, the cone through the sky index, and OData's error JSON for bad queries.
/// </summary>
[Collection("host")]
public class ODataTests : IAsyncLifetime
{
    private PublishingServer _server = null!;
    private IEdmModel _model = null!;

    public async Task InitializeAsync()
    {
        _server = await PublishingServer.StartAsync(demo: 2000, more: new() { ["VoSpec:OData:PageSize"] = "300" });
        using var reader = XmlReader.Create(await _server.Client.GetStreamAsync("odata/$metadata"));
        Assert.True(CsdlReader.TryParse(reader, out _model, out var errors), string.Join("; ", errors?.Select(e => e.ErrorMessage) ?? []));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed class Response(HttpResponseMessage http, Stream body) : IODataResponseMessageAsync
    {
        public IEnumerable<KeyValuePair<string, string>> Headers =>
            http.Headers.Concat(http.Content.Headers).Select(h => KeyValuePair.Create(h.Key, string.Join(",", h.Value)));
        public int StatusCode { get => (int)http.StatusCode; set { } }
        public string GetHeader(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        public void SetHeader(string name, string value) { }
        public Stream GetStream() => body;
        public Task<Stream> GetStreamAsync() => Task.FromResult(body);
    }

    /// <summary>One page read by ODataMessageReader against the served model: its rows' properties, count and next link.</summary>
    private async Task<(List<Dictionary<string, object?>> Rows, long? Count, Uri? Next)> Read(string url, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        using var http = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        var body = new MemoryStream(await http.Content.ReadAsByteArrayAsync());
        var set = _model.EntityContainer.FindEntitySet(url.Split('?')[0].Split('/')[^1]);
        using var message = new ODataMessageReader((IODataResponseMessage)new Response(http, body), new ODataMessageReaderSettings { EnableMessageStreamDisposal = false }, _model);
        var reader = message.CreateODataResourceSetReader(set, set.EntityType);
        var rows = new List<Dictionary<string, object?>>();
        ODataResourceSet? feed = null;
        while (reader.Read())
        {
            if (reader.State == ODataReaderState.ResourceEnd)
                rows.Add(((ODataResource)reader.Item).Properties.OfType<ODataProperty>().ToDictionary(p => p.Name, p => (object?)p.Value));
            if (reader.State == ODataReaderState.ResourceSetEnd) feed = (ODataResourceSet)reader.Item;
        }
        return (rows, feed!.Count, feed.NextPageLink);
    }

    private async Task<List<string>> Tap(string adql)
    {
        var csv = await _server.Client.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString(adql));
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim().Trim('"')).ToList();
    }

    [Fact]
    public async Task Metadata_names_types_descriptions_and_units_agree_with_TAP_SCHEMA()
    {
        var unitTerm = "Org.OData.Measures.V1.Unit";
        foreach (var (set, table) in new[] { ("obscore", "ivoa.obscore"), ("specobj", "spec.specobj") })
        {
            var type = _model.EntityContainer.FindEntitySet(set).EntityType;
            var csv = await _server.Client.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=tsv&QUERY=" +
                Uri.EscapeDataString($"SELECT column_name, datatype, unit, description FROM TAP_SCHEMA.columns WHERE table_name = '{table}'"));
            var tap = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t')).ToList();
            Assert.Equal(tap.Select(c => c[0]).Order(), type.StructuralProperties().Select(p => p.Name).Where(n => n != ODataSet.Position).Order());
            foreach (var c in tap)
            {
                var p = type.FindProperty(c[0]);
                Assert.Equal(c[1] switch { "double" => "Edm.Double", "long" => "Edm.Int64", "int" => "Edm.Int32", "short" => "Edm.Int16", _ => "Edm.String" }, p.Type.FullName());
                var annotations = _model.FindVocabularyAnnotations(p).ToList();
                Assert.Equal(c[3], (annotations.SingleOrDefault(a => a.Term.FullName() == "Org.OData.Core.V1.Description")?.Value as IEdmStringConstantExpression)?.Value ?? "");
                Assert.Equal(c[2], (annotations.SingleOrDefault(a => a.Term.FullName() == unitTerm)?.Value as IEdmStringConstantExpression)?.Value ?? "");
            }
        }
        using var doc = JsonDocument.Parse(await _server.Client.GetStringAsync("odata"));
        Assert.Equal(["obscore", "specobj"], doc.RootElement.GetProperty("value").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Paging_walks_2000_rows_without_gaps_or_repeats()
    {
        var seen = new List<string>();
        string? url = "odata/obscore?$select=obs_publisher_did,s_ra,position&$filter=obs_collection eq 'demo'&$count=true";
        int pages = 0;
        while (url is not null)
        {
            var (rows, count, next) = await Read(url);
            if (pages++ == 0) Assert.Equal(2000, count);
            Assert.InRange(rows.Count, 1, 300);
            Assert.All(rows, r => Assert.IsType<Microsoft.Spatial.GeographyPoint>(r[ODataSet.Position], exactMatch: false));
            seen.AddRange(rows.Select(r => (string)r["obs_publisher_did"]!));
            url = next is null ? null : next.PathAndQuery.TrimStart('/');
        }
        Assert.Equal(7, pages);
        Assert.Equal(2000, seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(await Tap("SELECT obs_publisher_did FROM ivoa.obscore WHERE obs_collection = 'demo' ORDER BY obs_publisher_did"), seen);
        // $top across pages: the last page stops at $top.
        var (first, _, link) = await Read("odata/obscore?$select=obs_id&$top=450&$orderby=obs_id desc");
        Assert.Equal(300, first.Count);
        var (second, _, none) = await Read(link!.PathAndQuery.TrimStart('/'));
        Assert.Equal(150, second.Count);
        Assert.Null(none);
    }

    [Theory]
    [InlineData("geo.distance(position, geography'POINT(161.5 -1.5)') lt 1.2", "DISTANCE(POINT('ICRS', s_ra, s_dec), POINT('ICRS', 161.5, -1.5)) < 1.2")]
    [InlineData("1.5 ge geo.distance(geography'POINT(161.5 -1.5)', position) and s_dec lt -1", "CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 161.5, -1.5, 1.5)) = 1 AND s_dec < -1")]
    [InlineData("geo.distance(position, geography'POINT(161.5 -1.5)') gt 2 and s_dec lt 0", "DISTANCE(POINT('ICRS', s_ra, s_dec), POINT('ICRS', 161.5, -1.5)) > 2 AND s_dec < 0")]
    [InlineData("startswith(obs_id,'40') and em_max gt 9e-7", "obs_id LIKE '40%' AND em_max > 9e-7")]
    [InlineData("contains(target_name,'+0') or calib_level in (1, 3)", "target_name LIKE '%+0%' OR calib_level IN (1, 3)")]
    [InlineData("tolower(obs_collection) eq 'demo' and not (s_dec le -10) and s_ra mul 2 sub 100 gt 200", "LOWER(obs_collection) = 'demo' AND NOT (s_dec <= -10) AND s_ra * 2 - 100 > 200")]
    [InlineData("geo.intersects(position, geography'POLYGON((160.5 -2, 162.5 -2, 162.5 -0.5, 160.5 -0.5, 160.5 -2))')", "CONTAINS(POINT('ICRS', s_ra, s_dec), POLYGON('ICRS', 160.5, -2, 162.5, -2, 162.5, -0.5, 160.5, -0.5)) = 1")]
    [InlineData("t_exptime eq null or round(s_fov mul 3600) eq 3", "t_exptime IS NULL OR ROUND(s_fov * 3600) = 3")]
    public async Task The_same_question_through_TAP_and_OData_gives_the_same_rows(string filter, string where)
    {
        var tap = await Tap($"SELECT obs_publisher_did FROM ivoa.obscore WHERE {where} ORDER BY obs_publisher_did");
        Assert.NotEmpty(tap);
        var odata = new List<string>();
        string? url = "odata/obscore?$select=obs_publisher_did&$orderby=obs_publisher_did&$filter=" + Uri.EscapeDataString(filter);
        while (url is not null)
        {
            var (rows, _, next) = await Read(url);
            odata.AddRange(rows.Select(r => (string)r["obs_publisher_did"]!));
            url = next?.PathAndQuery.TrimStart('/');
        }
        Assert.Equal(tap, odata);
    }

    [Fact]
    public async Task A_row_leads_to_its_spectrum_and_its_DataLink_links()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "odata/obscore?$top=1&$select=obs_publisher_did");
        using var http = await _server.Client.SendAsync(request);
        var body = new MemoryStream(await http.Content.ReadAsByteArrayAsync());
        var set = _model.EntityContainer.FindEntitySet("obscore");
        using var message = new ODataMessageReader((IODataResponseMessage)new Response(http, body),
            new ODataMessageReaderSettings { EnableMessageStreamDisposal = false, ShouldIncludeAnnotation = _ => true }, _model);
        var reader = message.CreateODataResourceSetReader(set, set.EntityType);
        ODataResource? row = null;
        while (reader.Read()) if (reader.State == ODataReaderState.ResourceEnd) row = (ODataResource)reader.Item;
        var did = (string)row!.Properties.OfType<ODataProperty>().Single(p => p.Name == "obs_publisher_did").Value;
        // The media stream is the spectrum as DataLink's #this serves it; the annotation is its {links} document.
        var mediaTypes = _model.FindVocabularyAnnotations(set.EntityType).Single(a => a.Term.FullName() == "Org.OData.Core.V1.AcceptableMediaTypes");
        Assert.Equal(["application/fits"], ((IEdmCollectionExpression)mediaTypes.Value).Elements.Cast<IEdmStringConstantExpression>().Select(e => e.Value));
        var links = (string)((ODataPrimitiveValue)row.InstanceAnnotations.Single(a => a.Name == "VoSpec.DataLink").Value).Value;
        Assert.Equal("https://vospec.test/datalink/links?ID=" + Uri.EscapeDataString(did), links);
        Assert.Equal("https://vospec.test/datalink/dataset?ID=" + Uri.EscapeDataString(did), row.MediaResource.ReadLink.ToString());
        using var fits = await _server.Client.GetAsync(row.MediaResource.ReadLink.PathAndQuery.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal("SIMPLE  =", System.Text.Encoding.ASCII.GetString((await fits.Content.ReadAsByteArrayAsync())[..9]));
        var votable = await _server.Client.GetStringAsync(new Uri(links).PathAndQuery.TrimStart('/'));
        Assert.Contains("#this", votable);

        // IEEE754Compatible: 64-bit integers as strings, read back as Int64 by the OData reader.
        using var exact = new HttpRequestMessage(HttpMethod.Get, "odata/specobj?$top=1&$select=specobjid");
        exact.Headers.Accept.ParseAdd("application/json;odata.metadata=minimal;IEEE754Compatible=true");
        using var exactHttp = await _server.Client.SendAsync(exact);
        var text = await exactHttp.Content.ReadAsStringAsync();
        Assert.Matches("\"specobjid\":\"[0-9]+\"", text);
        Assert.Contains("IEEE754Compatible=true", exactHttp.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Whole_rows_from_the_stored_BINARY2_rows_are_the_same_JSON_as_cell_by_cell()
    {
        // A second server on the same archive that reads every cell from its column.
        var app = VoSpec.Server.Hosting.VoSpecHost.Build(_server.Settings(new() { ["VoSpec:OData:StoredRows"] = "false" }));
        await app.StartAsync();
        try
        {
            using var cells = new HttpClient { BaseAddress = new Uri(VoSpec.Server.Hosting.VoSpecHost.BaseUrls(app)[0]) };
            foreach (var url in new[]
            {
                "odata/obscore?$top=300&$filter=geo.distance(position, geography'POINT(161.5 -1.5)') lt 3",
                "odata/obscore?$orderby=em_min desc,obs_id&$top=120&$skip=7&$count=true",
                "odata/obscore?$top=50&$filter=t_exptime eq null or s_dec lt 0",
            })
            {
                var stored = await _server.Client.GetStringAsync(url);
                Assert.Equal(await cells.GetStringAsync(url), stored);
                Assert.Contains("\"s_region\":\"Circle ICRS", stored);
            }
        }
        finally { await app.StopAsync(); await app.DisposeAsync(); }
    }

    [Fact]
    public async Task A_proprietary_collection_is_invisible_without_its_token()
    {
        Assert.Equal("2000", await _server.Client.GetStringAsync("odata/obscore/$count"));
        var (hidden, count, _) = await Read("odata/specobj?$filter=collection eq 'secret_survey'&$count=true");
        Assert.Empty(hidden);
        Assert.Equal(0, count);
        var (shown, shownCount, _) = await Read("odata/specobj?$filter=collection eq 'secret_survey'&$count=true", PublishingServer.SecretToken);
        Assert.Equal(8, shown.Count);
        Assert.Equal(8, shownCount);
    }

    [Fact]
    public async Task The_cone_is_answered_through_the_sky_index_and_from_stored_rows()
    {
        var set = ODataModel.Find("obscore")!;
        var query = ODataQuery.Parse(set, new QueryCollection(new Dictionary<string, StringValues>
        {
            ["$filter"] = "geo.distance(position, geography'POINT(180 0)') lt 0.5",
            ["$top"] = "100",
        }), 1000, countOnly: false);
        var sql = SqliteTranslator.Translate(query.Statement, TableMetadata.Published).Sql;
        Assert.Contains("spatial_idx", sql);
        using var archive = SpectrumArchive.Open(_server.ArchiveDir);
        using var conn = archive.Sqlite.OpenConnection();
        VoSpec.Adql.Translator.SqliteAdqlFunctions.Register(conn);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var plan = new List<string>();
        using (var r = cmd.ExecuteReader()) while (r.Read()) plan.Add(r.GetString(r.FieldCount - 1));
        Assert.Contains(plan, p => p.Contains("VIRTUAL TABLE INDEX"));
        // Whole ObsCore rows: the archive answers with its stored BINARY2 rows.
        await using var execution = await archive.Adql.PrepareAsync(new VoSpec.Archive.Queries.AdqlRequest { Statement = query.Statement, StoredRows = true }, default);
        Assert.True(execution.RowsPreEncoded);
    }

    [Theory]
    [InlineData("odata/obscore?$filter=s_ra gt", 400, "$filter", "position 7")]
    [InlineData("odata/obscore?$filter=nosuch eq 1", 400, "$filter", "nosuch")]
    [InlineData("odata/obscore?$filter=length(obs_id) gt 3", 400, "$filter", "length")]
    [InlineData("odata/obscore?$filter=contains(obs_id,'4_0')", 400, "$filter", "%")]
    [InlineData("odata/obscore?$orderby=s_ra sideways", 400, "$orderby", "")]
    [InlineData("odata/obscore?$select=nothing", 400, "$select", "nothing")]
    [InlineData("odata/obscore?$top=-1", 400, "$top", "")]
    [InlineData("odata/obscore?$top=x", 400, "$top", "")]
    [InlineData("odata/obscore?$expand=specobj", 400, "$expand", "$expand")]
    [InlineData("odata/obscore?$format=xml", 400, "$format", "JSON")]
    [InlineData("odata/obscore?$top=1&$top=2", 400, "$top", "once")]
    [InlineData("odata/nothing", 404, null, "obscore")]
    public async Task Bad_queries_get_OData_error_json(string url, int status, string? target, string words)
    {
        using var response = await _server.Client.GetAsync(url);
        Assert.Equal(status, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
        Assert.Contains(words, error.GetProperty("message").GetString());
        if (target is not null) Assert.Equal(target, error.GetProperty("target").GetString());
    }
}
