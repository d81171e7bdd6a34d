namespace VoSpec.Server.Access;

/// <summary>
/// Which collections are proprietary, and the tokens that open each (VoSpec:Access:Collections:NAME:Tokens:0, …).
/// A collection listed here is proprietary whatever its catalogue says; one with no tokens is open only to the admin token.
/// A token is written as itself or as "sha256:" and the 64 hex digits of its SHA-256, so a config file need hold no secret.
/// </summary>
public sealed record AccessSettings
{
    public Dictionary<string, ProprietaryCollection> Collections { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One proprietary collection's tokens.</summary>
public sealed record ProprietaryCollection
{
    public List<string> Tokens { get; init; } = [];
}

/// <summary>The administrator (VoSpec:Admin:Token): /spec/shutdown and /spec/debug exist only when a token is set.</summary>
public sealed record AdminSettings
{
    /// <summary>The admin token, plain or "sha256:HEX"; it also opens every proprietary collection.</summary>
    public string? Token { get; init; }
}
