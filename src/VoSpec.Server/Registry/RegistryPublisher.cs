using VoSpec.Archive;
using VoSpec.Archive.Queries;
using VoSpec.Server.Access;
using VoSpec.Server.Tap;

namespace VoSpec.Server.Registry;

/// <summary>
/// The published records with their OAI-PMH datestamps. Before each answer it compares the records as they are now
/// (<see cref="ResourceRecords"/>, remade only when the public collections' counts change) with those stored in the
/// archive: a new record is created now, a changed one updated now, one no longer made (a collection turned
/// proprietary) kept as deleted. The stored records survive restarts, so datestamps do not move without a change.
/// On a read-only archive the comparison is kept in memory.
/// </summary>
public sealed class RegistryPublisher(SpectrumArchive archive, AccessPolicy policy, TapService tap, PublishingSettings settings, ILogger<RegistryPublisher> log)
{
    private readonly Lock _lock = new();
    private string? _stamp;
    private IReadOnlyList<StoredRecord> _records = [];

    /// <summary>The authority part of every identifier (without ivo://).</summary>
    public string Authority => (settings.AuthorityId ?? archive.Options.Authority).Replace("ivo://", "", StringComparison.OrdinalIgnoreCase).TrimEnd('/');

    public PublishingSettings Settings => settings;

    /// <summary>Every record ever published (deleted ones included), by identifier.</summary>
    public IReadOnlyList<StoredRecord> Records()
    {
        var collections = archive.Lookup.Collections().Where(c => !policy.IsProprietary(c.Name) && c.Count > 0).ToList();
        var stamp = archive.PublicUrl + "|" + string.Join(";", collections.Select(c => c.Name + ":" + c.Count));
        lock (_lock)
        {
            if (stamp == _stamp) return _records;
            var coverage = collections.Select(c => archive.Lookup.Coverage(c.Name)).OfType<CollectionCoverage>().ToList();
            var now = new ResourceRecords(settings, Authority, archive.PublicUrl, tap).Make(coverage);
            _records = Reconcile(now, DateTimeOffset.UtcNow);
            _stamp = stamp;
            return _records;
        }
    }

    private IReadOnlyList<StoredRecord> Reconcile(IReadOnlyList<ResourceRecord> current, DateTimeOffset now)
    {
        now = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var stored = archive.IsReadOnly && _records.Count > 0 ? _records.ToDictionary(r => r.Identifier) : Load();
        var changed = new List<StoredRecord>();
        foreach (var r in current)
        {
            if (stored.TryGetValue(r.Identifier, out var old) && !old.Deleted && old.Body == r.Body) continue;
            var record = new StoredRecord(r.Identifier, ResourceRecord.Set, r.Body, old is null || old.Deleted ? now : old.Created, now, false);
            changed.Add(record);
            stored[r.Identifier] = record;
        }
        var live = current.Select(r => r.Identifier).ToHashSet();
        foreach (var old in stored.Values.Where(s => !s.Deleted && !live.Contains(s.Identifier)).ToList())
        {
            var record = old with { Deleted = true, Updated = now };
            changed.Add(record);
            stored[old.Identifier] = record;
        }
        if (changed.Count > 0 && !archive.IsReadOnly)
        {
            try { archive.RegistryRecords.Save(changed); }
            catch (Exception e) when (CatalogueFault.Of(e) is not null)
            {
                log.LogWarning("registry records could not be stored ({Error}); served from memory", e.Message);
            }
        }
        if (changed.Count > 0)
            log.LogInformation("registry records: {Changed} new, changed or withdrawn ({Ids})", changed.Count, string.Join(", ", changed.Select(c => c.Identifier)));
        return stored.Values.OrderBy(s => s.Identifier, StringComparer.Ordinal).ToList();
    }

    private Dictionary<string, StoredRecord> Load()
    {
        try { return archive.RegistryRecords.Load().ToDictionary(r => r.Identifier); }
        catch (Exception e) when (CatalogueFault.Of(e) is not null) { return []; }
    }
}
