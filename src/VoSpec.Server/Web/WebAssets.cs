using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VoSpec.Server.Web;

/// <summary>
/// The web pages' scripts, styles, line list and the vendored uPlot, embedded in the server's assembly (Web/assets/,
/// see the project file) and served read-only under /web/. Embedded so that the pages need no directory beside the
/// binaries and nothing from outside; distinct from /static/, which serves an operator's own directory.
/// </summary>
public static class WebAssets
{
    public const string RequestPath = "/web";
    private const string Prefix = "VoSpec.Web/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
        [""] = "text/plain; charset=utf-8", // LICENSE, VERSION
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every asset by its path under /web/, with its bytes, content type and ETag (read once at start).</summary>
    public static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType, string ETag)> All = Load();

    private static FrozenDictionary<string, (byte[], string, string)> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var assets = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var path = name[Prefix.Length..].Replace('\\', '/');
            if (!ContentTypes.TryGetValue(Path.GetExtension(path), out var type)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            assets[path] = (bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public static IEndpointRouteBuilder MapWebAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet(RequestPath + "/{**path}", (HttpContext http, string path) =>
        {
            if (!All.TryGetValue(path, out var asset))
                return Results.Text("NotFoundFault: no such web asset\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            // Revalidated on each use (ETag), so a new server version's scripts are picked up at once.
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers.ETag = asset.ETag;
            if (http.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(asset.Bytes, asset.ContentType);
        });
        return app;
    }
}
