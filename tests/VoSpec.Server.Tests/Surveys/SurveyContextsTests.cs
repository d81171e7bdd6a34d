using System.Globalization;
using System.Net;
using System.Text.Json;
using Xunit;
using static VoSpec.Server.Tests.SpecService.SpecClient;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// /spec over three surveys, by HTTP: a context per collection (sdss, desi, lamost) plus default across all, each
/// with its own counts, flux unit and survey table; the query call reads a survey's own table for its collection;
/// getSpec in a survey's context finds that survey's ids and no other's.
/// </summary>
public sealed class SurveyContextsTests(RealSurveysServer server) : IClassFixture<RealSurveysServer>
{
    private async Task<JsonElement> Json(string path)
    {
        var body = await server.Client.GetStringAsync(path);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Each_collection_is_a_context_with_its_own_counts_units_and_survey_table()
    {
        var all = await Json("spec/contexts?context=None&format=json");
        Assert.Equal(["default", "desi", "lamost", "sdss"], all.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(30, all.GetProperty("default").GetProperty("nspec").GetInt32());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("default").GetProperty("flux_unit").ValueKind);   // three surveys, two kinds of flux

        var desi = await Json("spec/contexts?context=desi");
        Assert.Equal((8, "desi.specobj", "desi.fibermap", "DESI"), (desi.GetProperty("nspec").GetInt32(), desi.GetProperty("catalog").GetString(),
            desi.GetProperty("survey_catalog").GetString(), desi.GetProperty("survey").GetString()));
        Assert.Equal(VoSpec.Core.Spectra.SpectrumUnits.Flux, desi.GetProperty("flux_unit").GetString());
        Assert.Equal("specobjid", desi.GetProperty("id_main").GetString());

        var lamost = await Json("spec/contexts?context=lamost");
        Assert.Equal((2, "lamost.lrs"), (lamost.GetProperty("nspec").GetInt32(), lamost.GetProperty("survey_catalog").GetString()));
        Assert.Equal(JsonValueKind.Null, lamost.GetProperty("flux_unit").ValueKind);

        var sdss = await Json("spec/contexts?context=sdss");
        Assert.Equal(20, sdss.GetProperty("nspec").GetInt32());
        Assert.Equal(JsonValueKind.Null, sdss.GetProperty("survey_catalog").ValueKind);

        var catalogs = await server.Client.GetStringAsync("spec/catalogs?context=desi&format=text");
        Assert.Contains("desi.specobj", catalogs);
        Assert.Contains("desi.fibermap", catalogs);
    }

    [Fact]
    public async Task The_query_call_reads_a_surveys_own_table_restricted_to_its_collection()
    {
        var csv = await server.Client.GetStringAsync("spec/query?context=desi&catalog=desi.fibermap&fields=specobjid,targetid,tileid&cond=" + Q("targetid > 0 ORDER BY specobjid"));
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("specobjid,targetid,tileid", lines[0]);
        var expected = server.Spectrum().Where(s => s.Collection == "desi").Select(s => s.SpecObjId).Order().ToList();
        Assert.Equal(expected, lines.Skip(1).Select(l => long.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)));

        var lamost = await server.Client.GetStringAsync("spec/query?context=lamost&catalog=lamost.lrs&fields=obsid,snrg&cond=" + Q("class = 'STAR' ORDER BY obsid"));
        Assert.Equal(["obsid,snrg", "101001,12.22", "101013,5.56"], lamost.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // A column the table lacks, and a table no context offers: 400 with a reason, never a 500.
        using var missing = await server.Client.GetAsync("spec/query?catalog=desi.fibermap&fields=plate");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using var unknown = await server.Client.GetAsync("spec/query?catalog=desi.zpix&fields=specobjid");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("desi.fibermap", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetSpec_in_a_surveys_context_finds_its_ids_and_no_others()
    {
        var spectra = server.Spectrum();
        string Id(string c) => spectra.First(s => s.Collection == c).SpecObjId.ToString(CultureInfo.InvariantCulture);
        var desi = await PostBytes(server, "getSpec", [Id("desi")], ("values", "flux"), ("format", "numpy"), ("align", "False"), ("context", "desi"));
        Assert.True(desi.Length > 1000);
        using var other = await Post(server, "getSpec", [Id("sdss")], ("values", "flux"), ("format", "numpy"), ("align", "False"), ("context", "lamost"));
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Contains("context lamost", await other.Content.ReadAsStringAsync());
        using var everywhere = await Post(server, "getSpec", [Id("sdss"), Id("desi"), Id("lamost")], ("values", "flux"), ("format", "numpy"), ("align", "True"), ("context", "default"));
        Assert.Equal(HttpStatusCode.OK, everywhere.StatusCode);
    }
}
