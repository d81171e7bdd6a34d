namespace VoSpec.Server.Access;

/// <summary>
/// What one request may see: every collection except the proprietary ones its token does not open.
/// Collection names compare case-insensitively (configuration keys do).
/// </summary>
public sealed class AccessRights
{
    private readonly HashSet<string> _hidden;

    public AccessRights(IEnumerable<string> granted, IEnumerable<string> hidden)
    {
        Granted = granted.Order(StringComparer.OrdinalIgnoreCase).ToList();
        _hidden = new HashSet<string>(hidden, StringComparer.OrdinalIgnoreCase);
        Hidden = _hidden.Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Rights that hide nothing (the admin, or a server without proprietary collections).</summary>
    public static AccessRights Everything { get; } = new([], []);

    /// <summary>The proprietary collections this request's token opens.</summary>
    public IReadOnlyList<string> Granted { get; }
    /// <summary>The proprietary collections this request may not see.</summary>
    public IReadOnlyList<string> Hidden { get; }

    public bool CanSee(string collection) => !_hidden.Contains(collection);

}
