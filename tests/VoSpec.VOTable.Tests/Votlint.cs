using VoSpec.Testing;
using Xunit;

namespace VoSpec.VOTable.Tests;

/// <summary>
/// STILTS votlint on a document. It exits 0 even when it reports errors, so its output is read the way the conformance
/// harness (shared/conformance/run-datalinklint.sh) does: any line starting with ERROR or FATAL is an error.
/// </summary>
internal static class Votlint
{
    public static void AssertClean(byte[] document, string name)
    {
        using var dir = TestPaths.NewTempDir("votlint");
        string path = Path.Combine(dir.Path, name + ".vot");
        File.WriteAllBytes(path, document);
        var r = ExternalTool.Run("stilts", ["votlint", "maxrepeat=20", $"votable={path}"], timeout: TimeSpan.FromMinutes(3));
        var lines = r.All.Split('\n');
        var errors = lines.Where(l => l.StartsWith("ERROR") || l.StartsWith("FATAL")).ToList();
        Assert.True(r.ExitCode == 0 || lines.Any(l => l.StartsWith("WARNING") || l.StartsWith("INFO")), $"votlint could not read {name} (rc={r.ExitCode}):\n{r.All}");
        Assert.True(errors.Count == 0, $"votlint errors in {name}:\n{r.All}");
    }
}
