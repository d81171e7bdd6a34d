using Microsoft.AspNetCore.Http;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Engine.Plotting;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Soda;

namespace VoSpec.Server.DataLink;

/// <summary>
/// GET /datalink/preview?ID=…[&amp;SIZE=full|thumbnail|WxH]: the spectrum drawn as a PNG (the #preview links),
/// rendered once and then served from the archive's preview cache.
/// </summary>
public static class Previews
{
    public const string Path = "datalink/preview";
    public const string ContentType = "image/png";

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
        catch (UserInputException e) { await SodaEndpoints.Error(http, StatusCodes.Status400BadRequest, "UsageFault: " + e.Message); return; }
        var found = Datasets.Find(archive, http.AccessRights(), id);
        if (found.Dataset is not { } d)
        {
            await SodaEndpoints.Error(http, found.IsMalformed ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound, found.Fault!);
            return;
        }
        var file = Render(archive, cache, d.Location, size);
        await Results.File(file, ContentType).ExecuteAsync(http);
    }

    /// <summary>The cached PNG of one spectrum at one size (rendered on first use).</summary>
    public static string Render(SpectrumArchive archive, PreviewCache cache, SpectrumLocation loc, PreviewSize size)
    {
        string title = archive.LoadMeta(loc.SpecId) is { } meta ? PreviewInput.TitleFor(meta) : loc.SpecObjId.ToString();
        return cache.GetOrRenderFile($"{loc.Collection}-{loc.SpecObjId}", size, () =>
        {
            var px = archive.ReadPixels(loc);
            return new PreviewInput(px.Grid, px.Flux, title) { Model = px.Model, Ivar = px.Ivar, AndMask = px.AndMask };
        });
    }
}
