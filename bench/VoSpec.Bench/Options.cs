namespace VoSpec.Bench;

/// <summary>--name value pairs from the command line.</summary>
internal sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(IEnumerable<string> args)
    {
        var d = new Dictionary<string, string>();
        string? key = null;
        foreach (var a in args)
        {
            if (a.StartsWith("-") && !double.TryParse(a, out _)) { key = a.TrimStart('-'); d[key] = "true"; }
            else if (key is not null) { d[key] = a; key = null; }
        }
        return new Options(d);
    }

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
    public bool Has(string name) => values.ContainsKey(name);
    public string Str(string name, string fallback) => values.GetValueOrDefault(name, fallback);
}
