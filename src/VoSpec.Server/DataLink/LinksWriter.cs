using VoSpec.Archive;
using VoSpec.Server.Access;
using VoSpec.VOTable;
using ServiceDescriptor = VoSpec.VOTable.ServiceDescriptor;

using VoSpec.Server.Dali;
using VoSpec.Server.Formats;

namespace VoSpec.Server.DataLink;

/// <summary>
/// Streams a links document: the results table (rows of each ID together, IDs in the order sent, ≥ 1 row per ID),
/// then one SODA descriptor per spectrum found, at document level where pyvo looks for them.
/// </summary>
public static class LinksWriter
{
    private const int FlushBytes = 1 << 15;

    public static async Task WriteAsync(SpectrumArchive archive, AccessRights rights, LinksRequest request, Stream output, CancellationToken ct)
    {
        string publicUrl = archive.PublicUrl;
        await using var w = new VOTableWriter(output, leaveOpen: true);
        w.BeginDocument();
        // No ID on this RESOURCE: pyvo's clone_byid drops every RESOURCE with an ID no kept row references.
        w.BeginResource("results");
        w.WriteInfo("QUERY_STATUS", request.Overflow ? "OVERFLOW" : "OK",
            request.Overflow ? $"only the first {request.Limit} of {request.Ids.Count} IDs were answered; send the others again" : null);
        w.WriteInfo("standardID", ServiceDescriptor.DataLinkStandardId);
        w.BeginTable(LinkColumns.Fields, request.Serialization, name: "links");

        var descriptors = new List<ServiceDescriptor>();
        using (var finder = new Datasets.Finder(archive, rights))
        {
            finder.Prefetch(request.Answered);
            foreach (var id in request.Answered)
            {
                var found = finder.Find(id);
                if (found.Dataset is { } d)
                {
                    var sodaId = $"soda-{descriptors.Count + 1}";
                    foreach (var link in SpectrumLinks.For(d, finder.Related(d), archive.Arms(d), publicUrl, sodaId)) link.Write(w);
                    descriptors.Add(SodaDescriptor.For(d, sodaId, publicUrl));
                }
                else SpectrumLinks.Failure(id, found.Fault!).Write(w);
                if (w.BytesPending > FlushBytes) await w.FlushAsync(ct);
            }
        }
        w.EndTable();
        w.EndResource();
        foreach (var descriptor in descriptors)
        {
            w.WriteServiceDescriptor(descriptor);
            if (w.BytesPending > FlushBytes) await w.FlushAsync(ct);
        }
        w.EndDocument();
        await w.FlushAsync(ct);
    }
}
