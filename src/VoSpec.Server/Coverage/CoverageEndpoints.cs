using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Archive;
using VoSpec.Core.Sky;
using VoSpec.Fits;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;

namespace VoSpec.Server.Coverage;

/// <summary>
/// Sky coverage maps (IVOA MOC 2.0) of each collection at <c>/coverage/{collection}</c> and of all the collections the
/// caller may see at <c>/coverage</c>, as FITS (the standard's serialisation, the default), ASCII or JSON (what Aladin
/// reads), optionally at a coarser <c>order</c>. Kept at ingest (the archive's coverage), so an answer reads cells, not
/// the catalogue. A proprietary collection is not found without its token.
/// </summary>
public static class CoverageEndpoints
{
    public static IEndpointRouteBuilder MapCoverage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/coverage", (HttpContext http, SpectrumArchive archive, CoverageCache cache) =>
        {
            var rights = http.AccessRights();
            var mocs = archive.Lookup.CollectionNames().Where(c => rights.CanSee(c.Name))
                .Select(c => cache.Coverage(c.Name)?.Sky).OfType<Moc>().ToList();
            var union = mocs.Count == 0 ? Moc.Empty(archive.Options.CoverageOrder) : mocs.Aggregate((a, b) => a.Union(b));
            return Answer(http, union, "vospec-coverage");
        });
        app.MapGet("/coverage/{collection}", (HttpContext http, string collection, CoverageCache cache) =>
        {
            var coverage = http.AccessRights().CanSee(collection) ? cache.Coverage(collection) : null;
            return coverage is null
                ? Fault(http, StatusCodes.Status404NotFound, $"NotFoundFault: there is no collection '{collection}' with spectra")
                : Answer(http, coverage.Sky, collection + "-coverage");
        });
        return app;
    }

    private static Task Answer(HttpContext http, Moc moc, string name)
    {
        var query = http.Request.Query;
        if (query["format"].Count > 1 || query["order"].Count > 1)
            return Fault(http, StatusCodes.Status400BadRequest, "UsageError: format and order may be given once each");
        string format = query["format"].FirstOrDefault()?.ToLowerInvariant() ?? "fits";
        if (query["order"].FirstOrDefault() is { } orderText)
        {
            if (!int.TryParse(orderText, out int order) || order < 0 || order > moc.MaxOrder)
                return Fault(http, StatusCodes.Status400BadRequest, $"UsageError: order must be an integer from 0 to {moc.MaxOrder}");
            moc = moc.Degrade(order);
        }
        switch (format)
        {
            case "fits":
            case "application/fits":
                var buffer = new MemoryStream();
                MocFits.Write(buffer, moc);
                http.Response.Headers.ContentDisposition = $"inline; filename=\"{name}.fits\"";
                return Results.Bytes(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), "application/fits").ExecuteAsync(http);
            case "ascii":
            case "text/plain":
                return Results.Text(moc.ToAscii() + "\n", "text/plain; charset=utf-8", Encoding.UTF8).ExecuteAsync(http);
            case "json":
            case "application/json":
                return Results.Text(moc.ToJson(), "application/json; charset=utf-8", Encoding.UTF8).ExecuteAsync(http);
            default:
                return Fault(http, StatusCodes.Status400BadRequest, $"UsageError: format '{format}' is not one of fits, ascii, json");
        }
    }

    private static Task Fault(HttpContext http, int status, string text) => TextFault.WriteAsync(http, status, text);
}

/// <summary>
/// Each collection's coverage as last read, with the count it was read at: a large collection's cells (millions at order
/// 10) are read again only after an ingest changed its count (a constant-time read of the statistics). Only collections
/// that hold spectra are kept, so asking for made-up names fills nothing.
/// </summary>
public sealed class CoverageCache(SpectrumArchive archive)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Count, CollectionCoverage Coverage)> _kept = new(StringComparer.Ordinal);

    public CollectionCoverage? Coverage(string collection)
    {
        long count = archive.Lookup.CountSpectra(collection);
        if (count == 0) return null;
        if (_kept.TryGetValue(collection, out var kept) && kept.Count == count) return kept.Coverage;
        var coverage = archive.Lookup.Coverage(collection);
        if (coverage is not null) _kept[collection] = (count, coverage);
        return coverage;
    }
}
