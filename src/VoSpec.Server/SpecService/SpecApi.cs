using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace VoSpec.Server.SpecService;

/// <summary>
/// The /spec service described in OpenAPI (Microsoft.AspNetCore.OpenApi, served at /openapi/spec.json with a reference
/// page at /docs/api): the service has no IVOA description, and its handlers read their parameters from the query
/// string and the form themselves (Data Lab's client sends repeated id_list fields), so every call's parameters,
/// formats and errors are declared here, once, from the wire protocol (docs/spec-service.md).
/// </summary>
public static class SpecApi
{
    public const string DocumentName = "spec";
    public const string DocumentPath = "/openapi/{documentName}.json";

    /// <summary>One parameter of a call: query string for GET, form field (or query string) for POST.</summary>
    public sealed record Parameter(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String, bool Required = false, bool Repeated = false);

    /// <summary>One call: its route under /spec, what it does, what it takes and what it answers.</summary>
    public sealed record Call(string Route, string Summary, string Description, Parameter[] Parameters, string[] Formats);

    private static readonly Parameter Context = new("context", "The data context, e.g. `default` or a collection name (`None`: all)");
    private static readonly Parameter Profile = new("profile", "The service profile (`default`)");
    private static readonly Parameter Format = new("format", "`text` or `json`");
    private static readonly Parameter Debug = new("debug", "`True`/`False`; accepted and ignored");
    private static readonly Parameter Verbose = new("verbose", "`True`/`False`; accepted and ignored");
    private static readonly Parameter IdList = new(SpecParameters.IdListName,
        "Spectra: a `specobjid` (64-bit integer) or a `(plate, mjd, fiberid)` tuple; repeated once per id, or one Python-style list `[id, id, …]`",
        Required: true, Repeated: true);

    /// <summary>The span and named grid getSpec, plotGrid and stackedImage share (<see cref="RetrievalRequest.Span"/>).</summary>
    private static readonly Parameter[] Grid =
    [
        new("w0", "Start of the aligned grid in Å (0: not given)", JsonSchemaType.Number), new("w1", "End of the aligned grid in Å (0: not given)", JsonSchemaType.Number),
        new("dloglam", "With w0 and w1: a grid the caller names, of this log10 step (every spectrum resampled onto it, flux-conserving)", JsonSchemaType.Number),
        new("resolving_power", "With w0 and w1: a named log-linear grid of one pixel per λ/R (log10 step log10(1 + 1/R))", JsonSchemaType.Number),
        new("dlambda", "With w0 and w1: a named linear grid of this step in Å (pixel i at w0 + i·dlambda); one of dloglam, resolving_power, dlambda", JsonSchemaType.Number),
    ];

    public static IReadOnlyList<Call> Calls { get; } =
    [
        new("", "Is the service alive", "Answers `Hello world…` (Data Lab's isAlive).", [], ["text/plain"]),
        new("available", "Is the archive open", "`True` while the catalogue answers a probe, otherwise 503 `False`; constant time.", [], ["text/plain"]),
        new("contexts", "Data contexts", "One context's description (id column, catalogue, redshift column, frame) or the list of all.", [Context, Format], ["application/json", "text/plain"]),
        new("profiles", "Service profiles", "One profile's description or the list of all.", [Profile, Format], ["application/json", "text/plain"]),
        new("catalogs", "Catalogues of a context", "The tables a context's queries may name.", [Context, Profile, Format], ["application/json", "text/plain"]),
        new("validate", "Is a context or profile name valid", "`OK` when valid.",
            [new("what", "`context` or `profile`", Required: true), new("value", "The name to check", Required: true)], ["text/plain"]),
        new("query", "Find spectra",
            "Runs `cond` (an ADQL-like search condition, with Q3C's `q3c_radial_query` and `q3c_poly_query` for the sky) on a catalogue; parsed, never pasted into SQL. CSV with a header line.",
            [new("fields", "Comma-separated column names, e.g. `specobjid` or `plate,mjd,fiberid,run2d`"), new("catalog", "`schema.table`, e.g. `demo.specobj`"),
             new("cond", "Search condition, e.g. `q3c_radial_query(ra,dec,180,0,1) AND z > 0.1 LIMIT 100`"), new("id", "One object's id (the client learns a redshift this way)"),
             Context, Profile, Debug, Verbose], ["text/csv"]),
        new("listSpan", "Wavelength span of spectra", "JSON `{\"w0\": …, \"w1\": …}` over all the listed spectra, in Å.", [IdList, Context, Profile, Debug, Verbose], ["application/json"]),
        new("getSpec", "Spectra as arrays",
            "One NumPy `.npy` structured array (loglam, flux, ivar, model, sky, masks, wdisp), aligned on one grid with `align=True`, or FITS, VOTable, CSV.",
            [IdList, new("values", "`all` or a comma list of vectors"), new("format", "`numpy`, `pandas`, `Spectrum1D`, `SpectrumCollection`, `tables`, `FITS`, `votable`, `csv`"),
             new("align", "`True`/`False`: resample every spectrum onto one grid"), new("cutout", "`<start>-<end>` in Å, or empty"),
             .. Grid, Context, Profile, Debug, Verbose],
            ["application/octet-stream", "application/fits", "application/x-votable+xml", "text/csv"]),
        new("preview", "Preview plot of one spectrum", "PNG.", [new("id", "The spectrum's id", Required: true), Context, Profile], ["image/png"]),
        new("plotGrid", "Grid of preview plots", "One PNG page of the grid; with w0/w1 (and a named grid) every panel shows its spectrum on that one grid.",
            [IdList, new("ncols", "Columns of the grid", JsonSchemaType.Integer), .. Grid, Context, Profile, Debug, Verbose], ["image/png"]),
        new("stackedImage", "Spectra stacked as an image", "One row of pixels per spectrum (PNG, or `.npy` with `format=numpy`).",
            [IdList, new("xscale", "Horizontal scale", JsonSchemaType.Number), new("yscale", "Vertical scale", JsonSchemaType.Number),
             new("thickness", "Rows per spectrum", JsonSchemaType.Integer), new("cmap", "Colour map, e.g. `gray`"), new("inverse", "`True`/`False`"),
             new("width", "Width in pixels (0: natural)", JsonSchemaType.Integer), new("height", "Height in pixels (0: natural)", JsonSchemaType.Integer),
             new("format", "`png` or `numpy`"),
             .. Grid, Context, Profile, Debug, Verbose], ["image/png", "application/octet-stream"]),
    ];

