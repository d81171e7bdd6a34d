using System.Reflection;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// The server talks to the catalogue only through the archive's interfaces (VoSpec.Archive.Queries, .Jobs): no
/// database driver in its references, no SQL in its sources. A backend is chosen below the server, never in it.
/// </summary>
public class ArchiveBoundaryTests
{
    private static readonly string[] DriverAssemblies = ["Microsoft.Data.Sqlite", "SQLitePCLRaw", "e_sqlite3", "Npgsql"];

    [Fact]
    public void The_server_assembly_references_no_database_driver()
    {
        var references = typeof(Hosting.VoSpecHost).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.Contains("VoSpec.Archive", references);
        Assert.DoesNotContain(references, r => DriverAssemblies.Any(d => r.StartsWith(d, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void The_check_sees_a_driver_where_there_is_one()
    {
        // The same check on the archive, which holds the SQLite backend, must find it: the test can fail.
        var references = typeof(Archive.SpectrumArchive).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.Contains(references, r => DriverAssemblies.Any(d => r.StartsWith(d, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void No_server_source_names_a_driver_or_opens_a_connection()
    {
        var src = Path.Combine(Testing.TestPaths.RepoRoot, "src", "VoSpec.Server");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("Microsoft.Data.Sqlite", StringComparison.Ordinal)
                || text.Contains("SqliteConnection", StringComparison.Ordinal) || text.Contains("SqliteCommand", StringComparison.Ordinal)
                || text.Contains("SQLitePCL", StringComparison.Ordinal) || text.Contains("OpenConnection(", StringComparison.Ordinal)
                // Nor the SQLite backend itself: the server asks the archive's interfaces, whatever the backend.
                || text.Contains("VoSpec.Archive.Sqlite", StringComparison.Ordinal) || text.Contains(".Sqlite.", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(src, f)).ToList();
        Assert.Empty(offenders);
    }
}
