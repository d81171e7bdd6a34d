using System.Globalization;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>Rows of real/catalog/specobj_from_spec_files.csv: the expected values for every real SDSS spec file.</summary>
internal static class SpecObjCatalog
{
    public sealed record Row(string File, long SpecObjId, int Plate, int Mjd, int FiberId, double PlugRa, double PlugDec,
        double Z, string Class, string Subclass, string Survey, string ProgramName, string Run2d, int NPix, double LamMin, double LamMax);

    private static readonly Lazy<IReadOnlyDictionary<string, Row>> Rows = new(Load);

    public static Row Get(string file) => Rows.Value[file];

    /// <summary>Theory data: one case per CSV row (the file path relative to real/).</summary>
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Rows.Value.Keys) data.Add(f);
        return data;
    }

    private static IReadOnlyDictionary<string, Row> Load()
    {
        var lines = File.ReadAllLines(TestPaths.RealFile("catalog/specobj_from_spec_files.csv"));
        var head = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(head, name) is int i and >= 0 ? i : throw new InvalidOperationException($"CSV has no {name}");
        var result = new Dictionary<string, Row>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split(',');
            string S(string c) => f[Col(c)];
            double D(string c) => double.Parse(S(c), CultureInfo.InvariantCulture);
            int I(string c) => int.Parse(S(c), CultureInfo.InvariantCulture);
            result[S("file")] = new Row(S("file"), long.Parse(S("specobjid"), CultureInfo.InvariantCulture), I("plate"), I("mjd"), I("fiberid"),
                D("plug_ra"), D("plug_dec"), D("z"), S("class"), S("subclass"), S("survey"), S("programname"), S("run2d"), I("npix"), D("lam_min"), D("lam_max"));
        }
        return result;
    }
}