    public static IServiceCollection AddSpecApi(this IServiceCollection services) => services.AddOpenApi(DocumentName, o =>
    {
        o.ShouldInclude = d => d.RelativePath is { } p && (p == "spec" || p.StartsWith("spec/", StringComparison.Ordinal)) && Find(p) is not null;
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info = new OpenApiInfo
            {
                Title = "VoSpec spectroscopic data service (/spec)",
                Version = typeof(SpecApi).Assembly.GetName().Version?.ToString() ?? "1",
                Description = "The interface of NOIRLab Astro Data Lab's spectroscopic data service, as VoSpec serves it: Data Lab's `specClient` works "
                    + "unchanged (`set_svc_url('…/spec')`). Parameters come in the query string or as form fields; booleans are `True`/`False`.",
            };
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((op, ctx, _) =>
        {
            if (Find(ctx.Description.RelativePath ?? "") is not { } call) return Task.CompletedTask;
            op.Summary = call.Summary;
            op.Description = call.Description;
            bool post = string.Equals(ctx.Description.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase);
            if (post)
            {
                var form = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>() };
                foreach (var p in call.Parameters) form.Properties[p.Name] = Schema(p);
                form.Required = call.Parameters.Where(p => p.Required).Select(p => p.Name).ToHashSet();
                op.RequestBody = new OpenApiRequestBody
                {
                    Required = call.Parameters.Any(p => p.Required),
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/x-www-form-urlencoded"] = new() { Schema = form },
                        ["multipart/form-data"] = new() { Schema = form },
                    },
                };
            }
            else
            {
                op.Parameters = call.Parameters.Select(p => (IOpenApiParameter)new OpenApiParameter
                {
                    Name = p.Name, In = ParameterLocation.Query, Required = p.Required, Description = p.Description, Schema = Schema(p),
                    Explode = p.Repeated,
                }).ToList();
            }
            op.Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "The answer",
                    Content = call.Formats.ToDictionary(f => f, _ => new OpenApiMediaType()),
                },
                ["400"] = Error("The request is wrong; one line of plain text says why"),
                ["413"] = Error("Too many ids (VoSpec:Spec:MaxIds) or a body too large"),
                ["429"] = Error("Over a limit; Retry-After says when to try again"),
                ["503"] = Error("The archive cannot answer now; Retry-After says when to try again"),
            };
            return Task.CompletedTask;
        });
    });

    private static OpenApiResponse Error(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
    };

    private static IOpenApiSchema Schema(Parameter p)
    {
        var one = new OpenApiSchema { Type = p.Type, Description = p.Description };
        return p.Repeated ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = one, Description = p.Description } : one;
    }

    /// <summary>The call a route (relative to the site, e.g. <c>spec/getSpec</c>) describes.</summary>
    public static Call? Find(string relativePath)
    {
        var route = relativePath == "spec" ? "" : relativePath.StartsWith("spec/", StringComparison.Ordinal) ? relativePath[5..] : null;
        return route is null ? null : Calls.FirstOrDefault(c => c.Route == route);
    }

    /// <summary>Serves the document and its reference page (Scalar, its assets from the package, nothing fetched from elsewhere).</summary>
    public static IEndpointRouteBuilder MapSpecApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference("/docs/api", o =>
        {
            o.WithTitle("VoSpec REST APIs");
            o.AddDocument(DocumentName);
            o.AddDocument(OData.ODataApi.DocumentName);
            o.WithOpenApiRoutePattern(DocumentPath);
            o.DisableDefaultFonts(); // its fonts would come from a CDN: the page fetches nothing from outside
        }).AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            // Scalar's page runs its own scripts and one inline configuration script: the policy names that script by its
            // hash (computed from the page as served) instead of the server's no-script default.
            if (result is Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult { ResponseContent: { } html } && html.Contains("<script", StringComparison.Ordinal))
                context.HttpContext.Response.Headers.ContentSecurityPolicy = ReferencePagePolicy(html);
            return result;
        });
        return app;
    }

    /// <summary>The reference page's policy: this origin's scripts plus the page's inline scripts by hash; its own styles.</summary>
    internal static string ReferencePagePolicy(string html)
    {
        var hashes = System.Text.RegularExpressions.Regex.Matches(html, @"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => "'sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(m.Groups[1].Value))) + "'");
        return "default-src 'none'; script-src 'self' " + string.Join(' ', hashes) + "; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }
}
