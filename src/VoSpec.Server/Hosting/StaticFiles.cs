// Why this file exists: operators may want to serve a directory of plain files beside the services (bulk
// downloads, documentation, a benchmark's reference file to compare getSpec with). Off unless VoSpec:StaticFiles
// names a directory; then its files are served read-only under /static/ by ASP.NET's static file middleware.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace VoSpec.Server.Hosting;

public static class StaticFiles
{
    public const string RequestPath = "/static";

    /// <summary>Serves <see cref="ServerSettings.StaticFiles"/> under /static/ when it is set; a missing directory stops the start.</summary>
    public static void UseConfiguredStaticFiles(this WebApplication app, ServerSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.StaticFiles)) return;
        var directory = Path.GetFullPath(settings.StaticFiles);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"VoSpec:StaticFiles names {directory}, which is not a directory");
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".npy"] = "application/x-npy";
        types.Mappings[".fits"] = "application/fits";
        types.Mappings[".fit"] = "application/fits";
        types.Mappings[".vot"] = "application/x-votable+xml";
        app.UseStaticFiles(new StaticFileOptions
        {
            // PhysicalFileProvider never serves dot-files or paths outside the directory.
            FileProvider = new PhysicalFileProvider(directory),
            RequestPath = RequestPath,
            ContentTypeProvider = types,
            // The operator chose every file in the directory: serve all of them, unknown types as bytes.
            ServeUnknownFileTypes = true,
            DefaultContentType = "application/octet-stream",
        });
    }
}
