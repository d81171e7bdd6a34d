// Why this file exists: a full disk or a read-only archive is the server's trouble, not the client's mistake. Every
// layer that writes (UWS results, uploads, the job store, the preview cache) recognises it here and answers with the
// same short message and status — 507 Insufficient Storage or 503 — without the file path or the exception's text.

using Microsoft.AspNetCore.Http;

namespace VoSpec.Server.Hosting;

/// <summary>Recognises a full disk or a read-only archive in an exception, for a 507/503 answer.</summary>
public static class StorageFault
{
    private const int Enospc = 28, Erofs = 30, Edquot = 122, Eacces = 13, Eperm = 1;

    public const string DiskFullMessage = "the server's disk is full: it cannot store this result now; reads still work, retry later";
    public const string ReadOnlyMessage = "the server's archive is read-only now: it cannot store anything (async jobs, uploads); reads still work";

    /// <summary>
    /// Retry-After (seconds) of a 507/503 storage answer. Freeing a disk or remounting it takes an operator minutes,
    /// so clients are told ten minutes, not the seconds of a busy-server refusal (<c>VoSpec:Limits:RetryAfterSeconds</c>).
    /// </summary>
    public const int RetryAfterSeconds = 600;

    /// <summary>Sets the status and Retry-After of a storage fault on a response that has not started.</summary>
    public static void Answer(HttpResponse response, int status)
    {
        response.StatusCode = status;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The status and message for a storage fault anywhere in <paramref name="e"/>'s chain; null for anything else.</summary>
    public static (int Status, string Message)? Describe(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case IOException io when (io.HResult & 0xFFFF) is Enospc or Edquot || io.Message.Contains("No space left", StringComparison.Ordinal):
                    return (StatusCodes.Status507InsufficientStorage, DiskFullMessage);
                case IOException io when (io.HResult & 0xFFFF) == Erofs || io.Message.Contains("Read-only file system", StringComparison.Ordinal):
                    return (StatusCodes.Status503ServiceUnavailable, ReadOnlyMessage);
                case UnauthorizedAccessException:
                    return (StatusCodes.Status503ServiceUnavailable, ReadOnlyMessage);
                case IOException io when (io.HResult & 0xFFFF) is Eacces or Eperm:
                    return (StatusCodes.Status503ServiceUnavailable, ReadOnlyMessage);
                case var db when CatalogueFault.Of(db) is { Kind: CatalogueFaultKind.Full }:
                    return (StatusCodes.Status507InsufficientStorage, DiskFullMessage);
                case var db when CatalogueFault.Of(db) is { Kind: CatalogueFaultKind.ReadOnly }:
                    return (StatusCodes.Status503ServiceUnavailable, ReadOnlyMessage);
            }
        }
        return null;
    }
}
