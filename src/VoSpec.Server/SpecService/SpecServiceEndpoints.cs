using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Archive;

namespace VoSpec.Server.Hosting;

/// <summary>The spectroscopic data service under /spec (more calls come with the spec-service issue).</summary>
public static class SpecServiceEndpoints
{
    public static RouteGroupBuilder MapSpecService(this RouteGroupBuilder group)
    {
        // 200 while the archive is open and its catalogue answers; 503 otherwise.
        group.MapGet("/available", (SpectrumArchive archive) =>
        {
            try
            {
                archive.CountSpectra();
                return Results.Text("True", "text/plain");
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                return Results.Text("False", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return group;
    }
}
