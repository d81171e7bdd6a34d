using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Core.Spectra;
using VoSpec.Engine;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Hosting;
using VoSpec.Server.Vosi;
using VoSpec.VOTable;

using VoSpec.Server.Formats;

namespace VoSpec.Server.DataLink;

/// <summary>
/// DataLink 1.1 under /datalink: the {links} resource (GET/POST /datalink/links) and the data it links to —
/// /datalink/dataset (the spectrum as FITS, VOTable, CSV or .npy) and /datalink/progenitor (the ingested file as it was).
/// </summary>
public static class DataLinkEndpoints
{
    public static RouteGroupBuilder MapDataLink(this RouteGroupBuilder g)
    {
        g.MapMethods("/links", [HttpMethods.Get, HttpMethods.Post], Links);
        g.MapVosi(DataLinkCapabilities.Of);
        g.MapGet("/dataset", Dataset);
        g.MapGet("/progenitor", Progenitor);
        g.MapGet("/preview", Previews.Serve);
        return g;
    }

    private static async Task Links(HttpContext http, SpectrumArchive archive)
    {
        var cancel = http.RequestAborted;
        LinksRequest request;
        try { request = LinksRequest.Parse(await DaliParameters.ReadAsync(http.Request, cancel)); }
        catch (UserInputException e)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            http.Response.ContentType = LinkColumns.ContentType;
            await VOTableWriter.WriteErrorAsync(http.Response.Body, "UsageFault: " + e.Message, cancel);
            return;
        }
        http.Response.ContentType = LinkColumns.ContentType;
        await using var body = new BufferedResponseBody(http.Response);
        await LinksWriter.WriteAsync(archive, http.AccessRights(), request, body, cancel);
        await body.CompleteAsync(cancel);
    }

    /// <summary>The whole spectrum in the format asked for (FITS by default): what the #this and #auxiliary links point at.</summary>
    private static async Task Dataset(HttpContext http, SpectrumArchive archive)
    {
        var cancel = http.RequestAborted;
        Dataset dataset;
        SpectrumFormat format;
        try
        {
            var p = await DaliParameters.ReadAsync(http.Request, cancel);
            var id = p.GetSingle("ID");
            if (string.IsNullOrEmpty(id)) throw new UserInputException("missing ID parameter");
            format = SpectrumNegotiation.Dali.Parse(p.GetSingle("RESPONSEFORMAT"));
            var found = Datasets.Find(archive, http.AccessRights(), id, withMeta: true);
            if (found.Dataset is null) { await Fault(http, found); return; }
            dataset = found.Dataset;
        }
        catch (UserInputException e) { await TextFault.WriteAsync(http, StatusCodes.Status400BadRequest, "UsageFault: " + e.Message); return; }
        SpectrumMeta meta;
        SpectrumArrays arrays;
        // A spectrum served from a source file that is gone or changed since ingest (vospec ingest --in-place).
        try { (meta, arrays) = SpectrumResponse.Load(archive, dataset); }
        catch (NotFoundException e) { await TextFault.WriteAsync(http, StatusCodes.Status404NotFound, "NotFoundFault: " + e.Message); return; }
        Operations.ServerMetrics.Served(http, "datalink", 1);
        await SpectrumResponse.WriteAsync(http.Response, meta, new SpectrumCutout(arrays, PixelRange.All(arrays.Count)), dataset.Did, format, meta.ObsId, cancel);
    }

    /// <summary>The file the spectrum was ingested from, byte for byte.</summary>
    private static async Task Progenitor(HttpContext http, SpectrumArchive archive)
    {
        var id = http.Request.Query.FirstOrDefault(kv => kv.Key.Equals("ID", StringComparison.OrdinalIgnoreCase)).Value.ToString();
        if (string.IsNullOrEmpty(id)) { await TextFault.WriteAsync(http, StatusCodes.Status400BadRequest, "UsageFault: missing ID parameter"); return; }
        var found = Datasets.Find(archive, http.AccessRights(), id);
        if (found.Dataset is null) { await Fault(http, found); return; }
        if (found.Dataset.SourcePath is not { } path || !File.Exists(path))
        {
            await TextFault.WriteAsync(http, StatusCodes.Status404NotFound, $"NotFoundFault: the file {id} was ingested from is no longer kept");
            return;
        }
        await Results.File(path, SpectrumLinks.ProgenitorContentType(path), Path.GetFileName(path)).ExecuteAsync(http);
    }

    private static Task Fault(HttpContext http, DatasetLookup found) =>
        TextFault.WriteAsync(http, found.IsMalformed ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound, found.Fault!);
}
