using Microsoft.AspNetCore.Http;
using VoSpec.Core.Faults;

namespace VoSpec.Server.SpecService;

/// <summary>A request the service refuses with a status other than 400 (413 for too many ids).</summary>
public sealed class SpecServiceException(int statusCode, string message) : UserInputException(message)
{
    public int StatusCode { get; } = statusCode;

    public static SpecServiceException TooManyIds(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"too many ids: at most {limit} per request (VoSpec:Spec:MaxIds)");
}
