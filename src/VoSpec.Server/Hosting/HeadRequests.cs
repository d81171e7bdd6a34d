namespace VoSpec.Server.Hosting;

/// <summary>
/// HEAD on every resource that answers GET (RFC 9110 §9.3.2: a general-purpose server supports both): link checkers,
/// uptime monitors and `curl -I` ask it, and endpoints are mapped for GET only. A HEAD request is routed as a GET
/// (<see cref="UseHeadAsGet"/>, just before routing) and runs as HEAD again once its endpoint is chosen
/// (<see cref="UseHeadRestored"/>, just after), so the handler does exactly what GET does — the same status, headers
/// and Content-Length — and Kestrel, which sees a HEAD response, sends no body. Static files answer HEAD themselves
/// and come before both.
/// </summary>
public static class HeadRequests
{
    private static readonly object Marker = new();

    /// <summary>Routes a HEAD request as GET.</summary>
    public static void UseHeadAsGet(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (HttpMethods.IsHead(http.Request.Method))
        {
            http.Request.Method = HttpMethods.Get;
            http.Items[Marker] = Marker;
        }
        return next(http);
    });

    /// <summary>Makes a request routed by <see cref="UseHeadAsGet"/> a HEAD request again (placed after routing).</summary>
    public static void UseHeadRestored(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Items.ContainsKey(Marker)) http.Request.Method = HttpMethods.Head;
        return next(http);
    });
}
