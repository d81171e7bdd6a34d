using System.Globalization;
using System.Text.Json;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OData;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.UriParser;
using VoSpec.Adql;
using VoSpec.Adql.Query;
using VoSpec.Archive;
using VoSpec.Server.Access;
using VoSpec.Server.Limits;

namespace VoSpec.Server.OData;

/// <summary>The OData feed's settings (VoSpec:OData:PageSize: rows per answer before @odata.nextLink; VoSpec:OData:StoredRows).</summary>
public sealed record ODataSettings
{
    public int PageSize { get; init; } = 1000;
    /// <summary>Whole ObsCore rows are read from the archive's stored BINARY2 rows (false: cell by cell; the same JSON).</summary>
    public bool StoredRows { get; init; } = true;
}

/// <summary>
/// An OData v4 feed of the catalogue at <c>/odata</c> for clients that speak OData and not the VO (spreadsheets, BI
/// tools, .NET and JavaScript OData clients): the service document, <c>$metadata</c> (<see cref="ODataModel"/>), and each
/// entity set with $filter, $select, $orderby, $top, $skip and $count, paged by @odata.nextLink. Microsoft.OData.Core
/// parses the query options into its semantic tree; <see cref="ODataToAdql"/> turns that into an ADQL tree that runs
/// through the archive's checked ADQL executor exactly as a TAP query (access rights, limits, the spatial index), and
/// rows are written forward-only as they are read. Errors are OData's error JSON.
/// </summary>
public static class ODataEndpoints
{
    public static IEndpointRouteBuilder MapOData(this IEndpointRouteBuilder app)
    {
        // Handlers with their services as parameters (not plain RequestDelegates), so that the OpenAPI document lists them.
        app.MapGet("/odata", (HttpContext http, SpectrumArchive archive) => ServiceDocument(http, archive));
        app.MapGet("/odata/$metadata", (HttpContext http, SpectrumArchive archive) => Metadata(http));
        app.MapGet("/odata/{set}", (HttpContext http, string set, SpectrumArchive archive, ODataSettings settings, LimitSettings limits) =>
            Query(http, set, archive, settings, limits, countOnly: false));
        app.MapGet("/odata/{set}/$count", (HttpContext http, string set, SpectrumArchive archive, ODataSettings settings, LimitSettings limits) =>
            Query(http, set, archive, settings, limits, countOnly: true));
        return app;
    }

    private static string Root(HttpContext http) => http.RequestServices.GetRequiredService<SpectrumArchive>().PublicUrl + "odata/";

    private static async Task ServiceDocument(HttpContext http, SpectrumArchive archive)
    {
        Headers(http, "application/json;odata.metadata=minimal");
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteString("@odata.context", archive.PublicUrl + "odata/$metadata");
        w.WriteStartArray("value");
        foreach (var s in ODataModel.Sets)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("kind", "EntitySet");
            w.WriteString("url", s.Name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static Task Metadata(HttpContext http)
    {
        var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) }))
            if (!CsdlWriter.TryWriteCsdl(ODataModel.Model, xml, CsdlTarget.OData, out var errors))
                throw new InvalidOperationException("the EDM model does not write: " + string.Join("; ", errors.Select(e => e.ErrorMessage)));
        Headers(http, "application/xml");
        return http.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), http.RequestAborted).AsTask();
    }

    private static void Headers(HttpContext http, string contentType)
    {
        http.Response.ContentType = contentType;
        http.Response.Headers["OData-Version"] = "4.0";
    }

    private static async Task Query(HttpContext http, string setName, SpectrumArchive archive, ODataSettings settings, LimitSettings limits, bool countOnly)
    {
        var set = ODataModel.Find(setName);
        if (set is null) { await Error(http, 404, "NotFound", $"there is no entity set '{setName}' (sets: {string.Join(", ", ODataModel.Sets.Select(s => s.Name))})", null); return; }
        ODataQuery query;
        try { query = ODataQuery.Parse(set, http.Request.Query, settings.PageSize, countOnly); }
        catch (ODataQueryError e) { await Error(http, 400, "BadRequest", e.Message, e.Target); return; }

        var rights = http.AccessRights();
        var ct = http.RequestAborted;
        long? count = null;
        try
        {
            if (query.Count)
            {
                await using var counted = await archive.Adql.PrepareAsync(Request(query.CountStatement, rights, limits), ct);
                count = await counted.Reader.ReadAsync(ct) ? Convert.ToInt64(counted.Reader.GetValue(0), CultureInfo.InvariantCulture) : 0;
            }
            if (countOnly)
            {
                Headers(http, "text/plain");
                await http.Response.WriteAsync(count!.Value.ToString(CultureInfo.InvariantCulture), ct);
                return;
            }
            // Whole ObsCore rows may come as the archive's stored BINARY2 rows (one read per row instead of forty cells).
            await using var execution = await archive.Adql.PrepareAsync(Request(query.Statement, rights, limits) with { StoredRows = settings.StoredRows }, ct);
            var stored = execution.RowsPreEncoded
                ? execution.Columns.Select(c => new VoSpec.VOTable.VOTableField(c.Name, c.Datatype) { Arraysize = c.Arraysize }).ToList()
                : null;
            Headers(http, "application/json;odata.metadata=minimal;odata.streaming=true" + (ODataRows.Ieee754Compatible(http) ? ";IEEE754Compatible=true" : ""));
            await ODataRows.WriteAsync(http, Root(http), set, query, execution.Reader, stored, count, ct);
        }
        catch (AdqlException e) when (!http.Response.HasStarted)
        {
            await Error(http, 400, "BadRequest", "the query could not be run: " + e.Detail, null);
        }
    }

    private static AdqlRequest Request(SelectStatement statement, AccessRights rights, LimitSettings limits) => new()
    {
        Statement = statement, Hidden = rights.Hidden,
        BudgetSeconds = limits.SyncQuerySeconds, BudgetOption = nameof(LimitSettings.SyncQuerySeconds),
    };

    /// <summary>OData's error JSON (OData JSON Format §21): code, message, and the query option at fault as target.</summary>
    public static async Task Error(HttpContext http, int status, string code, string message, string? target)
    {
        http.Response.StatusCode = status;
        Headers(http, "application/json;odata.metadata=minimal");
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        if (target is not null) w.WriteString("target", target);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}

/// <summary>A query option the feed cannot answer: OData's error with the option as target and the fault's position in the message.</summary>
public sealed class ODataQueryError(string target, string message) : Exception(message)
{
    public string Target { get; } = target;
}
