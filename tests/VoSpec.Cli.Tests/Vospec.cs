using Xunit;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
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

    /// <summary>
    /// Reads a started `vospec serve`'s standard output until it prints the URL it serves at (two minutes at most);
    /// returns the URL (null if none came) and the lines read, which go into <paramref name="output"/>.
    /// </summary>
    public static async Task<string?> ReadServingUrlAsync(Process p, StringBuilder output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && await p.StandardOutput.ReadLineAsync() is { } line)
        {
            output.AppendLine(line);
            var m = Regex.Match(line, @"VoSpec serving .* at (http://127\.0\.0\.1:\d+/)");
            if (m.Success) return m.Groups[1].Value;
        }
        return null;
    }
}
