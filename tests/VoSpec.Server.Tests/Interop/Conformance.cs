using VoSpec.Testing;

namespace VoSpec.Server.Tests.Interop;

/// <summary>The black-box harness in ../shared/conformance (STILTS validators, pyVO scenarios), run as is.</summary>
internal static class Conformance
{
    public static string Dir => Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "conformance"));

    public static string Script(string name)
    {
        var path = Path.Combine(Dir, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"conformance harness missing: {path} (shared/ must sit beside the repository)");
    }

    /// <summary>JVM flags that keep STILTS on loopback (the harness's own network guard).</summary>
    public static readonly string[] StiltsGuard =
        ["-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9", "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9", "-Dhttp.nonProxyHosts=localhost|127.*|[::1]"];
}
