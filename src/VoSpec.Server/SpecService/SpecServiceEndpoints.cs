using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Adql;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Engine;
using VoSpec.Server.Access;
using VoSpec.Server.Limits;

using VoSpec.Server.Formats;

namespace VoSpec.Server.SpecService;

/// <summary>
/// The spectroscopic data service under /spec, wire-compatible with Data Lab's specClient (see
/// /work/shared/spec-service.md): isAlive, contexts, profiles, catalogs, validate, query, listSpan, getSpec,
/// and the plots preview, plotGrid and stackedImage (SpecPlots).
/// A refused request answers 400 (413 for too many ids) with one line of plain text saying why.
/// </summary>
public static class SpecServiceEndpoints
{
    public const string AliveText = "Hello world! This is the VoSpec spectroscopic data service.";

    public static RouteGroupBuilder MapSpecService(this RouteGroupBuilder group)
    {
        group.MapGet("", () => Results.Text(AliveText + "\n", "text/plain"));

        // 200 while the archive is open and its catalogue answers; 503 with Retry-After otherwise.
        group.MapGet("/available", (SpectrumArchive archive, LimitSettings limits, HttpResponse response) =>
        {
            try
            {
                archive.Lookup.Probe();
                return Results.Text("True", "text/plain");
            }
            catch (Exception e) when (e is IOException || CatalogueFault.Of(e) is not null)
            {
                response.Headers.RetryAfter = Math.Max(1, limits.RetryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Text("False", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

        group.MapGet("/contexts", (HttpContext http, SpectrumArchive archive, SpecServiceLimits limits) => Guard(http, limits, p => Contexts(http, archive, p)));
        group.MapGet("/profiles", (HttpContext http, SpectrumArchive archive, SpecServiceLimits limits) => Guard(http, limits, p => Profiles(http, archive, p)));
        group.MapGet("/catalogs", (HttpContext http, SpectrumArchive archive, SpecServiceLimits limits) => Guard(http, limits, p => Catalogs(http, archive, p)));
        group.MapGet("/validate", (HttpContext http, SpectrumArchive archive, SpecServiceLimits limits) => Guard(http, limits, p => Validate(http, archive, p)));
        group.MapGet("/query", (HttpContext http, SpectrumArchive archive, SpecServiceLimits limits, LimitSettings budget) => Guard(http, limits, p => Query(http, archive, budget, p))).Expensive();
        string[] getAndPost = [HttpMethods.Get, HttpMethods.Post];
        group.MapMethods("/listSpan", getAndPost, (HttpContext http, SpectrumArchive archive, SpecServiceLimits limits) => Guard(http, limits, p => ListSpan(http, archive, limits, p)));
        group.MapMethods("/getSpec", getAndPost, (HttpContext http, SpectrumArchive archive, SpecServiceLimits limits) => Guard(http, limits, p => GetSpec(http, archive, limits, p))).Expensive();
        group.MapGet("/preview", (HttpContext http, SpectrumArchive archive, Engine.Plotting.PreviewCache cache, SpecServiceLimits limits) => Guard(http, limits, p => SpecPlots.Preview(http, archive, cache, p)));
        group.MapMethods("/plotGrid", getAndPost, (HttpContext http, SpectrumArchive archive, Engine.Plotting.PreviewCache cache, SpecServiceLimits limits) => Guard(http, limits, p => SpecPlots.PlotGrid(http, archive, cache, limits, p))).Expensive();
        group.MapMethods("/stackedImage", getAndPost, (HttpContext http, SpectrumArchive archive, SpecServiceLimits limits) => Guard(http, limits, p => SpecPlots.StackedImage(http, archive, limits, p))).Expensive();
        // Refusals by the limits are one line of text, as every refusal of this service; a getSpec id_list may be long.
        group.AnswersLimitsAs(ErrorForm.Text).BodyLimit(BodyKind.Spec);
        return group;
    }

    /// <summary>Reads the parameters and runs <paramref name="work"/>; user errors before the first byte become 400/413 text.</summary>
    private static async Task Guard(HttpContext http, SpecServiceLimits limits, Func<SpecParameters, Task> work)
    {
        try
        {
            var p = await SpecParameters.ReadAsync(http.Request, limits, http.RequestAborted);
            await work(p);
        }
        catch (Exception e) when (!http.Response.HasStarted && (e is UserInputException or AdqlException || CatalogueFault.Of(e) is not null))
        {
            int status = e is SpecServiceException s ? s.StatusCode : StatusCodes.Status400BadRequest;
            var message = CatalogueFault.Of(e) is { } fault ? "the query failed in the database: " + fault.Message : e.Message;
            await Text(http, string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)) + "\n", status);
        }
    }

    private static async Task Text(HttpContext http, string body, int status = StatusCodes.Status200OK, string contentType = "text/plain; charset=utf-8")
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    private static Task Json(HttpContext http, object value) => Text(http, SpecContexts.Json(value), contentType: "application/json");

    private static bool WantsJson(SpecParameters p) => p.Get("format")?.Equals("json", StringComparison.OrdinalIgnoreCase) == true;

    // ------------------------------------------------------------------ service calls

    /// <summary>One context: always its JSON object (the client reads id_main, catalog, z, rest_frame). None: a listing.</summary>
    private static Task Contexts(HttpContext http, SpectrumArchive archive, SpecParameters p)
    {
        var all = SpecContexts.All(archive, http.AccessRights());
        if (p.Get("context") is { } name)
        {
            var c = SpecContexts.Find(all, name) ?? throw new UserInputException($"unknown context '{name}' (known: {string.Join(", ", all.Select(x => x.Name))})");
            return Json(http, c.ToJson());
        }
        return WantsJson(p) ? Json(http, all.ToDictionary(c => c.Name, c => c.ToJson())) : Text(http, SpecContexts.ContextsText(all));
    }

    private static Task Profiles(HttpContext http, SpectrumArchive archive, SpecParameters p)
    {
        if (p.Get("profile") is { } name)
        {
            SpecContexts.CheckProfile(name);
            return Json(http, SpecContexts.ProfileJson(archive.PublicUrl));
        }
        return WantsJson(p)
            ? Json(http, new Dictionary<string, object> { [SpecContexts.DefaultProfile] = SpecContexts.ProfileJson(archive.PublicUrl) })
            : Text(http, $"{SpecContexts.DefaultProfile,-20} This VoSpec server\n");
    }

    /// <summary>The catalogs of a context (of every context when none is named): schema.table names the query call accepts.</summary>
    private static Task Catalogs(HttpContext http, SpectrumArchive archive, SpecParameters p)
    {
        SpecContexts.CheckProfile(p.Get("profile"));
        var all = SpecContexts.All(archive, http.AccessRights());
        var chosen = p.Get("context") is { } name ? [SpecContexts.Resolve(archive, http.AccessRights(), name)] : all;
        // Each context's catalog, then its survey's own table where it has one.
        var rows = chosen.SelectMany(c => c.SurveyCatalog is { } survey
            ? new[] { (c.Name, c.Catalog, c.Description), (c.Name, survey, VoSpec.Core.Schema.SchemaCatalog.Get(survey).Description) }
            : [(c.Name, c.Catalog, c.Description)]).ToList();
        if (WantsJson(p))
            return Json(http, rows.Select(r => new Dictionary<string, object?> { ["context"] = r.Item1, ["catalog"] = r.Item2, ["description"] = r.Item3 }).ToList());
        return Text(http, string.Concat(rows.Select(r => $"{r.Item2,-24} {r.Item3}\n")));
    }

    /// <summary>what=context|profile, value=NAME: the body is OK when valid, a reason otherwise (both with 200).</summary>
    private static Task Validate(HttpContext http, SpectrumArchive archive, SpecParameters p)
    {
        var what = p.Get("what") ?? throw new UserInputException("validate needs what=context or what=profile");
        var value = p.Get("value");
        if (what.Equals("context", StringComparison.OrdinalIgnoreCase))
        {
            var all = SpecContexts.Names(archive, http.AccessRights());
            return Text(http, value is not null && SpecContexts.Find(all, value) is not null ? "OK"
                : $"unknown context '{value}' (known: {string.Join(", ", all.Select(c => c.Name))})");
        }
        if (what.Equals("profile", StringComparison.OrdinalIgnoreCase))
            return Text(http, value is not null && SpecContexts.IsProfile(value) ? "OK" : $"unknown profile '{value}' (known: {SpecContexts.DefaultProfile})");
        throw new UserInputException($"validate: what must be context or profile, not '{what}'");
    }

    // ------------------------------------------------------------------ query

    private static async Task Query(HttpContext http, SpectrumArchive archive, LimitSettings limits, SpecParameters p)
    {
        var query = SpecQuery.Parse(p, SpecContexts.Names(archive, http.AccessRights()));
        var ct = http.RequestAborted;
        IAdqlExecution execution;
        // The caller's hidden collections are left out of spec.specobj in the SQL itself, whatever cond says; a client
        // that goes away interrupts the statement.
        try
        {
            execution = await archive.Adql.PrepareAsync(new AdqlRequest
            {
                Statement = query.Statement, Metadata = SpecQuery.Metadata, Hidden = http.AccessRights().Hidden,
                BudgetSeconds = limits.SyncQuerySeconds, BudgetOption = nameof(LimitSettings.SyncQuerySeconds),
            }, ct);
        }
        catch (AdqlException e) { throw new UserInputException("query: " + e.Detail); }
        await using (execution)
        {
            http.Response.ContentType = SpecQueryWriter.ContentType(query.Format);
            await SpecQueryWriter.WriteAsync(query.Format, execution.Reader, execution.Columns, http.Response.Body, ct);
        }
    }

    // ------------------------------------------------------------------ retrieval

    private static Task ListSpan(HttpContext http, SpectrumArchive archive, SpecServiceLimits limits, SpecParameters p)
    {
        var context = SpecContexts.Resolve(archive, http.AccessRights(), p.Get("context"));
        var request = RetrievalRequest.Parse(p, context, limits, idsOnly: true);
        var (w0, w1) = SpectrumRows.Span(archive, SpectrumResolver.Resolve(archive, context, request.Ids));
        return Json(http, new Dictionary<string, double> { ["w0"] = w0, ["w1"] = w1 });
    }

    private static async Task GetSpec(HttpContext http, SpectrumArchive archive, SpecServiceLimits limits, SpecParameters p)
    {
        var context = SpecContexts.Resolve(archive, http.AccessRights(), p.Get("context"));
        var request = RetrievalRequest.Parse(p, context, limits);
        var locations = SpectrumResolver.Resolve(archive, context, request.Ids);
        var ct = http.RequestAborted;
        Operations.ServerMetrics.Served(http, "spec", locations.Length);
        if (request.Format == SpectrumFormat.Fits)
        {
            await WriteFits(http, archive, request, locations);
            return;
        }
        SpectrumRows rows;
        if (request.Align) rows = SpectrumRows.Align(archive, locations, request.Values, request.Cutout, request.W0, request.W1, limits.MaxAlignedLength, request.Grid);
        else if (locations.Length == 1) rows = SpectrumRows.Single(archive, locations[0], request.Values);
        else throw new UserInputException($"align=False serves one spectrum per request ({locations.Length} ids given): send one id per request, or align=True");

        // Everything a request can get wrong has been checked: from here on the body streams.
        var body = http.Response.Body;
        switch (request.Format)
        {
            case SpectrumFormat.VOTable:
                http.Response.ContentType = SpectrumNegotiation.SpecService.ContentType(request.Format);
                await SpectrumVOTable.WriteAsync(rows, body, ct);
                break;
            case SpectrumFormat.Csv:
                http.Response.ContentType = SpectrumNegotiation.SpecService.ContentType(request.Format);
                await SpectrumCsv.WriteAsync(rows, body, ct);
                break;
            default:
                http.Response.ContentType = SpectrumNegotiation.SpecService.ContentType(request.Format);
                // Several spectra, or align=True asked for: the 2-D grid; one spectrum (a cutout too): its own records.
                bool grid = rows.Aligned && (request.AlignAsked || rows.Count > 1);
                http.Response.ContentLength = SpectrumNpy.Length(rows, grid);
                // Headers first: Kestrel then hands out its socket buffers directly to the record writer.
                await http.Response.StartAsync(ct);
                await SpectrumNpy.WriteAsync(rows, grid, http.Response.BodyWriter, ct);
                break;
        }
    }

    /// <summary>
    /// FITS: one spectrum (its pixels inside the cutout, when one is given) in the archive's one FITS layout — the
    /// SDSS spec-lite file SODA and DataLink serve (<see cref="SpectrumFits"/>).
    /// </summary>
    private static async Task WriteFits(HttpContext http, SpectrumArchive archive, RetrievalRequest request, SpectrumLocation[] locations)
    {
        if (locations.Length != 1) throw new UserInputException($"format=FITS serves one spectrum per request ({locations.Length} ids given)");
        var loc = locations[0];
        var meta = archive.Lookup.LoadMeta(loc.SpecId) ?? throw new NotFoundException($"spectrum {loc.SpecObjId} has no catalogue row");
        var arrays = archive.ReadPixels(loc).ToArrays();
        var view = new SpectrumCutout(arrays, PixelRange.All(arrays.Count));
        if (request.Cutout is { } cut && !Cutout.TryView(arrays, cut, out view))
            throw new UserInputException($"cutout {cut.Min:0.###}-{cut.Max:0.###} Angstrom contains no pixel of spectrum {loc.SpecObjId}");
        http.Response.ContentType = SpectrumNegotiation.SpecService.ContentType(SpectrumFormat.Fits);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"spec-{meta.ObsId}.fits\"";
        await SpectrumFits.WriteAsync(http.Response, meta, view, SpecDid(archive, loc), http.RequestAborted);
    }

    private static string SpecDid(SpectrumArchive archive, SpectrumLocation loc) =>
        VoSpec.Archive.Catalogue.Identifiers.PublisherDid(archive.Options.Authority, loc.Collection, loc.SpecObjId);
}
