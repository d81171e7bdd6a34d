using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace VoSpec.Server.OData;

/// <summary>
/// The OData feed described in OpenAPI at /openapi/odata.json (beside /spec's document, on the same reference page at
/// /docs/api): its routes, the system query options each takes, and its answers and errors. OData's own description of
/// the data is $metadata; this one is for people and generic HTTP tools.
/// </summary>
public static class ODataApi
{
    public const string DocumentName = "odata";

    /// <summary>One route of the feed: what it is and the query options it takes (name, description, type).</summary>
    public sealed record Route(string Path, string Summary, string Description, (string Name, string Description, JsonSchemaType Type)[] Options, string[] Formats);

    private static readonly (string, string, JsonSchemaType) Filter = ("$filter",
        "A condition: eq ne gt ge lt le, and or not, add sub mul div mod, in (…), contains/startswith/endswith, tolower/toupper, round/floor/ceiling, "
        + "`geo.distance(position, geography'POINT(ra dec)') lt degrees` (a cone, through the sky index) and `geo.intersects(position, geography'POLYGON((…))')`", JsonSchemaType.String);

    public static IReadOnlyList<Route> Routes { get; } =
    [
        new("odata", "Service document", "The entity sets: `obscore` (ivoa.obscore) and `specobj` (spec.specobj).", [], ["application/json"]),
        new("odata/$metadata", "Entity data model", "CSDL XML generated from the same metadata as TAP_SCHEMA: names, types, descriptions (Core.Description), units (Measures.Unit).", [], ["application/xml"]),
        new("odata/{set}", "Rows of an entity set",
            "OData JSON, forward-only, at most VoSpec:OData:PageSize rows per answer with `@odata.nextLink` to the next. ObsCore rows carry their spectrum as media stream and their DataLink links as `@VoSpec.DataLink`.",
            [Filter, ("$select", "Comma-separated properties (the key is always included)", JsonSchemaType.String),
             ("$orderby", "Properties or expressions, each `asc` or `desc`", JsonSchemaType.String),
             ("$top", "At most this many rows in all", JsonSchemaType.Integer), ("$skip", "Rows to leave out first", JsonSchemaType.Integer),
             ("$count", "`true`: `@odata.count` holds how many rows match", JsonSchemaType.Boolean), ("$format", "`json` (the only format)", JsonSchemaType.String)],
            ["application/json"]),
        new("odata/{set}/$count", "How many rows match", "The number, as plain text.", [Filter], ["text/plain"]),
    ];

    public static IServiceCollection AddODataApi(this IServiceCollection services) => services.AddOpenApi(DocumentName, o =>
    {
        o.ShouldInclude = d => Find(d.RelativePath ?? "") is not null;
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info = new OpenApiInfo
            {
                Title = "VoSpec OData feed (/odata)",
                Version = typeof(ODataApi).Assembly.GetName().Version?.ToString() ?? "1",
                Description = "The archive's catalogue as an OData v4 feed for clients that do not speak the VO. Queries run as ADQL on the same tables, "
                    + "rights and limits as the TAP service.",
            };
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((op, ctx, _) =>
        {
            if (Find(ctx.Description.RelativePath ?? "") is not { } route) return Task.CompletedTask;
            op.Summary = route.Summary;
            op.Description = route.Description;
            var parameters = new List<IOpenApiParameter>();
            if (route.Path.Contains("{set}"))
                parameters.Add(new OpenApiParameter
                {
                    Name = "set", In = ParameterLocation.Path, Required = true, Description = "`obscore` or `specobj`",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ODataModel.Sets.Select(s => (System.Text.Json.Nodes.JsonNode)s.Name!).ToList() },
                });
            parameters.AddRange(route.Options.Select(p => (IOpenApiParameter)new OpenApiParameter
            {
                Name = p.Name, In = ParameterLocation.Query, Description = p.Description, Schema = new OpenApiSchema { Type = p.Type },
            }));
            op.Parameters = parameters;
            var error = new OpenApiResponse
            {
                Description = "OData error JSON: `{\"error\": {\"code\", \"message\", \"target\"}}`; the message gives the position of a syntax error",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() },
            };
            op.Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse { Description = "The answer", Content = route.Formats.ToDictionary(f => f, _ => new OpenApiMediaType()) },
                ["400"] = error,
                ["404"] = error,
                ["429"] = new OpenApiResponse { Description = "Over a limit; Retry-After says when to try again" },
            };
            return Task.CompletedTask;
        });
    });

    /// <summary>The route a site-relative path describes (<c>odata/{set}</c> and so on).</summary>
    public static Route? Find(string relativePath) => Routes.FirstOrDefault(r => r.Path == relativePath);
}
