using System.Net;
using System.Text.Json;
using VoSpec.Core.Sky;
using Xunit;
using static VoSpec.Server.Tests.SpecService.SpecClient;

namespace VoSpec.Server.Tests.SpecService;

[Collection("host")]
public class SpecServiceCallTests(RunningServer server) : IClassFixture<RunningServer>
{
    private async Task<(HttpStatusCode Status, string Body)> Get(string path)
    {
        using var r = await server.Client.GetAsync("spec" + path);
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    private async Task<string> Ok(string path)
    {
        var (status, body) = await Get(path);
        Assert.True(status == HttpStatusCode.OK, $"{path} → {(int)status}: {body}");
        return body;
    }

    private static void AssertRefused(HttpStatusCode status, string body, string because)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Single(body.TrimEnd('\n').Split('\n'));
        Assert.Contains(because, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task IsAlive_answers_hello_world()
    {
        var body = await Ok("");
        Assert.Equal("hello world", body[..11].ToLowerInvariant());
        Assert.Equal("hello world", (await Ok("/"))[..11].ToLowerInvariant());
    }

    [Fact]
    public async Task A_named_context_is_the_json_object_the_client_reads()
    {
        foreach (var name in new[] { "default", "demo" })
        {
            var body = await Ok($"/contexts?context={name}&format=text");
            Assert.Contains("{", body);
            using var doc = JsonDocument.Parse(body);
            var c = doc.RootElement;
            Assert.Equal("specobjid", c.GetProperty("id_main").GetString());
            Assert.Equal("z", c.GetProperty("z").GetString());
            Assert.Equal("false", c.GetProperty("rest_frame").GetString());
            Assert.Equal(name == "default" ? "spec.specobj" : "demo.specobj", c.GetProperty("catalog").GetString());
            Assert.True(c.GetProperty("wavelength_min").GetDouble() < c.GetProperty("wavelength_max").GetDouble());
            Assert.Equal(RunningServer.DemoCount, c.GetProperty("nspec").GetInt32());
        }
        var all = await Ok("/contexts?context=None&format=text");
        Assert.DoesNotContain("{", all);
        Assert.Contains("demo", all);
        var (status, error) = await Get("/contexts?context=nosuch&format=text");
        AssertRefused(status, error, "unknown context 'nosuch'");
    }

    [Fact]
    public async Task Profiles_catalogs_and_validate()
    {
        Assert.Contains("default", await Ok("/profiles?profile=None&format=text"));
        using (var doc = JsonDocument.Parse(await Ok("/profiles?profile=default&format=text")))
            Assert.Equal("default", doc.RootElement.GetProperty("name").GetString());
        var (status, body) = await Get("/profiles?profile=other&format=text");
        AssertRefused(status, body, "unknown profile 'other'");

        Assert.Contains("demo.specobj", await Ok("/catalogs?context=demo&profile=default&format=text"));
        var allCatalogs = await Ok("/catalogs?context=None&profile=default&format=text");
        Assert.Contains("spec.specobj", allCatalogs);
        (status, body) = await Get("/catalogs?context=elsewhere&profile=default&format=text");
        AssertRefused(status, body, "unknown context");

        Assert.Equal("OK", await Ok("/validate?what=context&value=demo"));
        Assert.Equal("OK", await Ok("/validate?what=context&value=default"));
        Assert.Equal("OK", await Ok("/validate?what=profile&value=default"));
        Assert.NotEqual("OK", await Ok("/validate?what=context&value=sdss_dr16"));
        Assert.NotEqual("OK", await Ok("/validate?what=profile&value=private"));
        (status, body) = await Get("/validate?what=colour&value=red");
        AssertRefused(status, body, "what must be context or profile");
    }

    private static List<string[]> Csv(string body)
    {
        Assert.EndsWith("\n", body);
        var lines = body.Split('\n');
        Assert.Equal("", lines[^1]);
        return lines[1..^1].Select(l => l.Split(',')).ToList();
    }

    [Fact]
    public async Task A_q3c_cone_lists_exactly_the_ids_inside_it()
    {
        var catalogue = Catalogue(server);
        foreach (var (centre, radius) in new[] { (catalogue[0], 2.0), (catalogue[7], 5.0), (catalogue[3], 0.0001) })
        {
            var cond = $"q3c_radial_query(ra,dec,{F(centre.Ra)},{F(centre.Dec)},{F(radius)})";
            var body = await Ok($"/query?id=&fields=specobjid&catalog=demo.specobj&cond={Q(cond)}&context=demo&profile=default&debug=False&verbose=False");
            Assert.StartsWith("specobjid\n", body);
            var got = Csv(body).Select(r => long.Parse(r[0])).Order().ToList();
            var c = new SkyPoint(centre.Ra, centre.Dec);
            var expected = catalogue.Where(s => c.DistanceTo(new SkyPoint(s.Ra, s.Dec)) <= radius).Select(s => s.SpecObjId).Order().ToList();
            Assert.Contains(centre.SpecObjId, got);
            Assert.Equal(expected, got);
        }
    }

    [Fact]
    public async Task A_q3c_polygon_in_either_array_form_lists_the_ids_inside_it()
    {
        var catalogue = Catalogue(server);
        var p = catalogue[5];
        double h = 3;
        var corners = new[] { (p.Ra - h, p.Dec - h), (p.Ra + h, p.Dec - h), (p.Ra + h, p.Dec + h), (p.Ra - h, p.Dec + h) };
        var flat = "ARRAY[" + string.Join(", ", corners.SelectMany(x => new[] { F(x.Item1), F(x.Item2) })) + "]";
        var tuples = "ARRAY[" + string.Join(", ", corners.Select(x => $"({F(x.Item1)}, {F(x.Item2)})")) + "]";
        var results = new List<List<long>>();
        foreach (var array in new[] { flat, tuples })
        {
            var body = await Ok($"/query?id=&fields=specobjid,ra,dec&catalog=spec.specobj&cond={Q($"q3c_poly_query(ra,dec,{array})")}&context=default");
            var rows = Csv(body);
            results.Add(rows.Select(r => long.Parse(r[0])).Order().ToList());
        }
        Assert.Equal(results[0], results[1]);
        Assert.Contains(p.SpecObjId, results[0]);
        // Great-circle edges bulge from constant-Dec lines: compare only spectra clearly inside or outside the square.
        foreach (var s in catalogue)
        {
            double dx = Math.Abs(s.Ra - p.Ra), dy = Math.Abs(s.Dec - p.Dec);
            if (dx < h - 0.3 && dy < h - 0.3) Assert.Contains(s.SpecObjId, results[0]);
            if (dx > h + 0.3 || dy > h + 0.3) Assert.DoesNotContain(s.SpecObjId, results[0]);
        }
    }

    [Fact]
    public async Task Conditions_order_by_and_limit_follow_the_spatial_part_or_stand_alone()
    {
        var catalogue = Catalogue(server);
        var body = await Ok($"/query?fields=specobjid,z&catalog=demo.specobj&cond={Q("z > 0.05 ORDER BY z DESC LIMIT 5")}&context=demo");
        var rows = Csv(body);
        var expected = catalogue.Where(s => s.Z > 0.05).OrderByDescending(s => s.Z).Take(5).Select(s => s.SpecObjId).ToList();
        Assert.Equal(expected, rows.Select(r => long.Parse(r[0])).ToList());

        var c = catalogue[0];
        body = await Ok($"/query?fields=specobjid&catalog=demo.specobj&cond={Q($"q3c_radial_query(ra,dec,{F(c.Ra)},{F(c.Dec)},180) LIMIT 3")}&context=demo");
        Assert.Equal(3, Csv(body).Count);
        body = await Ok($"/query?fields=specobjid&catalog=demo.specobj&cond={Q($"q3c_radial_query(ra,dec,{F(c.Ra)},{F(c.Dec)},180) AND class = 'QSO' ORDER BY specobjid")}&context=demo");
        Assert.All(Csv(body), r => Assert.Contains(long.Parse(r[0]), catalogue.Select(s => s.SpecObjId)));
        body = await Ok($"/query?fields=plate,mjd,fiberid&catalog=demo.specobj&cond={Q("LIMIT 2")}&context=demo");
        Assert.StartsWith("plate,mjd,fiberid\n", body);
        Assert.Equal(2, Csv(body).Count);
        body = await Ok($"/query?fields=specobjid&catalog=demo.specobj&cond=&context=demo");
        Assert.Equal(RunningServer.DemoCount, Csv(body).Count);
    }

    [Fact]
    public async Task The_id_parameter_asks_for_one_object()
    {
        var s = Catalogue(server)[4];
        var body = await Ok($"/query?id={s.Id}&fields=z&catalog=demo.specobj&cond=&context=demo&profile=default");
        var rows = Csv(body);
        Assert.Single(rows);
        Assert.Equal(s.Z, double.Parse(rows[0][0], System.Globalization.CultureInfo.InvariantCulture));
        body = await Ok($"/query?id={Q(s.Tuple)}&fields=specobjid&catalog=spec.specobj&cond=&context=default");
        Assert.Equal(s.Id, Csv(body).Single()[0]);
    }

    [Fact]
    public async Task Query_answers_json_and_votable_too()
    {
        var json = await Ok($"/query?fields=specobjid,ra&catalog=demo.specobj&cond={Q("LIMIT 4")}&format=json");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(4, doc.RootElement.GetArrayLength());
        Assert.True(doc.RootElement[0].GetProperty("specobjid").GetInt64() != 0);
        var vot = await Ok($"/query?fields=specobjid,ra&catalog=demo.specobj&cond={Q("LIMIT 4")}&format=votable");
        Assert.Contains("<TABLEDATA>", vot);
        Assert.Contains("unit=\"deg\"", vot);
    }

    [Theory]
    [InlineData("cond", "z > 0; DROP TABLE specobj", "semicolon")]
    [InlineData("cond", "z > (SELECT max(z) FROM ivoa.obscore)", "SELECT is not allowed")]
    [InlineData("cond", "z > 0 UNION SELECT 1", "UNION is not allowed")]
    [InlineData("cond", "pg_sleep(10) = 1", "function pg_sleep is not offered")]
    [InlineData("cond", "q3c_dist(ra,dec,1,2) < 1", "function q3c_dist is not offered")]
    [InlineData("cond", "q3c_radial_query(ra,dec,1,2)", "takes 5 arguments")]
    [InlineData("cond", "q3c_radial_query(ra,dec,1,2,z)", "radius must be a number")]
    [InlineData("cond", "q3c_poly_query(ra,dec,ARRAY[1,2,3,4])", "at least 3 vertices")]
    [InlineData("cond", "q3c_poly_query(ra,dec,ARRAY['a',2,3,4,5,6])", "only numbers")]
    [InlineData("cond", "z > ", "cond:")]
    [InlineData("cond", "(z > 1", "unbalanced")]
    [InlineData("cond", "z > 1 -- comment", "comments")]
    [InlineData("cond", "nosuchcolumn > 1", "nosuchcolumn")]
    [InlineData("cond", "z > 1 LIMIT ten", "LIMIT must be followed")]
    [InlineData("cond", "z > 1 LIMIT 5 WHERE 1=1", "WHERE is not allowed")]
    [InlineData("cond", "ra[1] > 0", "brackets")]
    [InlineData("catalog", "ivoa.obscore", "unknown catalog 'ivoa.obscore'")]
    [InlineData("catalog", "TAP_SCHEMA.tables", "unknown catalog")]
    [InlineData("fields", "z;x", "not a column name")]
    [InlineData("fields", "count(*)", "not a column name")]
    [InlineData("fields", "password", "password")]
    [InlineData("context", "elsewhere", "unknown context 'elsewhere'")]
    [InlineData("id", "12abc", "not a specobjid")]
    [InlineData("format", "parquet", "format 'parquet'")]
    public async Task Queries_outside_the_grammar_are_refused_with_a_reason(string parameter, string value, string because)
    {
        var p = new Dictionary<string, string> { ["id"] = "", ["fields"] = "specobjid", ["catalog"] = "demo.specobj", ["cond"] = "", ["context"] = "demo", ["profile"] = "default" };
        p[parameter] = value;
        var (status, body) = await Get("/query?" + string.Join("&", p.Select(kv => kv.Key + "=" + Q(kv.Value))));
        AssertRefused(status, body, because);
    }
}
