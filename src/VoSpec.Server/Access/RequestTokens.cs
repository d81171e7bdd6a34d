using Microsoft.AspNetCore.Http;

namespace VoSpec.Server.Access;

/// <summary>The tokens a request carries: X-DL-AuthToken (Data Lab's client) and Authorization: Bearer (everyone else).</summary>
public static class RequestTokens
{
    public const string DataLabHeader = "X-DL-AuthToken";

    public static List<string> Of(HttpRequest request)
    {
        var tokens = new List<string>(1);
        foreach (var v in request.Headers[DataLabHeader])
            if (!string.IsNullOrWhiteSpace(v)) tokens.Add(v.Trim());
        foreach (var v in request.Headers.Authorization)
        {
            var s = v?.Trim() ?? "";
            if (s.Length > 7 && s.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && s[7..].Trim() is { Length: > 0 } t) tokens.Add(t);
        }
        return tokens;
    }
}
