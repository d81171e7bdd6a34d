using System.Diagnostics;

namespace VoSpec.Testing;

/// <summary>
/// Runs a real external program (fitsverify, Debian's python3 with astropy, STILTS...).
/// A missing tool fails the test with the reason: .ci/run installs every tool, so a test
/// never skips for want of one.
/// </summary>
internal static class ExternalTool
{
    /// <summary>Debian's interpreter: the pyenv python3 on PATH lacks astropy/pyvo.</summary>
    public const string Python = "/usr/bin/python3";

    public static string Require(string program)
    {
        if (Path.IsPathRooted(program))
            return File.Exists(program) ? program : throw new InvalidOperationException($"{program} is not installed (run .ci/run's install step)");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"{program} is not on PATH (run .ci/run's install step)");
    }

    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    public static Result Run(string program, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Require(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) { p.StandardInput.Write(stdin); p.StandardInput.Close(); }
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in time");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a Python snippet with Debian's python3 (astropy, numpy, pyvo).</summary>
    public static Result RunPython(string script, params string[] args) =>
        Run(Python, new[] { "-c", script }.Concat(args));
}
