using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Server.Access;

namespace VoSpec.Server.Limits;

/// <summary>
/// Who a request counts as for the per-client limits: the holder of a token this server knows (X-DL-AuthToken or
/// Authorization: Bearer, by its SHA-256 digest), otherwise its remote address. Unknown tokens do not count, or a
/// flooding client would get a fresh allowance with every invented token (and Data Lab's shared anonymous token
/// would make all its users one client). Every connection from one address is one client: 127.0.0.1 included.
/// </summary>
public static class ClientKey
{
    private static readonly object Key = new();

    public static string Of(HttpContext http)
    {
        if (http.Items.TryGetValue(Key, out var known) && known is string k) return k;
        var tokens = RequestTokens.Of(http.Request);
        var digest = tokens.Count == 0 ? null : http.RequestServices.GetRequiredService<AccessPolicy>().Recognised(tokens);
        var key = digest is not null ? "token:" + Convert.ToHexStringLower(digest, 0, 12) : "address:" + Address(http.Connection.RemoteIpAddress);
        http.Items[Key] = key;
        return key;
    }

    private static string Address(IPAddress? a) =>
        a is null ? "unknown" : (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).ToString();
}
