using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Core.Schema;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Hosting;
using VoSpec.Server.Tap;
using VoSpec.Server.Vosi;
using VoSpec.VOTable;

namespace VoSpec.Server.Ssa;

/// <summary>SSA 1.1 queryData at /ssa (GET and POST): spectra by position, band, time and more, with DataLink.</summary>
public static class SsaEndpoints
{
    private const string ContentType = "application/x-votable+xml";
    private const string DidFieldId = "publisher_did";

    public static RouteGroupBuilder MapSsa(this RouteGroupBuilder g)
    {
        g.MapMethods("", [HttpMethods.Get, HttpMethods.Post], Query);
        g.MapVosi(SsaCapabilities.Of);
        return g;
    }

    private static async Task Query(HttpContext http, SpectrumArchive archive, TapService tap)
    {
        SsaRequest request;
        try
        {
            var p = await DaliParameters.ReadAsync(http.Request, http.RequestAborted);
            request = SsaRequest.Parse(p, tap.Limits.DefaultMaxRec, tap.Limits.HardMaxRec);
        }
        catch (UserInputException e)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            http.Response.ContentType = ContentType;
            await VOTableWriter.WriteErrorAsync(http.Response.Body, e.Message, CancellationToken.None);
            return;
        }
        var fields = SchemaCatalog.Get("ssa.spectra").Columns.Select(c => VOTableField.FromColumn(c) with { ID = c.Name == DidFieldId ? DidFieldId : null }).ToList();
        // FORMAT=METADATA: the columns, no row. Collections the caller may not see are left out whatever else it asks.
        await using var reader = archive.Search.Search(request.Search with
        {
            FormatServed = request.Search.FormatServed && !request.Metadata, Hidden = http.AccessRights().Hidden,
        });
        http.Response.ContentType = ContentType;
        await using var body = new BufferedResponseBody(http.Response);
        await using var w = new VOTableWriter(body, leaveOpen: true);
        w.BeginDocument();
        w.BeginResource("results");
        w.WriteInfo("QUERY_STATUS", "OK");
        w.WriteInfo("SERVICE_PROTOCOL", "1.1", "SSAP");
        if (request.Metadata) foreach (var param in InputParams()) w.WriteParam(param);
        var result = await w.WriteTableAsync(reader, fields, Serialization.TableData, request.MaxRec, "results", http.RequestAborted);
        if (result.Overflow) w.WriteInfo("QUERY_STATUS", "OVERFLOW");
        w.EndResource();
        w.WriteServiceDescriptor(VoSpec.VOTable.ServiceDescriptor.DataLink(archive.PublicUrl + "datalink/links", DidFieldId));
        w.EndDocument();
        await w.FlushAsync(http.RequestAborted);
        await body.CompleteAsync(http.RequestAborted);
    }

    /// <summary>FORMAT=METADATA: the input parameters this service understands.</summary>
    private static IEnumerable<VOTableParam> InputParams()
    {
        VOTableParam P(string name, string datatype, string? unit, string description, string? arraysize = "*") =>
            new(new VOTableField("INPUT:" + name, datatype) { Arraysize = arraysize, Unit = unit, Description = description }, "");
        yield return P("POS", "double", "deg", "Search position 'ra,dec' (ICRS)", "2");
        yield return P("SIZE", "double", "deg", $"Diameter of the search cone (default {SsaRequest.DefaultSize})", null);
        yield return P("BAND", "char", "m", "Vacuum wavelength range lo/hi in metres; spectra overlapping it");
        yield return P("TIME", "char", null, "ISO 8601 time range lo/hi; spectra whose observation overlaps it");
        yield return P("FORMAT", "char", null, "all, compliant, native, fits, application/fits or metadata");
        yield return P("REDSHIFT", "char", null, "Redshift range lo/hi");
        yield return P("TARGETNAME", "char", null, "Object designation or PLATE-MJD-FIBER");
        yield return P("TARGETCLASS", "char", null, "Comma-separated classes: GALAXY, QSO, STAR");
        yield return P("COLLECTION", "char", null, "Collection name (prefix match)");
        yield return P("PUBDID", "char", null, "Publisher DID of one spectrum");
        yield return P("SNR", "double", null, "Minimum median signal-to-noise", null);
        yield return P("MAXREC", "long", null, "Maximum number of records", null);
        yield return P("TOP", "long", null, "Number of records", null);
    }
}
