using System.Collections.Frozen;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static VoSpec.Server.Web.WebPages;

namespace VoSpec.Server.Web;

/// <summary>
/// GET /docs/ and /docs/{name}.md : the repository's docs/*.md (embedded at build, see the project file), rendered as
/// pages in the site's frame by <see cref="MarkdownHtml"/>, so that the landing page can point a reader at them and a
/// deployed server documents itself. /docs/api, the /spec reference, is a separate route (SpecService/SpecApi.cs).
/// </summary>
public static class DocsPages
{
    private const string Prefix = "VoSpec.Docs/";

    /// <summary>Each document by its path under docs/ ("access.md", "reliability/faults.md"), with its text and title.</summary>
    public static readonly FrozenDictionary<string, (string Text, string Title)> All = Load();

    private static FrozenDictionary<string, (string, string)> Load()
    {
        var assembly = typeof(DocsPages).Assembly;
        var docs = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!, Encoding.UTF8);
            string text = reader.ReadToEnd(), path = name[Prefix.Length..].Replace('\\', '/');
            string title = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Replace("`", "", StringComparison.Ordinal) ?? path; // a title is plain text in a list
            docs[path] = (text, title);
        }
        return docs.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The documents in reading order: the top-level ones by name, each folder's after them (README, the index, is the page /docs/ itself).</summary>
    public static IEnumerable<KeyValuePair<string, (string Text, string Title)>> Listed() =>
        All.Where(d => d.Key != "README.md").OrderBy(d => d.Key.Count(c => c == '/')).ThenBy(d => d.Key, StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapDocsPages(this IEndpointRouteBuilder app)
    {
        // One route for /docs and /docs/ (routing does not tell them apart): the index's relative links need the slash.
        app.MapGet("/docs", (HttpContext http) => http.Request.Path.Value!.EndsWith('/')
            ? Page(http, Index()) : Results.Redirect("docs/"));
        app.MapGet("/docs/{**path}", (HttpContext http, string path) =>
        {
            if (!All.TryGetValue(path, out var doc))
                return Results.Text("NotFoundFault: no such document; the list is at /docs/\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            int depth = path.Count(c => c == '/');
            string root = string.Concat(Enumerable.Repeat("../", depth + 1)), folder = path[..(path.LastIndexOf('/') + 1)];
            string body = "<p class=\"note\"><a href=\"" + root + "docs/\">All documents</a></p>\n<article class=\"doc\">\n"
                + MarkdownHtml.Render(doc.Text, folder, All.ContainsKey) + "</article>\n";
            return Page(http, ShellAt(root, "VoSpec – " + doc.Title, body, "common.js"));
        });
        return app;
    }

    private static string Index()
    {
        var sb = new StringBuilder("<h1>Documentation</h1>\n<p>The documents of the VoSpec repository (its <code>docs/</code> folder), as this server was built with them. ")
            .Append("The reference of the <code>/spec</code> service is at <a href=\"../docs/api\">/docs/api</a>.</p>\n<ul id=\"docs\">\n");
        foreach (var (path, doc) in Listed())
            sb.Append("<li><a href=\"").Append(E(path)).Append("\">").Append(E(doc.Title)).Append("</a> <small>").Append(E(path)).Append("</small></li>\n");
        sb.Append("</ul>\n");
        return ShellAt("../", "VoSpec – documentation", sb.ToString(), "common.js");
    }
}
