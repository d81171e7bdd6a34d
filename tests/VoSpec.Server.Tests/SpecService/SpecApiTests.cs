using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using VoSpec.Server.SpecService;
using Xunit;

namespace VoSpec.Server.Tests.SpecService;

/// <summary>
/// The /spec service's OpenAPI document (issue 16): read back with Microsoft.OpenApi's own reader and validator without
/// an error, every /spec route the server maps described with its parameters and formats, and its reference page
/// served from the server itself.
/// </summary>
[Collection("host")]
public class SpecApiTests(RunningServer server) : IClassFixture<RunningServer>
{
    private async Task<(OpenApiDocument Doc, OpenApiDiagnostic Diagnostic)> Read()
    {
        using var r = await server.Client.GetAsync("openapi/spec.json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var result = OpenApiDocument.Parse(await r.Content.ReadAsStringAsync(), "json");
        return (result.Document!, result.Diagnostic!);
    }

    [Fact]
    public async Task The_document_reads_back_and_validates_without_errors()
    {
        var (doc, diagnostic) = await Read();
        Assert.Empty(diagnostic.Errors);
        Assert.Empty(doc.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        Assert.StartsWith("VoSpec", doc.Info.Title);
        // The reader does report errors: a document without its required parts.
        Assert.NotEmpty(OpenApiDocument.Parse("""{"openapi": "3.1.1", "paths": {"/x": {"get": {"responses": 5}}}}""", "json").Diagnostic!.Errors);
    }

    [Fact]
    public async Task Every_spec_route_is_described_with_its_parameters_and_formats()
    {
        var (doc, _) = await Read();
        var routes = server.Endpoints().Where(e => e.Path == "/spec" || e.Path.StartsWith("/spec/", StringComparison.Ordinal)).ToList();
        Assert.True(routes.Count >= 12, string.Join(", ", routes));
        foreach (var (path, methods) in routes)
        {
            Assert.True(doc.Paths.TryGetValue(path, out var item), $"{path} is not in the document");
            foreach (var method in methods)
            {
                var op = item!.Operations![HttpMethod.Parse(method)];
                var call = SpecApi.Find(path.TrimStart('/'))!;
                Assert.False(string.IsNullOrEmpty(op.Summary), $"{method} {path} has no summary");
                var described = method == "POST"
                    ? op.RequestBody!.Content!["application/x-www-form-urlencoded"].Schema!.Properties!.Keys.ToList()
                    : (op.Parameters ?? []).Select(p => p.Name!).ToList();
                Assert.Equal(call.Parameters.Select(p => p.Name), described);
                Assert.Equal(call.Formats, op.Responses!["200"].Content!.Keys);
                Assert.Contains("400", op.Responses.Keys);
            }
        }
        var getSpec = doc.Paths["/spec/getSpec"]!.Operations![HttpMethod.Post];
        Assert.Contains(SpecParameters.IdListName, getSpec.RequestBody!.Content!["application/x-www-form-urlencoded"].Schema!.Required!);
    }

    /// <summary>The calls that read the named grid (RetrievalRequest.Span) each describe w0, w1 and every step it reads; listSpan does not.</summary>
    [Fact]
    public async Task The_named_grid_parameters_are_described_for_each_call_that_reads_them()
    {
        var (doc, _) = await Read();
        string[] grid = ["w0", "w1", .. RetrievalRequest.GridSteps];
        Assert.Contains("dlambda", grid);
        foreach (var call in new[] { "getSpec", "plotGrid", "stackedImage" })
        {
            var form = doc.Paths[$"/spec/{call}"]!.Operations![HttpMethod.Post].RequestBody!.Content!["application/x-www-form-urlencoded"].Schema!.Properties!;
            Assert.All(grid, name => Assert.True(form.ContainsKey(name), $"{call} does not describe {name}"));
        }
        var listSpan = doc.Paths["/spec/listSpan"]!.Operations![HttpMethod.Post].RequestBody!.Content!["application/x-www-form-urlencoded"].Schema!.Properties!;
        Assert.DoesNotContain("dlambda", listSpan.Keys);   // the check can fail: a call without the grid lacks it
    }

    [Fact]
    public async Task The_reference_page_is_served_locally()
    {
        var html = await server.Client.GetStringAsync("docs/api");
        Assert.Contains("<script", html);
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"([^\"]+)\""))
            Assert.False(m.Groups[1].Value.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !m.Groups[1].Value.StartsWith(server.BaseUri.ToString()),
                $"the page loads {m.Groups[1].Value} from elsewhere");
        var script = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        using var js = await server.Client.GetAsync(new Uri(new Uri(server.BaseUri, "docs/api/"), script));
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
    }
}
