using System.Security.Cryptography;
using System.Text;

namespace VoSpec.Server.Access;

/// <summary>
/// Tokens are compared as SHA-256 digests in constant time: a configured token is hashed once (or given as
/// "sha256:HEX"), a presented one is hashed per request, and digests are compared with FixedTimeEquals.
/// </summary>
public static class TokenDigest
{
    public const string Prefix = "sha256:";

    public static byte[] Of(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>A configured token → its digest; a malformed "sha256:" value is a configuration error naming where it stands.</summary>
    public static byte[] Configured(string value, string where)
    {
        var v = value.Trim();
        if (!v.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return Of(v);
        var hex = v[Prefix.Length..];
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            throw new InvalidOperationException($"{where}: a sha256: token must be followed by 64 hex digits");
        return Convert.FromHexString(hex);
    }

    /// <summary>True when <paramref name="presented"/> equals any of <paramref name="configured"/>; every comparison is made.</summary>
    public static bool Matches(byte[] presented, IEnumerable<byte[]> configured)
    {
        bool any = false;
        foreach (var c in configured) any |= CryptographicOperations.FixedTimeEquals(presented, c);
        return any;
    }

    /// <summary>The "sha256:HEX" form of a token, for writing into a configuration file.</summary>
    public static string Hashed(string token) => Prefix + Convert.ToHexStringLower(Of(token));
}
