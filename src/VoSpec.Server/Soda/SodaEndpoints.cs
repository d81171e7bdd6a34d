using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Core.Spectra;
using VoSpec.Engine;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Vosi;

using VoSpec.Server.Formats;

namespace VoSpec.Server.Soda;

/// <summary>
/// SODA 1.0 synchronous cutouts under /soda: GET or POST /soda/sync. Errors are text/plain with the SODA error
/// names (UsageError, MultiValuedParamNotSupported, Error) and a 4xx status; no overlap is 204 No Content.
/// </summary>
public static class SodaEndpoints
{
    public static RouteGroupBuilder MapSoda(this RouteGroupBuilder g)
    {
        g.MapMethods("/sync", [HttpMethods.Get, HttpMethods.Post], Sync);
        g.MapVosi(SodaCapabilities.Of);
        return g;
    }

    private static async Task Sync(HttpContext http, SpectrumArchive archive)
    {
        var cancel = http.RequestAborted;
        SodaRequest request;
        Dataset dataset;
        try
        {
            request = SodaRequest.Parse(await DaliParameters.ReadAsync(http.Request, cancel));
            var found = Datasets.Find(archive, http.AccessRights(), request.Id, withMeta: true);
            if (found.Dataset is null)
            {
                // SODA's error names; an unknown ID keeps DataLink's fault name after them ("Error: NotFoundFault: …").
                var fault = found.Fault!;
                if (found.IsMalformed) await Error(http, StatusCodes.Status400BadRequest, "UsageError: " + fault[(fault.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
                else await Error(http, StatusCodes.Status404NotFound, "Error: " + fault);
                return;
            }
            dataset = found.Dataset;
        }
        catch (MultiValuedParamException e) { await Error(http, StatusCodes.Status400BadRequest, "MultiValuedParamNotSupported: " + e.Message); return; }
        catch (UserInputException e) { await Error(http, StatusCodes.Status400BadRequest, "UsageError: " + e.Message); return; }

        SpectrumMeta meta;
        SpectrumArrays arrays;
        // A spectrum served from a source file that is gone or changed since ingest (vospec ingest --in-place).
        try { (meta, arrays) = SpectrumResponse.Load(archive, dataset); }
        catch (NotFoundException e) { await Error(http, StatusCodes.Status404NotFound, "Error: NotFoundFault: " + e.Message); return; }
        Operations.ServerMetrics.Served(http, "soda", 1);
        if (SodaCutout.Select(request, dataset, arrays.Grid) is not { } range)
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        var name = $"{meta.ObsId}{(range.Count < arrays.Count ? $"-cut{range.Start}-{range.End}" : "")}";
        await SpectrumResponse.WriteAsync(http.Response, meta, new SpectrumCutout(arrays, range), dataset.Did, request.Format, name, cancel);
    }

    private static Task Error(HttpContext http, int status, string text) => TextFault.WriteAsync(http, status, text);
}
