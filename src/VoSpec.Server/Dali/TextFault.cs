using Microsoft.AspNetCore.Http;

namespace VoSpec.Server.Dali;

/// <summary>
/// The plain-text fault DataLink's and SODA's endpoints answer with (DALI: text/plain, the fault name first — UsageError,
/// NotFoundFault, MultiValuedParamNotSupported...), one line, with the status given.
/// </summary>
public static class TextFault
{
    public static async Task WriteAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(text + "\n", http.RequestAborted);
    }
}
