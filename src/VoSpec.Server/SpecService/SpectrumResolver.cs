using VoSpec.Archive;
using VoSpec.Core.Faults;

namespace VoSpec.Server.SpecService;

/// <summary>
/// Requested ids → pixel-store locations, through the archive's lookup in one call (one catalogue connection for the
/// whole list).
/// An id that matches nothing fails the whole request (400 naming up to ten such ids): the client asked for rows
/// in a fixed order and a silently missing row would shift every later one. An id found in two collections of the
/// context is ambiguous (400: name a context). An id of a collection the caller may not see is unknown, like any other.
/// </summary>
public static class SpectrumResolver
{
    public static SpectrumLocation[] Resolve(SpectrumArchive archive, SpecContext context, IReadOnlyList<SpecId> ids)
    {
        if (ids.Count == 0) throw new UserInputException("id_list is empty: give at least one specobjid or (plate, mjd, fiberid)");
        // The context's members are the collections the caller may see: an id elsewhere is unknown.
        var collections = context.Members;
        var fibres = ids.Where(i => i.IsTuple).Distinct().ToList();
        var (bySpecObjId, byFibre) = archive.Lookup.LocateSpectra(
            ids.Where(i => i.SpecObjId is not null).Select(i => i.SpecObjId!.Value).ToHashSet(),
            fibres.Select(f => new FibreKey(f.Plate, f.Mjd, f.FiberId)).ToList(), collections);
        var fibreMatches = new Dictionary<SpecId, List<SpectrumLocation>>();
        for (int i = 0; i < fibres.Count; i++) fibreMatches[fibres[i]] = byFibre[i];

        var found = new Dictionary<SpecId, SpectrumLocation>();
        var result = new SpectrumLocation[ids.Count];
        var unknown = new List<SpecId>();
        var matches = new List<SpectrumLocation>(2);
        for (int i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            if (found.TryGetValue(id, out var known)) { result[i] = known; continue; }
            matches.Clear();
            if (id.SpecObjId is { } specObjId)
            {
                if (bySpecObjId.TryGetValue(specObjId, out var m)) matches.AddRange(m);
            }
            else if (fibreMatches.TryGetValue(id, out var fm)) matches.AddRange(fm);
            if (matches.Count == 0) { unknown.Add(id); continue; }
            if (matches.Count > 1)
                throw new UserInputException($"id {id} is in several collections ({string.Join(", ", matches.Select(m => m.Collection))}): name one as the context");
            found[id] = result[i] = matches[0];
        }
        if (unknown.Count > 0)
        {
            var names = string.Join(", ", unknown.Distinct().Take(10));
            int more = unknown.Distinct().Count() - 10;
            throw new NotFoundException($"unknown id{(unknown.Count > 1 ? "s" : "")} in context {context.Name}: {names}{(more > 0 ? $" and {more} more" : "")}");
        }
        // A spectrum served from a source file gone or changed since ingest fails the request now, not half-way through its rows.
        SpectrumArchive.CheckSources(result);
        return result;
    }
}
