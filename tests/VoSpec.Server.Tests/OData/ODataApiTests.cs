using System.Net;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using VoSpec.Server.OData;
using Xunit;

namespace VoSpec.Server.Tests.OData;

/// <summary>The OData feed's OpenAPI document (issue 16): read back and validated by Microsoft.OpenApi, every /odata route described.</summary>
[Collection("host")]
public class ODataApiTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public async Task Every_odata_route_is_described_and_the_document_validates()
    {
        using var r = await server.Client.GetAsync("openapi/odata.json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var result = OpenApiDocument.Parse(await r.Content.ReadAsStringAsync(), "json");
        Assert.Empty(result.Diagnostic!.Errors);
        var doc = result.Document!;
        Assert.Empty(doc.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        var routes = server.Endpoints().Where(e => e.Path == "/odata" || e.Path.StartsWith("/odata/", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, routes.Count);
        foreach (var (path, methods) in routes)
        {
            Assert.True(doc.Paths.TryGetValue(path, out var item), $"{path} is not in the document");
            var route = ODataApi.Find(path.TrimStart('/'))!;
            foreach (var method in methods)
            {
                var op = item!.Operations![HttpMethod.Parse(method)];
                Assert.Equal(route.Summary, op.Summary);
                Assert.Equal(route.Options.Select(o => o.Name), (op.Parameters ?? []).Where(p => p.In == ParameterLocation.Query).Select(p => p.Name));
                Assert.Contains("400", op.Responses!.Keys);
            }
        }
        // The reference page lists both documents.
        var page = await server.Client.GetStringAsync("docs/api");
        Assert.Contains("odata", page);
    }
}
