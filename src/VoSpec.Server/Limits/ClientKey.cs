using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Server.Access;

namespace VoSpec.Server.Limits;

/// <summary>
/// Who a request counts as for the per-client limits: the holder of a token this server knows (X-DL-AuthToken or
/// Authorization: Bearer, by its SHA-256 digest), otherwise its remote address. Unknown tokens do not count, or a
/// flooding client would get a fresh allowance with every invented token (and Data Lab's shared anonymous token
/// would make all its users one client). Every connection from one address is one client: 127.0.0.1 included,
/// unless it is a trusted proxy (<see cref="LimitSettings.ForwardedForProxies"/>) naming the client in X-Forwarded-For.
/// </summary>
public static class ClientKey
{
    private static readonly object Key = new();

    public static string Of(HttpContext http)
    {
        if (http.Items.TryGetValue(Key, out var known) && known is string k) return k;
        var tokens = RequestTokens.Of(http.Request);
        var digest = tokens.Count == 0 ? null : http.RequestServices.GetRequiredService<AccessPolicy>().Recognised(tokens);
        var key = digest is not null ? "token:" + Convert.ToHexStringLower(digest, 0, 12)
            : "address:" + (Address(http, http.RequestServices.GetService<LimitSettings>()?.ForwardedForProxies ?? "")?.ToString() ?? "unknown");
        http.Items[Key] = key;
        return key;
    }

    /// <summary>The remote address; through trusted proxies, the rightmost X-Forwarded-For address that is not one of them.</summary>
    public static IPAddress? Address(HttpContext http, string trustedProxies)
    {
        var remote = Plain(http.Connection.RemoteIpAddress);
        if (remote is null || trustedProxies.Length == 0) return remote;
        var proxies = trustedProxies.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => IPAddress.TryParse(p, out var a) ? Plain(a) : null).OfType<IPAddress>().ToList();
        if (!proxies.Contains(remote)) return remote;
        var forwarded = string.Join(',', http.Request.Headers["X-Forwarded-For"].ToArray())
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var client = remote;
        // Right to left: each trusted proxy vouches for the address before it; the first one not trusted is the client.
        for (int i = forwarded.Length - 1; i >= 0 && proxies.Contains(client); i--)
        {
            if (!IPAddress.TryParse(forwarded[i], out var a)) break;
            client = Plain(a)!;
        }
        return client;
    }

    private static IPAddress? Plain(IPAddress? a) => a is { IsIPv4MappedToIPv6: true } ? a.MapToIPv4() : a;
}
