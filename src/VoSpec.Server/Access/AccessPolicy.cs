namespace VoSpec.Server.Access;

/// <summary>What a request's admin token check came to.</summary>
public enum AdminCheck { Disabled, Missing, Wrong, Granted }

/// <summary>
/// The one access policy every protocol asks: which collections a request may see (from its tokens), and
/// whether it carries the admin token. A token that opens nothing is the same as no token: Data Lab's client
/// sends an anonymous token with every call, and public data must keep working for it.
/// </summary>
public sealed class AccessPolicy
{
    private readonly Dictionary<string, byte[][]> _collections;
    private readonly byte[]? _admin;

    public AccessPolicy(AccessSettings access, AdminSettings admin)
    {
        _collections = new(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, c) in access.Collections)
        {
            var tokens = (c?.Tokens ?? []).Where(t => !string.IsNullOrWhiteSpace(t))
                .Select((t, i) => TokenDigest.Configured(t, $"VoSpec:Access:Collections:{name}:Tokens:{i}")).ToArray();
            _collections[name.Trim()] = tokens;
        }
        if (!string.IsNullOrWhiteSpace(admin.Token)) _admin = TokenDigest.Configured(admin.Token, "VoSpec:Admin:Token");
    }

    public bool AdminEnabled => _admin is not null;

    /// <summary>The collections configured as proprietary.</summary>
    public IReadOnlyCollection<string> Proprietary => _collections.Keys;

    public bool IsProprietary(string collection) => _collections.ContainsKey(collection);

    /// <summary>How many tokens open each proprietary collection (for /spec/debug; never the tokens).</summary>
    public IReadOnlyDictionary<string, int> TokenCounts => _collections.ToDictionary(kv => kv.Key, kv => kv.Value.Length, StringComparer.OrdinalIgnoreCase);

    public AccessRights RightsOf(IReadOnlyList<string> tokens)
    {
        if (_collections.Count == 0) return AccessRights.Everything;
        var digests = tokens.Select(TokenDigest.Of).ToList();
        if (_admin is not null && digests.Any(d => TokenDigest.Matches(d, [_admin]))) return new AccessRights(_collections.Keys, []);
        var granted = _collections.Where(kv => digests.Any(d => TokenDigest.Matches(d, kv.Value))).Select(kv => kv.Key).ToList();
        return new AccessRights(granted, _collections.Keys.Except(granted, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The rights of an async job's submitter, from the collections they were granted when it was created:
    /// collections made proprietary since then stay hidden from it.
    /// </summary>
    public AccessRights RightsOfGrants(IEnumerable<string> granted)
    {
        var kept = granted.Where(_collections.ContainsKey).ToList();
        return new AccessRights(kept, _collections.Keys.Except(kept, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The digest of the first token this server knows (one that opens a proprietary collection, or the admin token);
    /// null when none is. Only a known token may name a client for the request limits: anyone can invent new ones.
    /// </summary>
    public byte[]? Recognised(IReadOnlyList<string> tokens)
    {
        foreach (var t in tokens)
        {
            var d = TokenDigest.Of(t);
            if ((_admin is not null && TokenDigest.Matches(d, [_admin])) || _collections.Values.Any(v => TokenDigest.Matches(d, v))) return d;
        }
        return null;
    }

    public AdminCheck CheckAdmin(IReadOnlyList<string> tokens)
    {
        if (_admin is null) return AdminCheck.Disabled;
        if (tokens.Count == 0) return AdminCheck.Missing;
        return tokens.Select(TokenDigest.Of).Any(d => TokenDigest.Matches(d, [_admin])) ? AdminCheck.Granted : AdminCheck.Wrong;
    }
}
