using System.Text.RegularExpressions;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>Runs HEASARC's fitsverify on a file and reads its verdict line.</summary>
internal static partial class FitsVerify
{
    public const string Program = "/usr/bin/fitsverify";

    public sealed record Verdict(int Warnings, int Errors, string Output);

    public static Verdict Run(string path)
    {
        var r = ExternalTool.Run(Program, [path]);
        var m = Summary().Match(r.All);
        Assert.True(m.Success, $"no verdict line in fitsverify output:\n{r.All}");
        return new Verdict(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), r.All);
    }

    /// <summary>0 errors and 0 warnings.</summary>
    public static void AssertClean(string path)
    {
        var v = Run(path);
        Assert.True(v.Errors == 0, $"fitsverify found {v.Errors} error(s):\n{v.Output}");
        Assert.True(v.Warnings == 0, $"fitsverify found {v.Warnings} warning(s):\n{v.Output}");
    }

    [GeneratedRegex(@"Verification found (\d+) warning\(s\) and (\d+) error\(s\)")]
    private static partial Regex Summary();
}
