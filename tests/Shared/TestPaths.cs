namespace VoSpec.Testing;

/// <summary>Where things are, seen from a test: the repository root, the shared real data, a scratch dir.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared/data/real beside the repository (never copied into it).</summary>
    public static string RealData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "real"));

    public static string RealFile(string relative)
    {
        var path = Path.Combine(RealData, relative);
        if (!File.Exists(path)) throw new FileNotFoundException($"real test file missing: {path} (shared/ must sit beside the repository)");
        return path;
    }

    /// <summary>A new empty directory under the system temp dir, removed by the caller's Dispose.</summary>
    public static TempDir NewTempDir(string prefix = "vospec") => new(prefix);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VoSpec.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find VoSpec.sln above " + AppContext.BaseDirectory);
    }
}

internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
