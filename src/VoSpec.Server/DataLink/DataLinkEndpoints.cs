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
/// /datalink/dataset (the spectrum as FITS, VOTable, CSV or .npy), /datalink/progenitor (the ingested file as it was)
/// and /datalink/arm (one arm of a DESI spectrum as its source file has it).
/// </summary>
public static class DataLinkEndpoints
{
    public static RouteGroupBuilder MapDataLink(this RouteGroupBuilder g)
    {
        g.MapMethods("/links", [HttpMethods.Get, HttpMethods.Post], Links);
        g.MapVosi(DataLinkCapabilities.Of);
        g.MapGet("/dataset", Dataset);
        g.MapGet("/progenitor", Progenitor);
        g.MapGet("/arm", Arm);
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
        SpectrumFormat format = default;
        if (await RequestedDataset(http, archive, p => format = SpectrumNegotiation.Dali.Parse(p.GetSingle("RESPONSEFORMAT")), withMeta: true) is not { } dataset) return;
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

    /// <summary>
    /// One arm (ARM = B, R or Z) of a DESI spectrum as a FITS table read from the file it was ingested from: what the
    /// arm-b/-r/-z #progenitor links point at. Access as for /datalink/dataset; a file gone or changed is a 404.
    /// </summary>
    private static async Task Arm(HttpContext http, SpectrumArchive archive)
    {
        var cancel = http.RequestAborted;
        string armName = "";
        if (await RequestedDataset(http, archive, p =>
            {
                var arm = p.GetSingle("ARM")?.Trim();
                if (string.IsNullOrEmpty(arm)) throw new UserInputException("missing ARM parameter (B, R or Z: DESI's spectrograph arms)");
                armName = Fits.Desi.DesiConventions.Arms.FirstOrDefault(a => a.Equals(arm, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UserInputException($"ARM must be B, R or Z (DESI's spectrograph arms), not '{arm}'");
                if (p.GetSingle("RESPONSEFORMAT")?.Trim() is { Length: > 0 } f && !f.Equals("fits", StringComparison.OrdinalIgnoreCase)
                    && !f.Split(';')[0].Trim().Equals(Fits.Desi.DesiArmFits.ContentType, StringComparison.OrdinalIgnoreCase))
                    throw new UserInputException($"unsupported RESPONSEFORMAT '{f}' (an arm is served as FITS: application/fits)");
            }) is not { } dataset) return;
        var buffer = new MemoryStream();
        Fits.Desi.DesiArmLayout layout;
        try { layout = archive.WriteArm(dataset, armName, buffer); }
        catch (NotFoundException e) { await TextFault.WriteAsync(http, StatusCodes.Status404NotFound, "NotFoundFault: " + e.Message); return; }
        Operations.ServerMetrics.Served(http, "datalink", 1);
        http.Response.ContentType = Fits.Desi.DesiArmFits.ContentType;
        http.Response.ContentLength = buffer.Length;
        http.Response.Headers.ContentDisposition = $"inline; filename=\"{dataset.ObsId}-{layout.Name}.fits\"";
        await http.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancel);
    }

    /// <summary>
    /// The dataset a request's ID names, as the caller's rights see it, after <paramref name="check"/> has read the
    /// request's other parameters (it throws <see cref="UserInputException"/> for a bad one); null once a fault (400 for
    /// the request, 404 for an ID not found) has been written. <paramref name="withMeta"/>: the spectrum's metadata read in
    /// the same lookup (one statement on PostgreSQL), for a request that serves the spectrum itself.
    /// </summary>
    private static async Task<Dataset?> RequestedDataset(HttpContext http, SpectrumArchive archive, Action<DaliParameters> check, bool withMeta = false)
    {
        try
        {
            var p = await DaliParameters.ReadAsync(http.Request, http.RequestAborted);
            var id = p.GetSingle("ID");
            if (string.IsNullOrEmpty(id)) throw new UserInputException("missing ID parameter");
            check(p);
            var found = Datasets.Find(archive, http.AccessRights(), id, withMeta);
            if (found.Dataset is null) await Fault(http, found);
            return found.Dataset;
        }
        catch (UserInputException e) { await TextFault.WriteAsync(http, StatusCodes.Status400BadRequest, "UsageFault: " + e.Message); return null; }
    }

    private static Task Fault(HttpContext http, DatasetLookup found) =>
        TextFault.WriteAsync(http, found.IsMalformed ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound, found.Fault!);
}
