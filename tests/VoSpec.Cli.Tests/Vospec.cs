using Xunit;
using System.Diagnostics;
using VoSpec.Testing;

namespace VoSpec.Cli.Tests;

/// <summary>Runs the real `vospec` program (the built VoSpec.Cli) as a separate process.</summary>
internal static class Vospec
{
    /// <summary>vospec.dll of the same configuration (Debug/Release) as this test assembly.</summary>
    public static string Dll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var dll = Path.Combine(TestPaths.RepoRoot, "src", "VoSpec.Cli", "bin", config, "net10.0", "vospec.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build VoSpec.Cli first", dll);
        }
    }

    public static ExternalTool.Result Run(params string[] args) =>
        ExternalTool.Run("dotnet", new[] { Dll }.Concat(args), timeout: TimeSpan.FromMinutes(5));

    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }
}
