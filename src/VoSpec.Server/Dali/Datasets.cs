using System.Globalization;
using VoSpec.Archive;
using VoSpec.Archive.Catalogue;
using VoSpec.Server.Access;

namespace VoSpec.Server.Dali;

/// <summary>The outcome of looking up an ID: a dataset, or the fault text explaining why not.</summary>
public readonly record struct DatasetLookup(Dataset? Dataset, string? Fault)
{
    public static DatasetLookup Found(Dataset d) => new(d, null);
    public static DatasetLookup NotFound(string id) => new(null, $"NotFoundFault: no spectrum with ID {id} in this archive");
    public static DatasetLookup Malformed(string id) =>
        new(null, $"UsageFault: '{id}' is not a dataset identifier (expected ivo://authority/collection?specobjid)");

    public bool IsMalformed => Fault?.StartsWith("UsageFault", StringComparison.Ordinal) == true;
}

/// <summary>
/// Resolves publisher DIDs (ivo://authority/collection?specobjid) through the archive's lookup. A spectrum of a
/// collection the caller may not see is not found, with the same fault as one that does not exist.
/// </summary>
public static class Datasets
{
    /// <summary>A lookup for many IDs (the caller disposes it, which hands the archive's statement back).</summary>
    public sealed class Finder(SpectrumArchive archive, AccessRights rights) : IDisposable
    {
        private readonly IDatasetFinder _finder = archive.Lookup.OpenDatasetFinder();

        /// <summary>Announces the IDs about to be looked up (a {links} request with many), so the backend can read them at once.</summary>
        public void Prefetch(IEnumerable<string> ids)
        {
            var keys = new List<(string, long)>();
            foreach (var id in ids)
                if (Key(id) is { } key) keys.Add(key);
            if (keys.Count > 1) _finder.Prefetch(keys);
        }

        private (string Collection, long SpecObjId)? Key(string id)
        {
            var parts = Identifiers.ParseDid(id);
            if (parts is null || !string.Equals(parts.Value.Authority, archive.Options.Authority, StringComparison.OrdinalIgnoreCase)
                || !long.TryParse(parts.Value.LocalId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long specObjId)
                || !rights.CanSee(parts.Value.Collection)) return null;
            return (parts.Value.Collection, specObjId);
        }

        /// <summary>The dataset of <paramref name="id"/>; with <paramref name="withMeta"/>, its metadata read with it where that saves a round trip.</summary>
        public DatasetLookup Find(string id, bool withMeta = false)
        {
            var parts = Identifiers.ParseDid(id);
            if (parts is null) return DatasetLookup.Malformed(id);
            // A well-formed identifier that is not one of ours is simply not here.
            if (!string.Equals(parts.Value.Authority, archive.Options.Authority, StringComparison.OrdinalIgnoreCase)
                || !long.TryParse(parts.Value.LocalId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long specObjId))
                return DatasetLookup.NotFound(id);
            if (!rights.CanSee(parts.Value.Collection)) return DatasetLookup.NotFound(id);
            var found = withMeta ? _finder.FindWithMeta(id, parts.Value.Collection, specObjId) : _finder.Find(id, parts.Value.Collection, specObjId);
            return found is not null ? DatasetLookup.Found(found) : DatasetLookup.NotFound(id);
        }

        /// <summary>The spectra <paramref name="dataset"/> was made from or went into, of the collections the caller may see.</summary>
        public IReadOnlyList<RelatedSpectrum> Related(Dataset dataset) =>
            _finder.Related(dataset).Where(r => rights.CanSee(r.Collection)).ToList();

        public void Dispose() => _finder.Dispose();
    }

    /// <summary>One lookup (SODA, previews, the dataset endpoints); <paramref name="withMeta"/> for those that load the spectrum.</summary>
    public static DatasetLookup Find(SpectrumArchive archive, AccessRights rights, string id, bool withMeta = false)
    {
        using var finder = new Finder(archive, rights);
        return finder.Find(id, withMeta);
    }
}
