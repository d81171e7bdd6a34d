// Why this file exists: a full disk, a read-only archive or a catalogue database out of reach is the server's trouble,
// not the client's mistake. Every layer (UWS results, uploads, the job store, the preview cache, every query) recognises
// it here and answers with the same short message and status — 507 Insufficient Storage or 503 with Retry-After —
// without the file path, the connection string or the exception's text.

using Microsoft.AspNetCore.Http;

namespace VoSpec.Server.Hosting;

/// <summary>Recognises a full disk, a read-only archive or an unreachable catalogue database in an exception, for a 507/503 answer.</summary>
public static class StorageFault
{
    private const int Enospc = 28, Erofs = 30, Edquot = 122, Eacces = 13, Eperm = 1;

    public const string DiskFullMessage = "the server's disk is full: it cannot store this result now; reads still work, retry later";
    public const string UnavailableMessage = "the catalogue database cannot be reached now (restarting or overloaded): retry in a few seconds";
    public const string ReadOnlyMessage = "the server's archive is read-only now: it cannot store anything (async jobs, uploads); reads still work";

    /// <summary>
    /// Retry-After (seconds) of a 507/503 storage answer. Freeing a disk or remounting it takes an operator minutes,
    /// so clients are told ten minutes, not the seconds of a busy-server refusal (<c>VoSpec:Limits:RetryAfterSeconds</c>).
    /// </summary>
    public const int RetryAfterSeconds = 600;

    /// <summary>Retry-After of a catalogue database out of reach: a restart or a fail-over takes seconds.</summary>
    public const int UnavailableRetryAfterSeconds = 5;

    /// <summary>Sets the status and Retry-After of a storage fault (<paramref name="message"/> as Describe gave it) on a response that has not started.</summary>
    public static void Answer(HttpResponse response, int status, string? message = null)
    {
        response.StatusCode = status;
        int retry = message == UnavailableMessage ? UnavailableRetryAfterSeconds : RetryAfterSeconds;
        response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
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
                case var db when CatalogueFault.Of(db) is { Kind: CatalogueFaultKind.Unavailable }:
                    return (StatusCodes.Status503ServiceUnavailable, UnavailableMessage);
            }
        }
        return null;
    }
}
