using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Engine.Plotting;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Hosting;

using VoSpec.Server.Formats;

namespace VoSpec.Server.DataLink;

/// <summary>
/// GET /datalink/preview?ID=…[&amp;SIZE=full|thumbnail|WxH]: the spectrum drawn as a PNG (the #preview links),
/// rendered once and then served from the archive's preview cache.
/// </summary>
public static class Previews
{
    public const string Path = "datalink/preview";
    public const string ContentType = "image/png";
    /// <summary>
    /// A preview changes only when its spectrum is reprocessed: caches may keep it an hour, then revalidate (304).
    /// A proprietary spectrum's preview is for the token holder's own cache only, never a shared proxy's.
    /// </summary>
    private static string CacheControl(bool proprietary) => proprietary ? "private, max-age=3600" : "public, max-age=3600";

    /// <summary>Rendered previews in memory (~100 KB each at full size): a repeat request is neither an open nor a read.</summary>
    public static readonly FileBytesCache Files = new(64L << 20);

    public static async Task Serve(HttpContext http, SpectrumArchive archive, PreviewCache cache)
    {
        var cancel = http.RequestAborted;
        string id;
        PreviewSize size;
        try
        {
            var p = await DaliParameters.ReadAsync(http.Request, cancel);
            id = p.GetSingle("ID") ?? throw new UserInputException("missing ID parameter");
            var sizeText = p.GetSingle("SIZE");
            if (sizeText is null) size = PreviewSize.Full;
            else if (!PreviewSize.TryParse(sizeText, out size)) throw new UserInputException($"SIZE must be full, thumbnail or WIDTHxHEIGHT (64 to 4000 pixels a side), not '{sizeText}'");
        }
        catch (UserInputException e) { await TextFault.WriteAsync(http, StatusCodes.Status400BadRequest, "UsageFault: " + e.Message); return; }
        var found = Datasets.Find(archive, http.AccessRights(), id);
        if (found.Dataset is not { } d)
        {
            await TextFault.WriteAsync(http, found.IsMalformed ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound, found.Fault!);
            return;
        }
        await SendRendered(http, archive, cache, d.Location, size);
    }

    /// <summary>
    /// Sends the preview of one spectrum: the cached file, or — when the cache cannot store it (disk full, archive
    /// read-only) — the PNG drawn in memory, so a full disk costs a render, not an answer.
    /// </summary>
    public static async Task SendRendered(HttpContext http, SpectrumArchive archive, PreviewCache cache, SpectrumLocation loc, PreviewSize size)
    {
        string file;
        try { file = Render(archive, cache, loc, size); }
        catch (IOException e) when (StorageFault.Describe(e) is not null)
        {
            var png = RenderBytes(archive, cache, loc, size);
            http.Response.Headers.CacheControl = "no-store";
            http.Response.ContentType = ContentType;
            http.Response.ContentLength = png.Length;
            await http.Response.Body.WriteAsync(png, http.RequestAborted);
            return;
        }
        await SendAsync(http, file, loc.Collection);
    }

    /// <summary>The PNG bytes of one spectrum at one size: from the cache, else drawn (and stored when the disk allows).</summary>
    public static byte[] RenderBytes(SpectrumArchive archive, PreviewCache cache, SpectrumLocation loc, PreviewSize size) =>
        cache.GetOrRenderBytes(Key(loc), size, Source(archive, loc));

    private static string Key(SpectrumLocation loc) => $"{loc.Collection}-{loc.SpecObjId}";

    /// <summary>A preview's title: the catalogue's (<see cref="PreviewInput.TitleFor"/>), or the id when the row is gone.</summary>
    public static string Title(SpectrumArchive archive, SpectrumLocation loc) =>
        archive.Lookup.LoadMeta(loc.SpecId) is { } meta ? PreviewInput.TitleFor(meta) : loc.SpecObjId.ToString(CultureInfo.InvariantCulture);

    private static PreviewSource Source(SpectrumArchive archive, SpectrumLocation loc)
    {
        string title = Title(archive, loc);
        return () =>
        {
            var px = archive.ReadPixels(loc);
            return new PreviewInput(px.Grid, px.Flux, title) { Model = px.Model, Ivar = px.Ivar, AndMask = px.AndMask };
        };
    }

    /// <summary>The cached PNG of one spectrum at one size (rendered on first use).</summary>
    public static string Render(SpectrumArchive archive, PreviewCache cache, SpectrumLocation loc, PreviewSize size)
    {
        string key = Key(loc);
        // A cached preview needs neither the title (a catalogue query) nor the pixels.
        if (cache.TryGetFile(key, size, out var cached)) return cached;
        return cache.GetOrRenderFile(key, size, Source(archive, loc));
    }

    /// <summary>
    /// Sends a rendered PNG from memory (<see cref="Files"/>) with Content-Length, the validators Last-Modified and
    /// ETag (a request whose If-None-Match or If-Modified-Since still holds gets 304 and no body) and Cache-Control.
    /// </summary>
    public static async Task SendAsync(HttpContext http, string file, string collection)
    {
        if (Files.Get(file) is not { } png)
        {
            // Deleted since it was rendered (the cache was cleared): the file result answers for what is there now.
            await Results.File(file, ContentType).ExecuteAsync(http);
            return;
        }
        var response = http.Response;
        response.Headers.ETag = png.ETag;
        response.Headers.LastModified = png.LastModified.ToString("R", CultureInfo.InvariantCulture);
        response.Headers.CacheControl = CacheControl(http.RequestServices.GetRequiredService<AccessPolicy>().IsProprietary(collection));
        if (NotModified(http.Request, png))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentType = ContentType;
        response.ContentLength = png.Bytes.Length;
        await response.Body.WriteAsync(png.Bytes, http.RequestAborted);
    }

    /// <summary>RFC 9110 §13.1: If-None-Match wins over If-Modified-Since; dates compare to the second.</summary>
    private static bool NotModified(HttpRequest request, FileBytesCache.Entry png)
    {
        if (request.Headers.IfNoneMatch.Count == 0 && request.Headers.IfModifiedSince.Count == 0) return false;
        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch.Count > 0)
        {
            var etag = EntityTagHeaderValue.Parse(png.ETag);
            return headers.IfNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false));
        }
        return headers.IfModifiedSince is { } since
            && png.LastModified.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
    }
}
