using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VoSpec.Server.Access;

/// <summary>The request-side helpers: rights are worked out once per request and kept in HttpContext.Items.</summary>
public static class AccessHttp
{
    private static readonly object Key = new();

    public static AccessRights AccessRights(this HttpContext http)
    {
        if (http.Items.TryGetValue(Key, out var known) && known is AccessRights r) return r;
        var rights = http.RequestServices.GetRequiredService<AccessPolicy>().RightsOf(RequestTokens.Of(http.Request));
        http.Items[Key] = rights;
        return rights;
    }

    public static AdminCheck CheckAdmin(this HttpContext http) =>
        http.RequestServices.GetRequiredService<AccessPolicy>().CheckAdmin(RequestTokens.Of(http.Request));
}
